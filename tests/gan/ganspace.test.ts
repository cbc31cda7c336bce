import { describe, expect, it } from 'vitest';
import { covariance, ganspaceDirections, pca, pcaCoordinates, regressLatents, symmetricEigen, topEigen, type Matrix } from '../../lib/gan/offline/ganspace';
import { applyDirections, directionsFileSchema } from '../../lib/gan/directions';
import { Rng } from '../../lib/gan/rng';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** A random d x m matrix with orthonormal columns (returned as m vectors of length d). */
function orthonormalBasis(rng: Rng, d: number, m: number): Float64Array[] {
  const q: Float64Array[] = [];
  for (let c = 0; c < m; c++) {
    const v = Float64Array.from(rng.normals(d));
    for (const p of q) {
      const s = dot(v, p);
      for (let i = 0; i < d; i++) v[i]! -= s * p[i]!;
    }
    const n = Math.sqrt(dot(v, v));
    q.push(v.map((x) => x / n));
  }
  return q;
}

/** n rows of mean + Σ sqrt(var_k) g_k q_k + noise (isotropic, std `noise`). */
function synthetic(seed: number, n: number, d: number, variances: number[], noise: number) {
  const rng = new Rng(seed);
  const basis = orthonormalBasis(rng, d, variances.length);
  const mean = Float64Array.from(rng.normals(d));
  const data = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) data[r * d + i] = mean[i]! + noise * rng.normal();
    variances.forEach((v, k) => {
      const g = Math.sqrt(v) * rng.normal();
      for (let i = 0; i < d; i++) data[r * d + i]! += g * basis[k]![i]!;
    });
  }
  return { x: { rows: n, cols: d, data } satisfies Matrix, basis, mean };
}

/** Runs f with Math.random replaced, to show a result does not depend on it. */
function withMathRandom<T>(random: () => number, f: () => T): T {
  const saved = Math.random;
  Math.random = random;
  try {
    return f();
  } finally {
    Math.random = saved;
  }
}

describe('symmetricEigen (Jacobi)', () => {
  it('diagonalises a symmetric matrix: A v = λ v, orthonormal vectors, descending values', () => {
    const p = 7;
    const rng = new Rng(3);
    const b = rng.normals(p * p);
    const a = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) a[i * p + j] = b[i * p + j]! + b[j * p + i]!;
    const { values, vectors } = symmetricEigen(a, p);
    for (let c = 0; c < p; c++) {
      const v = Array.from({ length: p }, (_, i) => vectors[i * p + c]!);
      for (let i = 0; i < p; i++) {
        let av = 0;
        for (let j = 0; j < p; j++) av += a[i * p + j]! * v[j]!;
        expect(av).toBeCloseTo(values[c]! * v[i]!, 10);
      }
      for (let c2 = 0; c2 < p; c2++) {
        const w = Array.from({ length: p }, (_, i) => vectors[i * p + c2]!);
        expect(dot(v, w)).toBeCloseTo(c === c2 ? 1 : 0, 12);
      }
      if (c > 0) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
    }
  });
});

