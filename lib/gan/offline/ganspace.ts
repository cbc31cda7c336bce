/**
 * Interpretable latent directions, GANSpace-style (Härkönen, Hertzmann, Lehtinen, Paris,
 * "GANSpace: Discovering Interpretable GAN Controls", NeurIPS 2020, arXiv:2004.02546):
 *
 * 1. PCA of a large batch of the generator's intermediate features y = G_1(z) (N x D).
 * 2. Transfer to latent space as the paper does for models without a StyleGAN-like W space
 *    (its BigGAN recipe): project the features on the top-k components, x = V^T (y - mean), and
 *    regress the latents on those coordinates by least squares, z - mean(z) ≈ U x; column u_k
 *    is the latent direction that moves feature coordinate k. We normalise u_k to unit length
 *    and take as its unit ("sigma") the standard deviation of the sampled latents projected on
 *    it, as the reference code does, so a slider at +1 moves one standard deviation.
 *
 * Pure and deterministic (plain Float64Array, seeded start vectors): the same inputs give
 * bit-identical outputs in Node and the browser. No tfjs.
 */
import { Rng } from '../rng';

/** A row-major N x D matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array;
}

export interface Pca {
  /** feature mean (D) */
  mean: Float64Array;
  /** top-k principal axes, unit length, orthogonal, by decreasing variance */
  components: Float64Array[];
  /** variance of the data along each component (sample covariance eigenvalues, N - 1) */
  variances: number[];
  /** total variance (trace of the covariance), to turn variances into shares */
  totalVariance: number;
  /** subspace iterations it took */
  iterations: number;
  /** largest residual ||C v - λ v|| / λ_1 of the returned components */
  residual: number;
}

export interface PcaOptions {
  /** seed of the random start subspace */
  seed?: number;
  /** stop when every residual ||C v - λ v|| / λ_1 is below this */
  tolerance?: number;
  maxIterations?: number;
  /** extra subspace vectors beyond k: convergence goes as (λ_{k+extra+1} / λ_k)^iterations */
  oversample?: number;
}

function checkMatrix(m: Matrix, what: string): void {
  if (m.rows < 1 || m.cols < 1 || m.data.length !== m.rows * m.cols) throw new Error(`${what}: ${m.rows}x${m.cols} does not match ${m.data.length} values`);
}

/** Column means and the sample covariance (D x D, row-major, divided by N - 1). */
export function covariance(x: Matrix): { mean: Float64Array; cov: Float64Array } {
  checkMatrix(x, 'covariance');
  const { rows: n, cols: d, data } = x;
  if (n < 2) throw new Error('covariance needs at least 2 rows');
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j]! += data[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // Centred rows, transposed a block at a time (T[i][b]) so that the inner loop runs over
  // contiguous memory and C (8 MB at D = 1024) is swept once per block, not once per row.
  const B = 64;
  const cov = new Float64Array(d * d);
  const t = new Float64Array(d * B);
  for (let r0 = 0; r0 < n; r0 += B) {
    const nb = Math.min(B, n - r0);
    for (let b = 0; b < nb; b++) {
      const off = (r0 + b) * d;
      for (let i = 0; i < d; i++) t[i * B + b] = data[off + i]! - mean[i]!;
    }
    for (let i = 0; i < d; i++) {
      const ti = i * B;
      for (let j = i; j < d; j++) {
        const tj = j * B;
        let s = 0;
        for (let b = 0; b < nb; b++) s += t[ti + b]! * t[tj + b]!;
        cov[i * d + j]! += s;
      }
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j]! / (n - 1);
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return { mean, cov };
}

/**
 * Eigen-decomposition of a small symmetric matrix (p x p, row-major) by cyclic Jacobi
 * rotations: exact to rounding. Returns eigenvalues (descending) and eigenvectors as columns
 * of a p x p row-major matrix.
 */
export function symmetricEigen(a: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== p * p) throw new Error('symmetricEigen: not p x p');
  const m = Float64Array.from(a);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < p; i++) {
      diag += m[i * p + i]! ** 2;
      for (let j = i + 1; j < p; j++) off += m[i * p + j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = m[i * p + j]!;
        if (aij === 0) continue;
        const aii = m[i * p + i]!;
        const ajj = m[j * p + j]!;
        // rotation angle that zeroes m[i][j] (Golub & Van Loan, sym.schur2)
        const theta = (ajj - aii) / (2 * aij);
        const tt = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(tt * tt + 1);
        const s = tt * c;
        for (let k = 0; k < p; k++) {
          const mki = m[k * p + i]!;
          const mkj = m[k * p + j]!;
          m[k * p + i] = c * mki - s * mkj;
          m[k * p + j] = s * mki + c * mkj;
        }
        for (let k = 0; k < p; k++) {
          const mik = m[i * p + k]!;
          const mjk = m[j * p + k]!;
          m[i * p + k] = c * mik - s * mjk;
          m[j * p + k] = s * mik + c * mjk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i]!;
          const vkj = v[k * p + j]!;
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => m[y * p + y]! - m[x * p + x]! || x - y);
  const values = Float64Array.from(order, (i) => m[i * p + i]!);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => {
    for (let k = 0; k < p; k++) vectors[k * p + dst] = v[k * p + src]!;
  });
  return { values, vectors };
}

