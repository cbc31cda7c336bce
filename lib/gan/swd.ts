/**
 * Image-set metrics for the GAN, in plain typed arrays (no tfjs, no Node imports: runs in Node
 * and the browser):
 *
 * - Multi-scale sliced Wasserstein distance (SWD) as defined by Karras et al. 2018,
 *   "Progressive Growing of GANs", appendix D (and their metrics/sliced_wasserstein.py):
 *   a Laplacian pyramid per image (levels 64, 32, 16 for 64x64 images: every level down to
 *   `minResolution`; the coarsest level is the Gaussian residual), 128 random 7x7 neighbourhoods
 *   per image per level as 3x7x7 descriptors, each channel of each level normalised by that
 *   set's mean and standard deviation, then per level the SWD over 4 repeats x 128 random unit
 *   directions (512 projections): the mean over directions of the 1-D Wasserstein-1 distance
 *   between the two sets' projections, reported x1e3, plus the mean over levels.
 *   The paper compares sets of equal size (mean |sorted A - sorted B|); here the 1-D distance is
 *   the exact W1 between the two empirical distributions (integral of |quantile A - quantile B|),
 *   which is the same number for equal sizes and also handles e.g. 141 held-out images vs 2,000
 *   generated ones.
 * - Nearest-neighbour distances between image sets (RMS pixel difference, optionally on
 *   box-downsampled images) and the mean pairwise distance within a set, to detect memorised
 *   training images and mode collapse.
 *
 * Images are float32 NHWC with 3 channels, in any affine range (the SWD normalises per channel;
 * the nearest-neighbour distances are in the images' own units). Randomness comes from the
 * project's seeded Rng, so every figure is reproducible from its seed.
 */
import { Rng } from './rng';

export interface Images {
  /** NHWC, 3 channels, image-major. */
  data: Float32Array;
  count: number;
  height: number;
  width: number;
}

const CH = 3;

export function imagesOf(data: Float32Array, count: number, height: number, width = height): Images {
  if (data.length !== count * height * width * CH) {
    throw new Error(`swd: ${data.length} values for ${count} images of ${height}x${width}x${CH}`);
  }
  return { data, count, height, width };
}

// ---------------------------------------------------------------------------------------------
// Gaussian / Laplacian pyramid (matches cv2.pyrDown / pyrUp and ProGAN's scipy version:
// 5x5 binomial filter [1 4 6 4 1]^2 / 256, 'mirror' borders)

/** scipy.ndimage 'mirror' (OpenCV BORDER_REFLECT_101): -1 -> 1, n -> n - 2. */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const j = ((i % period) + period) % period;
  return j < n ? j : period - j;
}

const BINOMIAL5 = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16] as const;

/**
 * Separable 5x5 binomial filter times `gain`, with mirror borders, evaluated only at every
 * `step`-th row and column (step 2: blur + decimate in one pass).
 */