describe('PCA', () => {
  const variances = [16, 9, 5, 3, 1.5];
  const { x, basis, mean } = synthetic(11, 6000, 40, variances, 0.1);

  it('recovers known components (|cos| > 0.99) and their variances', () => {
    const p = pca(x, variances.length);
    expect(p.components).toHaveLength(5);
    variances.forEach((v, k) => {
      expect(Math.abs(dot(p.components[k]!, basis[k]!))).toBeGreaterThan(0.99);
      // sampling error of a variance from 6,000 rows is about 2%
      expect(p.variances[k]! / (v + 0.01)).toBeGreaterThan(0.93);
      expect(p.variances[k]! / (v + 0.01)).toBeLessThan(1.07);
    });
    for (let i = 0; i < 40; i++) expect(p.mean[i]!).toBeCloseTo(mean[i]!, 0);
    const total = variances.reduce((s, v) => s + v, 0) + 40 * 0.01;
    expect(p.totalVariance / total).toBeGreaterThan(0.95);
    expect(p.totalVariance / total).toBeLessThan(1.05);
  });

  it('returns orthonormal components, exact eigenvectors of the sample covariance', () => {
    const p = pca(x, 5);
    p.components.forEach((a, i) => p.components.forEach((b, j) => expect(dot(a, b)).toBeCloseTo(i === j ? 1 : 0, 10)));
    const { cov } = covariance(x);
    const d = x.cols;
    p.components.forEach((v, k) => {
      for (let i = 0; i < d; i++) {
        let cv = 0;
        for (let j = 0; j < d; j++) cv += cov[i * d + j]! * v[j]!;
        expect(cv).toBeCloseTo(p.variances[k]! * v[i]!, 7);
      }
    });
    expect(p.residual).toBeLessThan(1e-9);
  });

  it('agrees with a full Jacobi decomposition of the covariance', () => {
    const small = synthetic(5, 500, 10, [4, 2, 1], 0.3).x;
    const { cov } = covariance(small);
    const full = symmetricEigen(cov, 10);
    const top = topEigen(cov, 10, 6);
    top.values.forEach((v, k) => expect(v).toBeCloseTo(full.values[k]!, 9));
    top.vectors.forEach((v, k) => {
      const w = Array.from({ length: 10 }, (_, i) => full.vectors[i * 10 + k]!);
      expect(Math.abs(dot(v, w))).toBeCloseTo(1, 8);
    });
  });

  it('copes with rank-deficient data (fewer directions than the subspace)', () => {
    const { x: flat, basis: b } = synthetic(8, 300, 12, [4, 1], 0);
    const p = pca(flat, 3);
    expect(Math.abs(dot(p.components[0]!, b[0]!))).toBeGreaterThan(0.99);
    expect(Math.abs(dot(p.components[1]!, b[1]!))).toBeGreaterThan(0.99);
    expect(p.variances[2]!).toBeLessThan(1e-9);
  });

  it('is deterministic for a seed, and the start seed does not change the answer', () => {
    // no hidden global randomness: the answer does not change when Math.random does
    const a = pca(x, 5, { seed: 1 });
    const b = withMathRandom(() => 0.123, () => pca(x, 5, { seed: 1 }));
    expect(b).toEqual(a);
    const c = pca(x, 5, { seed: 99 });
    a.components.forEach((v, k) => v.forEach((e, i) => expect(c.components[k]![i]!).toBeCloseTo(e, 8)));
  });

  it('gives coordinates with zero mean and the components’ variances', () => {
    const p = pca(x, 3);
    const coords = pcaCoordinates(x, p);
    for (let k = 0; k < 3; k++) {
      let s = 0;
      let s2 = 0;
      for (let r = 0; r < coords.rows; r++) {
        const v = coords.data[r * 3 + k]!;
        s += v;
        s2 += v * v;
      }
      expect(s / coords.rows).toBeCloseTo(0, 9);
      expect(s2 / (coords.rows - 1)).toBeCloseTo(p.variances[k]!, 6);
    }
  });

  it('rejects bad input', () => {
    expect(() => pca({ rows: 2, cols: 3, data: new Float64Array(5) }, 1)).toThrow();
    expect(() => pca(x, 0)).toThrow();
    expect(() => pca(x, 41)).toThrow();
  });
});