/** Modified Gram-Schmidt, twice, on the columns of a d x p row-major matrix, in place. */
function orthonormalizeColumns(q: Float64Array, d: number, p: number): void {
  const project = (c: number): number => {
    for (let prev = 0; prev < c; prev++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * p + c]! * q[i * p + prev]!;
      for (let i = 0; i < d; i++) q[i * p + c]! -= dot * q[i * p + prev]!;
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += q[i * p + c]! ** 2;
    return Math.sqrt(nrm);
  };
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < p; c++) {
      let nrm = project(c);
      // a column that vanished (C has rank < p): replace it by the first axis not yet spanned
      for (let axis = 0; nrm < 1e-150 && axis < d; axis++) {
        for (let i = 0; i < d; i++) q[i * p + c] = i === axis ? 1 : 0;
        nrm = project(c);
        // some axis keeps at least 1/sqrt(d) of its length outside a (< d)-dimensional span
        if (nrm < 0.5 / Math.sqrt(d)) nrm = 0;
      }
      for (let i = 0; i < d; i++) q[i * p + c]! /= nrm;
    }
  }
}

/** Y = C V for symmetric C (d x d) and V (d x p), both row-major. */
function multiply(c: Float64Array, v: Float64Array, d: number, p: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < d; i++) {
    const oi = i * p;
    for (let k = 0; k < d; k++) {
      const cik = c[i * d + k]!;
      if (cik === 0) continue;
      const vk = k * p;
      for (let j = 0; j < p; j++) out[oi + j]! += cik * v[vk + j]!;
    }
  }
}

/** Flips a vector so that its largest-magnitude entry is positive: a deterministic sign. */
function canonicalSign(v: Float64Array): void {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]!) > Math.abs(v[best]!) + 1e-12) best = i;
  if (v[best]! < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i]!;
}

/**
 * Top-k eigenpairs of a symmetric positive semi-definite matrix (d x d) by orthogonal
 * (subspace) iteration with Rayleigh-Ritz: one C·V product per iteration (O(d² p)), no O(d³)
 * full decomposition, converged to a residual tolerance.
 */