function binomialFilter(src: Images, gain: number, step: number): Images {
  const { count: n, height: h, width: w } = src;
  const oh = Math.ceil(h / step);
  const ow = Math.ceil(w / step);
  const colIdx = new Int32Array(ow * 5);
  for (let x = 0; x < ow; x++) for (let t = 0; t < 5; t++) colIdx[x * 5 + t] = mirrorIndex(x * step + t - 2, w);
  const rowIdx = new Int32Array(oh * 5);
  for (let y = 0; y < oh; y++) for (let t = 0; t < 5; t++) rowIdx[y * 5 + t] = mirrorIndex(y * step + t - 2, h);
  const [g0, g1, g2, g3, g4] = BINOMIAL5;
  const s = src.data;
  // horizontal pass: [n, h, ow, C]
  const tmp = new Float32Array(n * h * ow * CH);
  for (let r = 0; r < n * h; r++) {
    const rowBase = r * w * CH;
    let o = r * ow * CH;
    for (let x = 0; x < ow; x++) {
      const i0 = rowBase + (colIdx[x * 5] as number) * CH;
      const i1 = rowBase + (colIdx[x * 5 + 1] as number) * CH;
      const i2 = rowBase + (colIdx[x * 5 + 2] as number) * CH;
      const i3 = rowBase + (colIdx[x * 5 + 3] as number) * CH;
      const i4 = rowBase + (colIdx[x * 5 + 4] as number) * CH;
      for (let c = 0; c < CH; c++) {
        tmp[o++] =
          g0 * (s[i0 + c] as number) + g1 * (s[i1 + c] as number) + g2 * (s[i2 + c] as number) + g3 * (s[i3 + c] as number) + g4 * (s[i4 + c] as number);
      }
    }
  }
  // vertical pass: [n, oh, ow, C]
  const rowLen = ow * CH;
  const out = new Float32Array(n * oh * rowLen);
  for (let im = 0; im < n; im++) {
    const inBase = im * h * rowLen;
    for (let y = 0; y < oh; y++) {
      const r0 = inBase + (rowIdx[y * 5] as number) * rowLen;
      const r1 = inBase + (rowIdx[y * 5 + 1] as number) * rowLen;
      const r2 = inBase + (rowIdx[y * 5 + 2] as number) * rowLen;
      const r3 = inBase + (rowIdx[y * 5 + 3] as number) * rowLen;
      const r4 = inBase + (rowIdx[y * 5 + 4] as number) * rowLen;
      const o = (im * oh + y) * rowLen;
      for (let k = 0; k < rowLen; k++) {
        out[o + k] =
          gain *
          (g0 * (tmp[r0 + k] as number) + g1 * (tmp[r1 + k] as number) + g2 * (tmp[r2 + k] as number) + g3 * (tmp[r3 + k] as number) + g4 * (tmp[r4 + k] as number));
      }
    }
  }
  return { data: out, count: n, height: oh, width: ow };
}

/** Blur with the 5x5 binomial filter and keep even rows and columns (cv2.pyrDown). */
export function pyrDown(images: Images): Images {
  return binomialFilter(images, 1, 2);
}

/** Insert zeros to double the size, then filter with 4x the binomial filter (cv2.pyrUp). */
export function pyrUp(images: Images): Images {
  const { count: n, height: h, width: w, data } = images;
  const H = 2 * h;
  const W = 2 * w;
  const z = new Float32Array(n * H * W * CH);
  for (let im = 0; im < n; im++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const si = ((im * h + y) * w + x) * CH;
        const di = ((im * H + 2 * y) * W + 2 * x) * CH;
        z[di] = data[si] as number;
        z[di + 1] = data[si + 1] as number;
        z[di + 2] = data[si + 2] as number;
      }
    }
  }
  return binomialFilter({ data: z, count: n, height: H, width: W }, 4, 1);
}

/**
 * Laplacian pyramid with `levels` levels, finest first: band-pass levels
 * (level i = G_i - pyrUp(G_{i+1})) and, last, the Gaussian residual G_{levels-1}.
 */
export function laplacianPyramid(images: Images, levels: number): Images[] {
  if (levels < 1) throw new Error('swd: levels must be >= 1');
  const out: Images[] = [{ ...images, data: images.data.slice() }];
  for (let i = 1; i < levels; i++) {
    const prev = out[i - 1] as Images;
    if (prev.height % 2 || prev.width % 2) throw new Error(`swd: cannot halve ${prev.height}x${prev.width}`);
    const down = pyrDown(prev);
    const up = pyrUp(down);
    const p = prev.data;
    const u = up.data;
    for (let k = 0; k < p.length; k++) p[k] = (p[k] as number) - (u[k] as number);
    out.push(down);
  }
  return out;
}

/** Inverse of laplacianPyramid (exact up to float rounding). */
export function reconstructLaplacianPyramid(pyramid: Images[]): Images {
  const last = pyramid[pyramid.length - 1];
  if (!last) throw new Error('swd: empty pyramid');
  let img: Images = { ...last, data: last.data.slice() };
  for (let i = pyramid.length - 2; i >= 0; i--) {
    const level = pyramid[i] as Images;
    const up = pyrUp(img);
    const u = up.data;
    const l = level.data;
    for (let k = 0; k < u.length; k++) u[k] = (u[k] as number) + (l[k] as number);
    img = up;
  }
  return img;
}

