import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/gan/rng';
import { downsampleImages, flipImages, imagesOf, type Images } from '../../lib/gan/offline/image-set';
import { meanPairwiseDistance, nearestNeighbours, summarise } from '../../lib/gan/offline/neighbours';
import { laplacianPyramid, mirrorIndex, pyrDown, pyrUp, pyramidResolutions, reconstructLaplacianPyramid } from '../../lib/gan/offline/pyramid';
import {
  SwdReference,
  extractDescriptors,
  normaliseDescriptors,
  randomDirections,
  samplePatchCentres,
  slicedWasserstein,
  slicedWassersteinMany,
  sortFloat32,
  swd,
  wasserstein1Sorted,
} from '../../lib/gan/offline/swd';

// Every reference value below is computed here from the definitions, independently of
// lib/gan/offline/swd.ts's code paths (direct 2-D convolution instead of the separable one, CDF
// integrals instead of quantile merging, float64 everywhere, explicit loops).

const at = (a: ArrayLike<number>, i: number): number => a[i] as number;

function randomImages(count: number, h: number, w: number, seed: number, lo = 0, hi = 255): Images {
  const rng = new Rng(seed);
  const d = new Float32Array(count * h * w * 3);
  for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.uniform();
  return imagesOf(d, count, h, w);
}

/**
 * Emoji-like toy images: a coloured disc with two dark "eyes" on white, plus pixel noise.
 * `shift` moves the distribution (bigger, bluer discs, stronger noise).
 */
function discImages(count: number, size: number, seed: number, shift = 0): Images {
  const rng = new Rng(seed);
  const d = new Float32Array(count * size * size * 3);
  for (let n = 0; n < count; n++) {
    const cx = size * (0.4 + 0.2 * rng.uniform());
    const cy = size * (0.4 + 0.2 * rng.uniform());
    const r = size * (0.25 + 0.1 * rng.uniform() + 0.1 * shift);
    const col = [230 - 120 * shift * rng.uniform(), 190 + 20 * rng.uniform() - 60 * shift, 40 + 150 * shift * rng.uniform()];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
        const eye = Math.min((x - cx + r / 3) ** 2 + (y - cy + r / 4) ** 2, (x - cx - r / 3) ** 2 + (y - cy + r / 4) ** 2) < (r / 7) ** 2;
        for (let c = 0; c < 3; c++) {
          const base = eye ? 30 : inDisc ? (col[c] as number) : 255;
          d[((n * size + y) * size + x) * 3 + c] = Math.max(0, Math.min(255, base + (4 + 40 * shift) * (rng.uniform() - 0.5)));
        }
      }
    }
  }
  return imagesOf(d, count, size, size);
}

/** scipy.ndimage 'mirror' by explicit reflection steps (not the modular formula). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  for (;;) {
    if (j < 0) j = -j;
    else if (j > n - 1) j = 2 * (n - 1) - j;
    else return j;
  }
}

const K1 = [1, 4, 6, 4, 1];

/** Direct (non-separable) 5x5 convolution with gain * K1 K1^T / 256, mirror borders, full size. */
function conv5x5(img: Images, gain: number): Float64Array {
  const { count: n, height: h, width: w, data } = img;
  const out = new Float64Array(n * h * w * 3);
  for (let im = 0; im < n; im++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let ky = 0; ky < 5; ky++) {
            for (let kx = 0; kx < 5; kx++) {
              const yy = reflect(y + ky - 2, h);
              const xx = reflect(x + kx - 2, w);
              s += (at(K1, ky) * at(K1, kx) * at(data, ((im * h + yy) * w + xx) * 3 + c)) / 256;
            }
          }
          out[((im * h + y) * w + x) * 3 + c] = gain * s;
        }
      }
    }
  }
  return out;
}