export function topEigen(
  c: Float64Array,
  d: number,
  k: number,
  { seed = 1, tolerance = 1e-10, maxIterations = 3000, oversample }: PcaOptions = {},
): { values: number[]; vectors: Float64Array[]; iterations: number; residual: number } {
  if (c.length !== d * d) throw new Error('topEigen: not d x d');
  if (!Number.isInteger(k) || k < 1 || k > d) throw new Error(`topEigen: k must be in 1..${d}, got ${k}`);
  const p = Math.min(d, k + (oversample ?? Math.max(8, k)));
  const rng = new Rng(seed >>> 0);
  let v = new Float64Array(d * p);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  orthonormalizeColumns(v, d, p);
  const w = new Float64Array(d * p);
  let values: Float64Array = new Float64Array(p);
  let ritz = new Float64Array(d * p);
  let residual = Infinity;
  let it = 0;
  while (it < maxIterations) {
    it++;
    multiply(c, v, d, p, w);
    // Rayleigh-Ritz in span(V): H = Vᵀ C V = Q Λ Qᵀ; Ritz vectors V Q, with C V Q = W Q
    const h = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += v[i * p + a]! * w[i * p + b]!;
        h[a * p + b] = s;
        h[b * p + a] = s;
      }
    }
    // symmetrise H: V is orthonormal to rounding, C V exactly symmetric only in exact arithmetic
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) h[a * p + b] = h[b * p + a] = (h[a * p + b]! + h[b * p + a]!) / 2;
    const eig = symmetricEigen(h, p);
    values = eig.values;
    ritz = new Float64Array(d * p);
    const cRitz = new Float64Array(d * p);
    for (let i = 0; i < d; i++) {
      for (let b = 0; b < p; b++) {
        let sv = 0;
        let sw = 0;
        for (let a = 0; a < p; a++) {
          const q = eig.vectors[a * p + b]!;
          sv += v[i * p + a]! * q;
          sw += w[i * p + a]! * q;
        }
        ritz[i * p + b] = sv;
        cRitz[i * p + b] = sw;
      }
    }
    const scale = Math.max(Math.abs(values[0]!), 1e-300);
    residual = 0;
    for (let b = 0; b < k; b++) {
      let r = 0;
      for (let i = 0; i < d; i++) r += (cRitz[i * p + b]! - values[b]! * ritz[i * p + b]!) ** 2;
      residual = Math.max(residual, Math.sqrt(r) / scale);
    }
    if (residual < tolerance) break;
    // next subspace: the power step applied to the Ritz vectors, re-orthonormalised
    v = cRitz;
    orthonormalizeColumns(v, d, p);
  }
  const vectors = Array.from({ length: k }, (_, b) => {
    const u = new Float64Array(d);
    for (let i = 0; i < d; i++) u[i] = ritz[i * p + b]!;
    canonicalSign(u);
    return u;
  });
  return { values: Array.from(values.subarray(0, k), (x) => Math.max(0, x)), vectors, iterations: it, residual };
}

/** PCA of the rows of x: mean, top-k components and their variances. */
export function pca(x: Matrix, k: number, options: PcaOptions = {}): Pca {
  const { mean, cov } = covariance(x);
  const d = x.cols;
  let totalVariance = 0;
  for (let i = 0; i < d; i++) totalVariance += cov[i * d + i]!;
  const eig = topEigen(cov, d, k, options);
  return { mean, components: eig.vectors, variances: eig.values, totalVariance, iterations: eig.iterations, residual: eig.residual };
}

/** PCA coordinates of each row: (x - mean) · v_k, an N x k matrix. */
export function pcaCoordinates(x: Matrix, p: Pca): Matrix {
  checkMatrix(x, 'pcaCoordinates');
  const { rows: n, cols: d, data } = x;
  const k = p.components.length;
  const out = new Float64Array(n * k);
  const centred = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) centred[i] = data[r * d + i]! - p.mean[i]!;
    for (let c = 0; c < k; c++) {
      const v = p.components[c]!;
      let s = 0;
      for (let i = 0; i < d; i++) s += centred[i]! * v[i]!;
      out[r * k + c] = s;
    }
  }
  return { rows: n, cols: k, data: out };
}

/**
 * Least squares z - mean(z) ≈ U x over the rows (the GANSpace transfer): returns U as k
 * vectors of length m (u_c = the latent change per unit of coordinate c). Solved through the
 * k x k normal equations (Cholesky); PCA coordinates are uncorrelated, so they are well
 * conditioned.
 */