/** Resolutions of the pyramid levels: size, size/2, ... while >= minResolution (64 -> [64, 32, 16]). */
export function pyramidResolutions(size: number, minResolution = 16): number[] {
  const r: number[] = [];
  for (let s = size; s >= minResolution; s = s / 2) {
    r.push(s);
    if (s % 2) break;
  }
  if (r.length === 0) throw new Error(`swd: images of ${size} px are smaller than minResolution ${minResolution}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Descriptors

/** Row-major [count][dim]; dim = 3 * nhood^2, ordered (channel, y, x) as in ProGAN. */
export interface Descriptors {
  data: Float32Array;
  count: number;
  dim: number;
}

/**
 * `perImage` neighbourhood centres per image, uniform over the positions where the whole
 * nhood x nhood patch fits: [y0, x0, y1, x1, ...], image-major.
 */
export function samplePatchCentres(images: number, height: number, width: number, perImage: number, nhood: number, rng: Rng): Int32Array {
  const r = nhood >> 1;
  if (height < nhood || width < nhood) throw new Error(`swd: ${height}x${width} level smaller than a ${nhood}x${nhood} patch`);
  const out = new Int32Array(images * perImage * 2);
  for (let k = 0; k < images * perImage; k++) {
    out[2 * k] = r + rng.int(height - 2 * r);
    out[2 * k + 1] = r + rng.int(width - 2 * r);
  }
  return out;
}

export function extractDescriptors(level: Images, centres: Int32Array, perImage: number, nhood: number): Descriptors {
  const count = centres.length / 2;
  if (count !== level.count * perImage) throw new Error(`swd: ${count} centres for ${level.count} images x ${perImage}`);
  const r = nhood >> 1;
  const dim = CH * nhood * nhood;
  const out = new Float32Array(count * dim);
  const { height: h, width: w, data } = level;
  for (let k = 0; k < count; k++) {
    const im = Math.floor(k / perImage);
    const cy = centres[2 * k] as number;
    const cx = centres[2 * k + 1] as number;
    const o = k * dim;
    for (let dy = 0; dy < nhood; dy++) {
      const row = ((im * h + cy - r + dy) * w + cx - r) * CH;
      for (let dx = 0; dx < nhood; dx++) {
        const src = row + dx * CH;
        const pos = dy * nhood + dx;
        for (let c = 0; c < CH; c++) out[o + c * nhood * nhood + pos] = data[src + c] as number;
      }
    }
  }
  return { data: out, count, dim };
}

/**
 * In place: per channel, subtract the mean and divide by the (population) standard deviation
 * over all descriptors and positions of the set. A constant channel is only centred.
 */
export function normaliseDescriptors(d: Descriptors): void {
  const per = d.dim / CH;
  for (let c = 0; c < CH; c++) {
    let s = 0;
    let s2 = 0;
    for (let k = 0; k < d.count; k++) {
      const o = k * d.dim + c * per;
      for (let j = 0; j < per; j++) {
        const v = d.data[o + j] as number;
        s += v;
        s2 += v * v;
      }
    }
    const n = d.count * per;
    const mean = s / n;
    const variance = Math.max(0, s2 / n - mean * mean);
    const std = Math.sqrt(variance);
    const inv = std > 1e-12 * Math.max(1, Math.abs(mean)) ? 1 / std : 1;
    for (let k = 0; k < d.count; k++) {
      const o = k * d.dim + c * per;
      for (let j = 0; j < per; j++) d.data[o + j] = ((d.data[o + j] as number) - mean) * inv;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Projections, sorting, 1-D Wasserstein

/** `count` random directions of unit L2 norm, row-major [count][dim] (Gaussian, normalised). */
export function randomDirections(dim: number, count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count * dim);
  for (let d = 0; d < count; d++) {
    let n2 = 0;
    const v = new Float64Array(dim);
    for (let k = 0; k < dim; k++) {
      const x = rng.normal();
      v[k] = x;
      n2 += x * x;
    }
    const inv = 1 / Math.sqrt(n2);
    for (let k = 0; k < dim; k++) out[d * dim + k] = (v[k] as number) * inv;
  }
  return out;
}

/** Projects one descriptor set on batches of directions. */
export interface ProjectionSession {
  /** dirs: row-major [nDirs][dim]; returns row-major [nDirs][count] (a fresh array the caller may sort). */
  project(dirs: Float32Array, nDirs: number): Float32Array;
  dispose(): void;
}

/** Makes a projection session for a descriptor set (a hook, so Node can use a faster GEMM, e.g. tfjs wasm). */
export type Projector = (desc: Descriptors) => ProjectionSession;

/** Plain JavaScript projection (about 1 GFLOP/s). */
export const jsProjector: Projector = (desc) => ({
  project(dirs, nDirs) {
    const { data, count: n, dim } = desc;
    const out = new Float32Array(nDirs * n);
    let d = 0;
    for (; d + 4 <= nDirs; d += 4) {
      const a0 = d * dim;
      const a1 = a0 + dim;
      const a2 = a1 + dim;
      const a3 = a2 + dim;
      for (let i = 0; i < n; i++) {
        const r = i * dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < dim; k++) {
          const x = data[r + k] as number;
          s0 += (dirs[a0 + k] as number) * x;
          s1 += (dirs[a1 + k] as number) * x;
          s2 += (dirs[a2 + k] as number) * x;
          s3 += (dirs[a3 + k] as number) * x;
        }
        out[d * n + i] = s0;
        out[(d + 1) * n + i] = s1;
        out[(d + 2) * n + i] = s2;
        out[(d + 3) * n + i] = s3;
      }
    }
    for (; d < nDirs; d++) {
      const a = d * dim;
      for (let i = 0; i < n; i++) {
        const r = i * dim;
        let s = 0;
        for (let k = 0; k < dim; k++) s += (dirs[a + k] as number) * (data[r + k] as number);
        out[d * n + i] = s;
      }
    }
    return out;
  },
  dispose() {},
});

/**
 * Sorts a Float32Array ascending in place (LSD radix sort on the IEEE bits, 3 passes of 11 bits;
 * about 3x faster than TypedArray#sort for 10^5 values). NaNs are not expected.
 * `scratch` (length >= a.length) may be passed to avoid an allocation.
 */
export function sortFloat32(a: Float32Array, scratch?: Uint32Array): void {
  const n = a.length;
  if (n < 256) {
    a.sort();
    return;
  }
  const u = new Uint32Array(a.buffer, a.byteOffset, n);
  const tmp = scratch && scratch.length >= n ? scratch : new Uint32Array(n);
  // order-preserving map to unsigned keys: negative -> invert all bits, positive -> set the sign bit
  for (let i = 0; i < n; i++) {
    const x = u[i] as number;
    u[i] = x & 0x80000000 ? ~x >>> 0 : (x | 0x80000000) >>> 0;
  }
  const counts = new Uint32Array(2048);
  let src: Uint32Array = u;
  let dst: Uint32Array = tmp;
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) (counts[((src[i] as number) >>> shift) & 2047] as number)++;
    let sum = 0;
    for (let j = 0; j < 2048; j++) {
      const c = counts[j] as number;
      counts[j] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = src[i] as number;
      const b = (v >>> shift) & 2047;
      dst[counts[b] as number] = v;
      counts[b] = (counts[b] as number) + 1;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // three passes: the sorted keys are in tmp; map back into `a`
  for (let i = 0; i < n; i++) {
    const k = src[i] as number;
    u[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
}

/**
 * Wasserstein-1 distance between the empirical distributions of two ascending-sorted samples
 * (sizes may differ): the integral over t in [0, 1] of |Qa(t) - Qb(t)|. For equal sizes this is
 * mean_i |a_i - b_i|.
 */
export function wasserstein1Sorted(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new Error('swd: empty sample');
  if (n === m) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs((a[i] as number) - (b[i] as number));
    return s / n;
  }
  // quantile breakpoints in units of 1/(n*m): a changes at (i+1)*m, b at (j+1)*n
  let i = 0;
  let j = 0;
  let t = 0;
  let acc = 0;
  while (i < n && j < m) {
    const ta = (i + 1) * m;
    const tb = (j + 1) * n;
    const t1 = ta < tb ? ta : tb;
    acc += (t1 - t) * Math.abs((a[i] as number) - (b[j] as number));
    t = t1;
    if (ta === t1) i++;
    if (tb === t1) j++;
  }
  return acc / (n * m);
}

/**
 * Sliced Wasserstein distance between two (already normalised) descriptor sets: the mean over
 * the given unit directions of W1 between the sets' projections. Directions are processed in
 * chunks of `chunk` to bound memory.
 */
export function slicedWasserstein(
  a: Descriptors,
  b: Descriptors,
  dirs: Float32Array,
  nDirs: number,
  projector: Projector = jsProjector,
  chunk = 128,
): number {
  return slicedWassersteinMany([a], b, dirs, nDirs, projector, chunk)[0] as number;
}

/**
 * The sliced Wasserstein distance of `query` to each of `refs` along the same directions; the
 * query (usually the big set) is projected and sorted once.
 */
export function slicedWassersteinMany(
  refs: Descriptors[],
  query: Descriptors,
  dirs: Float32Array,
  nDirs: number,
  projector: Projector = jsProjector,
  chunk = 128,
): number[] {
  for (const r of refs) if (r.dim !== query.dim) throw new Error(`swd: descriptor sizes differ (${r.dim} vs ${query.dim})`);
  if (dirs.length < nDirs * query.dim) throw new Error(`swd: ${dirs.length / query.dim} directions, ${nDirs} wanted`);
  const sq = projector(query);
  const sr: ProjectionSession[] = [];
  const scratch = new Uint32Array(Math.max(query.count, ...refs.map((r) => r.count)));
  const totals = refs.map(() => 0);
  try {
    for (const r of refs) sr.push(projector(r));
    for (let d0 = 0; d0 < nDirs; d0 += chunk) {
      const nd = Math.min(chunk, nDirs - d0);
      const block = dirs.subarray(d0 * query.dim, (d0 + nd) * query.dim);
      const pq = sq.project(block, nd);
      for (let d = 0; d < nd; d++) sortFloat32(pq.subarray(d * query.count, (d + 1) * query.count), scratch);
      refs.forEach((r, j) => {
        const pr = (sr[j] as ProjectionSession).project(block, nd);
        for (let d = 0; d < nd; d++) {
          const row = pr.subarray(d * r.count, (d + 1) * r.count);
          sortFloat32(row, scratch);
          totals[j] = (totals[j] as number) + wasserstein1Sorted(row, pq.subarray(d * query.count, (d + 1) * query.count));
        }
      });
    }
  } finally {
    sq.dispose();
    for (const s of sr) s.dispose();
  }
  return totals.map((t) => t / nDirs);
}

// ---------------------------------------------------------------------------------------------
// Multi-scale SWD

export interface SwdOptions {
  /** Neighbourhood side (ProGAN: 7). */
  nhoodSize: number;
  /** Neighbourhoods per image per level (ProGAN: 128). */
  nhoodsPerImage: number;
  /** Repeats x directions per repeat = projections per level (ProGAN: 4 x 128). */
  dirRepeats: number;
  dirsPerRepeat: number;
  /** Coarsest pyramid level (ProGAN: 16). */
  minResolution: number;
  /** Seeds the directions (the same for every comparison against this reference). */
  seed: number;
  /** Seeds the reference set's neighbourhoods (default derived from `seed`). */
  patchSeed?: number;
  projector?: Projector;
}

export const PROGAN_SWD: Omit<SwdOptions, 'seed'> = {
  nhoodSize: 7,
  nhoodsPerImage: 128,
  dirRepeats: 4,
  dirsPerRepeat: 128,
  minResolution: 16,
};

export interface SwdResult {
  /** Pyramid resolutions, finest first. */
  resolutions: number[];
  /** SWD x1e3 per level, in the order of `resolutions`. */
  perLevel: number[];
  /** Mean of perLevel. */
  mean: number;
}

export interface SwdProgress {
  level: number;
  levels: number;
  resolution: number;
}

const mixSeed = (seed: number, salt: number): number => (Math.imul(seed >>> 0, 0x9e3779b1) ^ salt) >>> 0;

/**
 * A reference image set (e.g. the held-out real images) prepared once: pyramid, neighbourhood
 * descriptors and directions; `distance()` compares any number of other sets against it with the
 * same directions, so figures from different checkpoints differ only by their images.
 */
export class SwdReference {
  readonly options: SwdOptions;
  readonly resolutions: number[];
  readonly size: number;
  private readonly descriptors: Descriptors[];
  private readonly directions: Float32Array[];

  constructor(images: Images, options: Partial<SwdOptions> = {}) {
    this.options = { ...PROGAN_SWD, seed: 1, ...options };
    const o = this.options;
    if (images.height !== images.width) throw new Error('swd: square images only');
    this.size = images.height;
    this.resolutions = pyramidResolutions(images.height, o.minResolution);
    this.descriptors = describe(images, this.resolutions.length, o, o.patchSeed ?? mixSeed(o.seed, 0x51ed270b));
    const dirRng = new Rng(mixSeed(o.seed, 0x2545f491));
    const dim = CH * o.nhoodSize * o.nhoodSize;
    this.directions = this.resolutions.map(() => randomDirections(dim, o.dirRepeats * o.dirsPerRepeat, dirRng));
  }

  /** SWD x1e3 between this reference and `images`, per level and averaged. */
  distance(images: Images, opts: { patchSeed?: number; onProgress?: (p: SwdProgress) => void } = {}): SwdResult {
    return SwdReference.compare([this], images, opts)[0] as SwdResult;
  }

  /**
   * SWD x1e3 between `images` and each reference, which must share their options and image size
   * (so also their directions): the images' pyramid, descriptors, projections and sorting are
   * done once for all references.
   */
  static compare(
    refs: SwdReference[],
    images: Images,
    opts: { patchSeed?: number; onProgress?: (p: SwdProgress) => void } = {},
  ): SwdResult[] {
    const first = refs[0];
    if (!first) return [];
    const o = first.options;
    for (const r of refs) {
      const p = r.options;
      if (
        r.size !== first.size ||
        p.seed !== o.seed ||
        p.nhoodSize !== o.nhoodSize ||
        p.nhoodsPerImage !== o.nhoodsPerImage ||
        p.dirRepeats !== o.dirRepeats ||
        p.dirsPerRepeat !== o.dirsPerRepeat ||
        p.minResolution !== o.minResolution
      ) {
        throw new Error('swd: references to compare against together need the same options and image size');
      }
    }
    if (images.height !== first.size || images.width !== first.size) {
      throw new Error(`swd: images are ${images.height}x${images.width}, the reference ${first.size}x${first.size}`);
    }
    const levels = first.resolutions.length;
    const desc = describe(images, levels, o, opts.patchSeed ?? mixSeed(o.seed, 0x7f4a7c15));
    const perLevel = desc.map((d, l) => {
      opts.onProgress?.({ level: l, levels, resolution: first.resolutions[l] as number });
      const dirs = first.directions[l] as Float32Array;
      const refDesc = refs.map((r) => r.descriptors[l] as Descriptors);
      return slicedWassersteinMany(refDesc, d, dirs, o.dirRepeats * o.dirsPerRepeat, o.projector, o.dirsPerRepeat).map((v) => 1e3 * v);
    });
    return refs.map((_, j) => {
      const values = perLevel.map((pl) => pl[j] as number);
      return { resolutions: first.resolutions.slice(), perLevel: values, mean: values.reduce((s, v) => s + v, 0) / levels };
    });
  }
}

function describe(images: Images, levels: number, o: SwdOptions, patchSeed: number): Descriptors[] {
  const rng = new Rng(patchSeed);
  return laplacianPyramid(images, levels).map((level) => {
    const centres = samplePatchCentres(level.count, level.height, level.width, o.nhoodsPerImage, o.nhoodSize, rng);
    const d = extractDescriptors(level, centres, o.nhoodsPerImage, o.nhoodSize);
    normaliseDescriptors(d);
    return d;
  });
}

/** One-off multi-scale SWD x1e3 between two image sets (`a` plays the reference). */
export function swd(a: Images, b: Images, options: Partial<SwdOptions> = {}): SwdResult {
  return new SwdReference(a, options).distance(b);
}

// ---------------------------------------------------------------------------------------------
// Nearest neighbours (memorisation) and diversity

/** Box-filter downsampling by an integer factor (64 -> 32 with factor 2). */
export function downsampleImages(images: Images, factor: number): Images {
  if (factor === 1) return images;
  const { count: n, height: h, width: w, data } = images;
  if (!Number.isInteger(factor) || factor < 1 || h % factor || w % factor) throw new Error(`swd: cannot downsample ${h}x${w} by ${factor}`);
  const oh = h / factor;
  const ow = w / factor;
  const out = new Float32Array(n * oh * ow * CH);
  const inv = 1 / (factor * factor);
  for (let im = 0; im < n; im++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let c = 0; c < CH; c++) {
          let s = 0;
          for (let dy = 0; dy < factor; dy++) {
            const row = ((im * h + y * factor + dy) * w + x * factor) * CH + c;
            for (let dx = 0; dx < factor; dx++) s += data[row + dx * CH] as number;
          }
          out[((im * oh + y) * ow + x) * CH + c] = s * inv;
        }
      }
    }
  }
  return { data: out, count: n, height: oh, width: ow };
}

/** Mirrors every image left-right (the training loader's augmentation). */
export function flipImages(images: Images): Images {
  const { count: n, height: h, width: w, data } = images;
  const out = new Float32Array(data.length);
  for (let r = 0; r < n * h; r++) {
    for (let x = 0; x < w; x++) {
      const s = (r * w + x) * CH;
      const d = (r * w + (w - 1 - x)) * CH;
      out[d] = data[s] as number;
      out[d + 1] = data[s + 1] as number;
      out[d + 2] = data[s + 2] as number;
    }
  }
  return { data: out, count: n, height: h, width: w };
}

/** Concatenates image sets of the same size. */
export function concatImages(sets: Images[]): Images {
  const first = sets[0];
  if (!first) throw new Error('swd: nothing to concatenate');
  const data = new Float32Array(sets.reduce((s, x) => s + x.data.length, 0));
  let o = 0;
  for (const s of sets) {
    if (s.height !== first.height || s.width !== first.width) throw new Error('swd: image sizes differ');
    data.set(s.data, o);
    o += s.data.length;
  }
  return { data, count: sets.reduce((s, x) => s + x.count, 0), height: first.height, width: first.width };
}

/** The images at `indices`, in that order. */
export function selectImages(images: Images, indices: ArrayLike<number>): Images {
  const per = images.height * images.width * CH;
  const out = new Float32Array(indices.length * per);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (i < 0 || i >= images.count) throw new Error(`swd: image ${i} out of range`);
    out.set(images.data.subarray(i * per, (i + 1) * per), k * per);
  }
  return { data: out, count: indices.length, height: images.height, width: images.width };
}

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
  if (ref.height * ref.width * CH !== dim) throw new Error('swd: query and reference image sizes differ');
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
      if (g.length !== nb * nr) throw new Error(`swd: gram returned ${g.length} values for ${nb}x${nr}`);
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
  if (n < 2) throw new Error('swd: need at least 2 images');
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
  if (n === 0) throw new Error('swd: empty sample');
  let s = 0;
  for (const x of v) s += x;
  return {
    mean: s / n,
    min: v[0] as number,
    max: v[n - 1] as number,
    q: quantiles.map((p) => v[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number),
  };
}