function bruteDown(img: Images): { data: Float64Array; h: number; w: number } {
  const f = conv5x5(img, 1);
  const h = Math.ceil(img.height / 2);
  const w = Math.ceil(img.width / 2);
  const out = new Float64Array(img.count * h * w * 3);
  for (let im = 0; im < img.count; im++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) out[((im * h + y) * w + x) * 3 + c] = at(f, ((im * img.height + 2 * y) * img.width + 2 * x) * 3 + c);
  return { data: out, h, w };
}

function bruteUp(img: Images): Float64Array {
  const H = img.height * 2;
  const W = img.width * 2;
  const z = new Float32Array(img.count * H * W * 3);
  for (let im = 0; im < img.count; im++)
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++)
        for (let c = 0; c < 3; c++) z[((im * H + 2 * y) * W + 2 * x) * 3 + c] = at(img.data, ((im * img.height + y) * img.width + x) * 3 + c);
  return conv5x5(imagesOf(z, img.count, H, W), 4);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(at(a, i) - at(b, i)));
  return m;
}

/** W1 between two samples as the integral of |F_a(x) - F_b(x)| dx (CDFs, not quantiles). */
function w1ByCdf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs = [...Array.from(a), ...Array.from(b)].sort((p, q) => p - q);
  const cdf = (s: ArrayLike<number>, x: number): number => Array.from(s).filter((v) => v <= x).length / s.length;
  let total = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const x0 = at(xs, i);
    const x1 = at(xs, i + 1);
    if (x1 > x0) total += Math.abs(cdf(a, x0) - cdf(b, x0)) * (x1 - x0);
  }
  return total;
}

/** Per-channel-normalised 3 x k x k descriptors at given centres, in float64, by the definition. */
function bruteDescriptors(level: Images, centres: Int32Array, perImage: number, k: number): number[][] {
  const r = k >> 1;
  const rows: number[][] = [];
  for (let p = 0; p < centres.length / 2; p++) {
    const im = Math.floor(p / perImage);
    const row: number[] = [];
    for (let c = 0; c < 3; c++)
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const y = at(centres, 2 * p) + dy;
          const x = at(centres, 2 * p + 1) + dx;
          row.push(at(level.data, ((im * level.height + y) * level.width + x) * 3 + c));
        }
    rows.push(row);
  }
  const per = k * k;
  for (let c = 0; c < 3; c++) {
    const vals = rows.flatMap((row) => row.slice(c * per, (c + 1) * per));
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    const std = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length);
    for (const row of rows) for (let j = c * per; j < (c + 1) * per; j++) row[j] = (at(row, j) - mean) / std;
  }
  return rows;
}

function bruteSliced(a: number[][], b: number[][], dirs: Float32Array, nDirs: number): number {
  const dim = (a[0] as number[]).length;
  let total = 0;
  for (let d = 0; d < nDirs; d++) {
    const proj = (rows: number[][]): number[] => rows.map((row) => row.reduce((s, v, k) => s + v * at(dirs, d * dim + k), 0));
    total += w1ByCdf(proj(a), proj(b));
  }
  return total / nDirs;
}