describe('latent transfer (GANSpace regression)', () => {
  it('recovers a known linear map z = B x', () => {
    const rng = new Rng(21);
    const n = 800;
    const k = 4;
    const m = 6;
    const b = Array.from({ length: k }, () => Float64Array.from(rng.normals(m)));
    const scales = [5, 2, 1, 0.3];
    const xs = new Float64Array(n * k);
    const zs = new Float64Array(n * m);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < k; c++) xs[r * k + c] = scales[c]! * rng.normal() + 1;
      for (let j = 0; j < m; j++) {
        let v = 0.5; // an offset the regression must ignore
        for (let c = 0; c < k; c++) v += xs[r * k + c]! * b[c]![j]!;
        zs[r * m + j] = v + 1e-6 * rng.normal();
      }
    }
    const u = regressLatents({ rows: n, cols: m, data: zs }, { rows: n, cols: k, data: xs });
    u.forEach((row, c) => row.forEach((v, j) => expect(v).toBeCloseTo(b[c]![j]!, 4)));
  });

  it('maps feature components back to the latent axes that made them', () => {
    // features = Q diag(s) z + noise: component k is made by latent axis k alone
    const rng = new Rng(4);
    const n = 4000;
    const m = 5;
    const d = 30;
    const s = [3, 2.2, 1.6, 1.1, 0.7];
    const q = orthonormalBasis(rng, d, m);
    const zs = new Float64Array(n * m);
    const ys = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < m; j++) zs[r * m + j] = rng.normal();
      for (let i = 0; i < d; i++) {
        let v = 0.05 * rng.normal();
        for (let j = 0; j < m; j++) v += q[j]![i]! * s[j]! * zs[r * m + j]!;
        ys[r * d + i] = v;
      }
    }
    const { directions, pca: p } = ganspaceDirections({ rows: n, cols: d, data: ys }, { rows: n, cols: m, data: zs }, 3);
    directions.forEach((dir, k) => {
      expect(Math.sqrt(dot(dir.latent, dir.latent))).toBeCloseTo(1, 10);
      expect(Math.abs(dir.latent[k]!)).toBeGreaterThan(0.99);
      // z is standard normal: one sigma along any unit direction is about 1
      expect(dir.sigma).toBeGreaterThan(0.95);
      expect(dir.sigma).toBeLessThan(1.05);
      expect(dir.explainedVariance).toBeCloseTo(p.variances[k]! / p.totalVariance, 12);
    });
    expect(directions[0]!.explainedVariance).toBeGreaterThan(directions[1]!.explainedVariance);
    // the three shares: 9, 4.84, 2.56 out of about 17.8 (+ noise)
    expect(directions[0]!.explainedVariance).toBeCloseTo(9 / 17.8, 1);
  });

  it('does not depend on global randomness', () => {
    const rng = new Rng(9);
    const n = 300;
    const f = { rows: n, cols: 8, data: Float64Array.from(rng.normals(n * 8)) };
    const z = { rows: n, cols: 3, data: Float64Array.from(rng.normals(n * 3)) };
    const plain = ganspaceDirections(f, z, 3);
    expect(withMathRandom(() => 0.999, () => ganspaceDirections(f, z, 3))).toEqual(plain);
  });
});

describe('applyDirections', () => {
  const z = Float32Array.from([1, 2, 3, 4]);
  const dirs = [
    { latent: [1, 0, 0, 0], sigma: 2 },
    { latent: [0, 0.6, 0.8, 0], sigma: 0.5 },
  ];

  it('returns the latent itself when nothing moves', () => {
    expect(applyDirections(z, dirs, [])).toBe(z);
    expect(applyDirections(z, dirs, [0, 0])).toBe(z);
  });

  it('moves by offset x sigma along each direction, without touching the input', () => {
    const moved = applyDirections(z, dirs, [1.5, -2]);
    expect(Array.from(moved)).toEqual(Array.from(Float32Array.from([1 + 3, 2 - 0.6, 3 - 0.8, 4])));
    expect(Array.from(z)).toEqual([1, 2, 3, 4]);
    // linear: two half moves make one whole move
    const half = applyDirections(applyDirections(z, dirs, [0.75, -1]), dirs, [0.75, -1]);
    half.forEach((v, i) => expect(v).toBeCloseTo(moved[i]!, 5));
  });

  it('rejects mismatched input', () => {
    expect(() => applyDirections(z, dirs, [1, 1, 1])).toThrow();
    expect(() => applyDirections(z, [{ latent: [1, 0], sigma: 1 }], [1])).toThrow();
    expect(() => applyDirections(z, dirs, [Number.NaN])).toThrow();
  });
});

describe('directions.json schema', () => {
  const file = {
    modelId: 'emoji-faces-64',
    checkpoint: 9600,
    layer: 'generator_reshape',
    features: 1024,
    samples: 4000,
    seed: 1,
    method: 'GANSpace',
    components: [
      { index: 0, name: 'face colour', sigma: 1, explainedVariance: 0.2, latent: [0.6, 0.8] },
      { index: 1, name: 'Component 1', sigma: 0.99, explainedVariance: 0.1, latent: [0.8, -0.6] },
    ],
  };
  it('accepts a well-formed file and rejects bad ones', () => {
    expect(directionsFileSchema.parse(file)).toEqual(file);
    expect(() => directionsFileSchema.parse({ ...file, components: [...file.components, { ...file.components[0]!, latent: [1] }] })).toThrow();
    expect(() => directionsFileSchema.parse({ ...file, components: [] })).toThrow();
    expect(() => directionsFileSchema.parse({ ...file, extra: 1 })).toThrow();
    expect(() => directionsFileSchema.parse({ ...file, components: [{ ...file.components[0]!, sigma: -1 }] })).toThrow();
  });
});