export function regressLatents(z: Matrix, x: Matrix): Float64Array[] {
  checkMatrix(z, 'regressLatents z');
  checkMatrix(x, 'regressLatents x');
  if (z.rows !== x.rows) throw new Error(`regressLatents: ${z.rows} latents for ${x.rows} coordinate rows`);
  const n = z.rows;
  const m = z.cols;
  const k = x.cols;
  const zMean = new Float64Array(m);
  const xMean = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < m; j++) zMean[j]! += z.data[r * m + j]! / n;
    for (let c = 0; c < k; c++) xMean[c]! += x.data[r * k + c]! / n;
  }
  const xtx = new Float64Array(k * k);
  const xtz = new Float64Array(k * m);
  const xr = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) xr[c] = x.data[r * k + c]! - xMean[c]!;
    for (let a = 0; a < k; a++) {
      const xa = xr[a]!;
      for (let b = a; b < k; b++) xtx[a * k + b]! += xa * xr[b]!;
      for (let j = 0; j < m; j++) xtz[a * m + j]! += xa * (z.data[r * m + j]! - zMean[j]!);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) xtx[a * k + b] = xtx[b * k + a]!;
  // Cholesky: XᵀX = L Lᵀ
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = xtx[i * k + j]!;
      for (let q = 0; q < j; q++) s -= l[i * k + q]! * l[j * k + q]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('regressLatents: coordinates are linearly dependent');
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j]!;
    }
  }
  // solve L Lᵀ B = XᵀZ for B (k x m); U = Bᵀ, i.e. u_c = row c of B
  const out = Array.from({ length: k }, () => new Float64Array(m));
  const y = new Float64Array(k);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < k; i++) {
      let s = xtz[i * m + j]!;
      for (let q = 0; q < i; q++) s -= l[i * k + q]! * y[q]!;
      y[i] = s / l[i * k + i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let q = i + 1; q < k; q++) s -= l[q * k + i]! * out[q]![j]!;
      out[i]![j] = s / l[i * k + i]!;
    }
  }
  return out;
}

export interface LatentDirection {
  /** unit-length direction in latent space */
  latent: Float64Array;
  /** standard deviation of the sampled latents along it: a slider's unit */
  sigma: number;
  /** feature-space variance of the component it comes from */
  variance: number;
  /** that variance as a share of the features' total variance */
  explainedVariance: number;
}

/**
 * The whole GANSpace recipe for a non-StyleGAN generator: PCA of the features (N x D),
 * regression of the latents (N x m) on the top-k PCA coordinates, normalised directions and
 * their latent standard deviations.
 */
export function ganspaceDirections(features: Matrix, latents: Matrix, k: number, options: PcaOptions = {}): { pca: Pca; directions: LatentDirection[] } {
  if (features.rows !== latents.rows) throw new Error(`ganspace: ${features.rows} feature rows for ${latents.rows} latents`);
  const p = pca(features, k, options);
  const coords = pcaCoordinates(features, p);
  const u = regressLatents(latents, coords);
  const n = latents.rows;
  const m = latents.cols;
  const directions = u.map((raw, c) => {
    let nrm = 0;
    for (const v of raw) nrm += v * v;
    nrm = Math.sqrt(nrm);
    const dir = raw.map((v) => (nrm > 0 ? v / nrm : 0));
    // sigma: standard deviation of z · u over the samples
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < n; r++) {
      let proj = 0;
      for (let j = 0; j < m; j++) proj += latents.data[r * m + j]! * dir[j]!;
      s += proj;
      s2 += proj * proj;
    }
    const mean = s / n;
    const sigma = Math.sqrt(Math.max(0, (s2 - n * mean * mean) / (n - 1)));
    const variance = p.variances[c]!;
    return { latent: dir, sigma, variance, explainedVariance: p.totalVariance > 0 ? variance / p.totalVariance : 0 };
  });
  return { pca: p, directions };
}