describe('pyramid', () => {
  it('mirror borders follow scipy.ndimage "mirror" (reflect about the edge pixel)', () => {
    for (const n of [1, 2, 5, 8]) for (let i = -12; i < n + 12; i++) expect(mirrorIndex(i, n)).toBe(reflect(i, n));
    expect([-2, -1, 5, 6].map((i) => mirrorIndex(i, 5))).toEqual([2, 1, 3, 2]);
  });

  it('pyrDown equals a direct 5x5 binomial convolution followed by taking even pixels', () => {
    const img = randomImages(2, 10, 8, 11);
    const got = pyrDown(img);
    const ref = bruteDown(img);
    expect([got.height, got.width]).toEqual([ref.h, ref.w]);
    expect(maxAbsDiff(got.data, ref.data)).toBeLessThan(1e-3);
  });

  it('pyrUp equals zero insertion followed by a direct 4 x binomial convolution', () => {
    const img = randomImages(2, 5, 4, 12);
    const got = pyrUp(img);
    expect([got.height, got.width]).toEqual([10, 8]);
    expect(maxAbsDiff(got.data, bruteUp(img))).toBeLessThan(1e-3);
  });

  it('a constant image survives pyrDown/pyrUp unchanged and has all-zero band-pass levels', () => {
    const img = imagesOf(new Float32Array(16 * 16 * 3).fill(77), 1, 16);
    expect(maxAbsDiff(pyrDown(img).data, new Float32Array(8 * 8 * 3).fill(77))).toBeLessThan(1e-4);
    expect(maxAbsDiff(pyrUp(img).data, new Float32Array(32 * 32 * 3).fill(77))).toBeLessThan(1e-4);
    const pyr = laplacianPyramid(img, 3);
    expect(pyr.map((l) => l.height)).toEqual([16, 8, 4]);
    expect(maxAbsDiff(pyr[0]?.data ?? [], new Float32Array(16 * 16 * 3))).toBeLessThan(1e-4);
    expect(maxAbsDiff(pyr[1]?.data ?? [], new Float32Array(8 * 8 * 3))).toBeLessThan(1e-4);
    expect(maxAbsDiff(pyr[2]?.data ?? [], new Float32Array(4 * 4 * 3).fill(77))).toBeLessThan(1e-4);
  });

  it('the Laplacian pyramid reconstructs its input exactly (up to float rounding)', () => {
    const img = randomImages(3, 64, 64, 13);
    const pyr = laplacianPyramid(img, 3);
    expect(pyr.map((l) => [l.height, l.width])).toEqual([
      [64, 64],
      [32, 32],
      [16, 16],
    ]);
    const back = reconstructLaplacianPyramid(pyr);
    expect(maxAbsDiff(back.data, img.data)).toBeLessThan(1e-3); // values in [0, 255]
    // and level 0 is the input minus the blurred-and-re-expanded image, by the direct formulas
    const d = bruteDown(img);
    const up = bruteUp(imagesOf(Float32Array.from(d.data), 3, 32, 32));
    const band = Float64Array.from(img.data, (v, i) => v - at(up, i));
    expect(maxAbsDiff(pyr[0]?.data ?? [], band)).toBeLessThan(2e-3);
  });

  it('levels run from the image size down to 16 px, as in ProGAN', () => {
    expect(pyramidResolutions(64)).toEqual([64, 32, 16]);
    expect(pyramidResolutions(128)).toEqual([128, 64, 32, 16]);
    expect(pyramidResolutions(16)).toEqual([16]);
    expect(() => pyramidResolutions(8)).toThrow();
  });
});

describe('sorting and 1-D Wasserstein', () => {
  it('sortFloat32 sorts like a numeric comparison sort (negatives, zeros, ties, large arrays)', () => {
    const rng = new Rng(21);
    for (const n of [10, 300, 5000, 100_000]) {
      const a = Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : (rng.uniform() - 0.5) * 10 ** rng.int(8)));
      const expected = Array.from(a).sort((p, q) => p - q);
      sortFloat32(a);
      expect(Array.from(a)).toEqual(expected);
    }
  });

  it('W1 of sorted samples matches the CDF-difference integral, for equal and unequal sizes', () => {
    const rng = new Rng(22);
    for (const [n, m] of [
      [1, 1],
      [5, 5],
      [7, 13],
      [13, 7],
      [40, 3],
      [64, 96],
    ] as const) {
      const a = Float32Array.from({ length: n }, () => rng.normal());
      const b = Float32Array.from({ length: m }, () => rng.normal() * 1.5 + 0.3);
      const expected = w1ByCdf(a, b);
      a.sort();
      b.sort();
      expect(wasserstein1Sorted(a, b)).toBeCloseTo(expected, 5);
    }
    expect(wasserstein1Sorted(Float32Array.of(0), Float32Array.of(1))).toBe(1);
    expect(wasserstein1Sorted(Float32Array.of(0, 1), Float32Array.of(0))).toBe(0.5);
    expect(wasserstein1Sorted(Float32Array.of(0, 1, 2), Float32Array.of(0, 1, 2, 0, 1, 2).sort())).toBe(0);
  });

  it('random directions have unit length and are reproducible from the seed', () => {
    const a = randomDirections(147, 16, new Rng(3));
    const b = randomDirections(147, 16, new Rng(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let d = 0; d < 16; d++) {
      let n2 = 0;
      for (let k = 0; k < 147; k++) n2 += at(a, d * 147 + k) ** 2;
      expect(Math.sqrt(n2)).toBeCloseTo(1, 5);
    }
  });
});

