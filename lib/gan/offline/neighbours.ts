/**
 * Nearest-neighbour distances between image sets (RMS pixel difference, optionally on
 * box-downsampled images) and the mean pairwise distance within a set, to detect memorised
 * training images and mode collapse; plus the order statistics the evaluations report.
 */
import { CH, type Images } from './image-set';

export interface NearestResult {
  /** Per query: RMS pixel difference to its nearest reference image (the images' units). */
  distance: Float32Array;
  /** Per query: index of that reference image (-1 if every pair was excluded). */
  index: Int32Array;
}

/**
 * Dot products of every query row with every reference row: row-major [nq][nr] (a hook, so Node
 * can use a GEMM, e.g. tfjs wasm; inputs are row-major [n][dim]).
 */
export type GramFn = (query: Float32Array, nq: number, ref: Float32Array, nr: number, dim: number) => Float32Array;

export interface NearestOptions {
  /** Skips pairs, e.g. an image and itself. */
  exclude?: (q: number, r: number) => boolean;
  /** Computes the dot products in blocks of `block` queries (default: plain JavaScript loops). */
  gram?: GramFn;
  block?: number;
}

/**
 * For every query image, the nearest reference image by RMS pixel difference,
 * sqrt(sum (q - r)^2 / (H * W * 3)), computed as |q|^2 + |r|^2 - 2 q.r (norms in float64).
 */
export function nearestNeighbours(query: Images, ref: Images, options: NearestOptions = {}): NearestResult {
  const dim = query.height * query.width * CH;
  if (ref.height * ref.width * CH !== dim) throw new Error('neighbours: query and reference image sizes differ');
  const { exclude, gram } = options;
  const nq = query.count;
  const nr = ref.count;
  const Q = query.data;
  const R = ref.data;
  const sq = (d: Float32Array, i: number): number => {
    let s = 0;
    for (let k = i * dim, e = k + dim; k < e; k++) s += (d[k] as number) * (d[k] as number);
    return s;
  };
  const rn = new Float64Array(nr);
  for (let r = 0; r < nr; r++) rn[r] = sq(R, r);
  const distance = new Float32Array(nq);
  const index = new Int32Array(nq).fill(-1);
  let bestD2 = Infinity;
  let bestR = -1;
  const consider = (q: number, r: number, qn: number, dot: number): void => {
    if (exclude?.(q, r)) return;
    const d2 = qn + (rn[r] as number) - 2 * dot;
    if (d2 < bestD2) {
      bestD2 = d2;
      bestR = r;
    }
  };
  const finish = (q: number): void => {
    distance[q] = bestR < 0 ? NaN : Math.sqrt(Math.max(0, bestD2) / dim);
    index[q] = bestR;
  };
  if (gram) {
    const block = Math.max(1, options.block ?? 256);
    for (let q0 = 0; q0 < nq; q0 += block) {
      const nb = Math.min(block, nq - q0);
      const g = gram(Q.subarray(q0 * dim, (q0 + nb) * dim), nb, R, nr, dim);
      if (g.length !== nb * nr) throw new Error(`neighbours: gram returned ${g.length} values for ${nb}x${nr}`);
      for (let i = 0; i < nb; i++) {
        const q = q0 + i;
        const qn = sq(Q, q);
        bestD2 = Infinity;
        bestR = -1;
        for (let r = 0; r < nr; r++) consider(q, r, qn, g[i * nr + r] as number);
        finish(q);
      }
    }
    return { distance, index };
  }
  for (let q = 0; q < nq; q++) {
    const qo = q * dim;
    const qn = sq(Q, q);
    bestD2 = Infinity;
    bestR = -1;
    let r = 0;
    for (; r + 4 <= nr; r += 4) {
      const o0 = r * dim;
      const o1 = o0 + dim;
      const o2 = o1 + dim;
      const o3 = o2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dim; k++) {
        const x = Q[qo + k] as number;
        s0 += (R[o0 + k] as number) * x;
        s1 += (R[o1 + k] as number) * x;
        s2 += (R[o2 + k] as number) * x;
        s3 += (R[o3 + k] as number) * x;
      }
      consider(q, r, qn, s0);
      consider(q, r + 1, qn, s1);
      consider(q, r + 2, qn, s2);
      consider(q, r + 3, qn, s3);
    }
    for (; r < nr; r++) {
      let s = 0;
      const o = r * dim;
      for (let k = 0; k < dim; k++) s += (R[o + k] as number) * (Q[qo + k] as number);
      consider(q, r, qn, s);
    }
    finish(q);
  }
  return { distance, index };
}

/** Mean RMS pixel difference over all pairs of distinct images (a diversity figure: mode collapse lowers it). */
export function meanPairwiseDistance(images: Images): number {
  const dim = images.height * images.width * CH;
  const n = images.count;
  if (n < 2) throw new Error('neighbours: need at least 2 images');
  const d = images.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      const a = i * dim;
      const b = j * dim;
      for (let k = 0; k < dim; k++) {
        const v = (d[a + k] as number) - (d[b + k] as number);
        s += v * v;
      }
      total += Math.sqrt(s / dim);
    }
  }
  return total / ((n * (n - 1)) / 2);
}

/** Order statistics of a sample: mean, min, max and the given quantiles (nearest rank). */
export function summarise(values: ArrayLike<number>, quantiles: number[] = [0.05, 0.5]): { mean: number; min: number; max: number; q: number[] } {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  if (n === 0) throw new Error('neighbours: empty sample');
  let s = 0;
  for (const x of v) s += x;
  return {
    mean: s / n,
    min: v[0] as number,
    max: v[n - 1] as number,
    q: quantiles.map((p) => v[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number),
  };
}