describe('descriptors and sliced Wasserstein (brute force on tiny inputs)', () => {
  it('patch centres keep the whole 7x7 neighbourhood inside the level and cover every valid position', () => {
    const c = samplePatchCentres(50, 16, 12, 40, 7, new Rng(4));
    const ys = new Set<number>();
    const xs = new Set<number>();
    for (let k = 0; k < c.length / 2; k++) {
      ys.add(at(c, 2 * k));
      xs.add(at(c, 2 * k + 1));
    }
    expect([...ys].sort((p, q) => p - q)).toEqual(Array.from({ length: 10 }, (_, i) => i + 3)); // 3..12
    expect([...xs].sort((p, q) => p - q)).toEqual(Array.from({ length: 6 }, (_, i) => i + 3)); // 3..8
  });

  it('per-level descriptors, normalisation, projections and SWD equal a float64 brute force', () => {
    const a = randomImages(3, 16, 16, 31);
    const b = discImages(4, 16, 32, 0.5);
    const k = 5;
    const per = 6;
    const ca = samplePatchCentres(a.count, 16, 16, per, k, new Rng(1));
    const cb = samplePatchCentres(b.count, 16, 16, per, k, new Rng(2));
    const la = laplacianPyramid(a, 2)[1] as Images; // the 8x8 residual level
    const lb = laplacianPyramid(b, 2)[0] as Images; // the 16x16 band-pass level
    const cb8 = samplePatchCentres(b.count, 8, 8, per, k, new Rng(2));
    for (const [x, cx, y, cy] of [
      [a, ca, b, cb],
      [la, samplePatchCentres(a.count, 8, 8, per, k, new Rng(1)), lb, cb],
      [lb, cb, la, cb8.subarray(0, 2 * la.count * per)],
    ] as const) {
      const da = extractDescriptors(x, cx, per, k);
      const db = extractDescriptors(y, cy, per, k);
      normaliseDescriptors(da);
      normaliseDescriptors(db);
      const ra = bruteDescriptors(x, cx, per, k);
      const rb = bruteDescriptors(y, cy, per, k);
      expect(maxAbsDiff(da.data, ra.flat())).toBeLessThan(1e-4);
      expect(maxAbsDiff(db.data, rb.flat())).toBeLessThan(1e-4);
      const dirs = randomDirections(3 * k * k, 10, new Rng(5));
      const got = slicedWasserstein(da, db, dirs, 10, undefined, 3); // chunks of 3 directions
      expect(got).toBeCloseTo(bruteSliced(ra, rb, dirs, 10), 4);
      const [toA, toB] = slicedWassersteinMany([da, db], db, dirs, 10);
      expect(toA).toBeCloseTo(got, 5);
      expect(toB).toBe(0);
    }
  });

  it('descriptor components are ordered (channel, y, x) like ProGAN', () => {
    const img = imagesOf(Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => i), 1, 8);
    const d = extractDescriptors(img, Int32Array.of(3, 4), 1, 3);
    // channel 0, (y, x) = (2, 3) is pixel (2*8 + 3) -> value 19 * 3 + 0
    expect(at(d.data, 0)).toBe(57);
    expect(at(d.data, 1)).toBe(60); // x + 1
    expect(at(d.data, 3)).toBe(57 + 24); // y + 1
    expect(at(d.data, 9)).toBe(58); // channel 1
  });
});

describe('multi-scale SWD', () => {
  const opts = { nhoodsPerImage: 32, dirRepeats: 2, dirsPerRepeat: 32, seed: 7 };
  const real = discImages(40, 32, 101);
  const sameDist = discImages(40, 32, 202);

  it('identical sets with the same neighbourhoods give exactly 0; resampled neighbourhoods give ~0', () => {
    const ref = new SwdReference(real, { ...opts, patchSeed: 9 });
    const same = ref.distance(real, { patchSeed: 9 });
    expect(same.resolutions).toEqual([32, 16]);
    expect(same.perLevel).toEqual([0, 0]);
    expect(same.mean).toBe(0);
    const resampled = ref.distance(real).mean;
    const shifted = ref.distance(discImages(40, 32, 303, 1)).mean;
    // with new neighbourhoods only the sampling noise floor is left: the same as for new images
    // of the same distribution, and far below a shifted distribution
    const fresh = ref.distance(sameDist).mean;
    expect(resampled).toBeGreaterThan(0);
    expect(Math.abs(resampled - fresh)).toBeLessThan(0.3 * fresh);
    expect(resampled).toBeLessThan(shifted / 2.5);
  });

  it('grows with the distribution shift, and new samples of the same distribution stay near the floor', () => {
    const ref = new SwdReference(real, opts);
    const floor = ref.distance(sameDist).mean;
    const d = [0.25, 0.5, 1].map((s) => ref.distance(discImages(40, 32, 303, s)).mean);
    expect(d[0]).toBeGreaterThan(floor);
    expect(d[1]).toBeGreaterThan(at(d, 0));
    expect(d[2]).toBeGreaterThan(at(d, 1));
    expect(at(d, 2)).toBeGreaterThan(3 * floor);
    // uniform noise images are far from everything
    expect(ref.distance(randomImages(40, 32, 32, 404)).mean).toBeGreaterThan(at(d, 2));
  });

  it('is deterministic for a seed, changes a little with another seed, and handles unequal set sizes', () => {
    const a = swd(real, sameDist, opts);
    const b = swd(real, sameDist, opts);
    expect(b).toEqual(a);
    const c = swd(real, sameDist, { ...opts, seed: 8 });
    expect(c.mean).not.toBe(a.mean);
    expect(Math.abs(c.mean - a.mean)).toBeLessThan(a.mean);
    const big = discImages(120, 32, 505);
    const u = new SwdReference(real, opts).distance(big);
    expect(u.perLevel.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(u.mean).toBeLessThan(new SwdReference(real, opts).distance(discImages(120, 32, 506, 1)).mean / 3);
  });

  it('compares one set against several references at once with the same results as one by one', () => {
    const a = new SwdReference(real, opts);
    const b = new SwdReference(discImages(30, 32, 606, 0.5), opts);
    const x = discImages(50, 32, 707, 0.25);
    const both = SwdReference.compare([a, b], x);
    expect(both).toEqual([a.distance(x), b.distance(x)]);
    expect(at(both[1]?.perLevel ?? [], 0)).not.toBe(at(both[0]?.perLevel ?? [], 0));
    expect(() => SwdReference.compare([a, new SwdReference(real, { ...opts, seed: 99 })], x)).toThrow();
  });

  it('normalises each set per channel: an affine change of the pixel range leaves it unchanged', () => {
    const scaled = imagesOf(Float32Array.from(sameDist.data, (v) => v / 127.5 - 1), sameDist.count, 32);
    const a = swd(real, sameDist, opts);
    const b = swd(real, scaled, opts);
    for (let l = 0; l < 2; l++) expect(at(b.perLevel, l)).toBeCloseTo(at(a.perLevel, l), 2);
  });

  it('rejects mismatched image sizes', () => {
    expect(() => new SwdReference(real, opts).distance(discImages(2, 16, 1))).toThrow();
    expect(() => imagesOf(new Float32Array(10), 1, 4)).toThrow();
  });
});

describe('nearest neighbours and diversity', () => {
  it('finds the brute-force nearest image and its RMS distance; exact copies are at ~0', () => {
    const ref = randomImages(9, 8, 8, 61, 0, 1);
    const q = randomImages(5, 8, 8, 62, 0, 1);
    // query 2 is a copy of reference 6
    q.data.set(ref.data.subarray(6 * 192, 7 * 192), 2 * 192);
    const got = nearestNeighbours(q, ref);
    for (let i = 0; i < 5; i++) {
      let best = Infinity;
      let bi = -1;
      for (let r = 0; r < 9; r++) {
        let s = 0;
        for (let k = 0; k < 192; k++) s += (at(q.data, i * 192 + k) - at(ref.data, r * 192 + k)) ** 2;
        if (s < best) {
          best = s;
          bi = r;
        }
      }
      expect(at(got.index, i)).toBe(bi);
      expect(at(got.distance, i)).toBeCloseTo(Math.sqrt(best / 192), 4);
    }
    expect(at(got.index, 2)).toBe(6);
    expect(at(got.distance, 2)).toBeLessThan(1e-3);
    // the same through a dot-product hook (what eval uses with a GEMM), in blocks of 2 queries
    const gram = (qd: Float32Array, nq: number, rd: Float32Array, nr: number, dim: number): Float32Array => {
      const g = new Float32Array(nq * nr);
      for (let i = 0; i < nq; i++) for (let r = 0; r < nr; r++) for (let k = 0; k < dim; k++) g[i * nr + r] = at(g, i * nr + r) + at(qd, i * dim + k) * at(rd, r * dim + k);
      return g;
    };
    const viaGram = nearestNeighbours(q, ref, { gram, block: 2 });
    expect(Array.from(viaGram.index)).toEqual(Array.from(got.index));
    for (let i = 0; i < 5; i++) expect(at(viaGram.distance, i)).toBeCloseTo(at(got.distance, i), 3);
  });

  it('can exclude pairs (an image and itself) and reports -1 when nothing is left', () => {
    const set = randomImages(6, 4, 4, 63);
    const self = nearestNeighbours(set, set);
    expect(Array.from(self.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const others = nearestNeighbours(set, set, { exclude: (q, r) => q === r });
    for (let i = 0; i < 6; i++) {
      expect(at(others.index, i)).not.toBe(i);
      expect(at(others.distance, i)).toBeGreaterThan(1);
    }
    const none = nearestNeighbours(set, set, { exclude: () => true });
    expect(at(none.index, 0)).toBe(-1);
    expect(Number.isNaN(at(none.distance, 0))).toBe(true);
  });

  it('downsampling averages blocks, flipping mirrors rows, pairwise distance is 0 for copies', () => {
    const img = imagesOf(Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => Math.floor(i / 3)), 1, 4);
    const small = downsampleImages(img, 2);
    expect(Array.from(small.data.filter((_, i) => i % 3 === 0))).toEqual([2.5, 4.5, 10.5, 12.5]);
    const f = flipImages(img);
    expect(at(f.data, 0)).toBe(3);
    expect(Array.from(flipImages(f).data)).toEqual(Array.from(img.data));
    const two = imagesOf(new Float32Array([...img.data, ...img.data]), 2, 4);
    expect(meanPairwiseDistance(two)).toBe(0);
    const three = randomImages(3, 4, 4, 64, 0, 1);
    const rms = (i: number, j: number): number => {
      let s = 0;
      for (let k = 0; k < 48; k++) s += (at(three.data, i * 48 + k) - at(three.data, j * 48 + k)) ** 2;
      return Math.sqrt(s / 48);
    };
    expect(meanPairwiseDistance(three)).toBeCloseTo((rms(0, 1) + rms(0, 2) + rms(1, 2)) / 3, 5);
    const s = summarise([4, 1, 3, 2], [0.5]);
    expect(s).toEqual({ mean: 2.5, min: 1, max: 4, q: [2] });
  });
});
