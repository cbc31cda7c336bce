/**
 * The "plain fill" baseline of the doodle -> colour evaluation (issue 8): what a paint bucket
 * with one colour does. Pure functions on float32 images in [-1, 1] (white = +1), the layouts of
 * training/doodle-loader.ts (line [n, S, S, 1], colour [n, S, S, 3], NHWC); no tfjs, no I/O.
 *
 * Per line image (regions: lib/gan/doodle-regions.ts):
 *  - ink: pixels darker than `threshold` (default 0, i.e. 50 % grey);
 *  - background: the white (non-ink) pixels reachable from the image border through white
 *    pixels, 4-connected (so a one-pixel diagonal stroke closes a region), stay white;
 *  - enclosed: every other white pixel (not reachable from the border) gets `fill`;
 * and the line art is laid over that base like ink on paper (multiply, in [0, 1] units), so ink
 * stays as dark as it is in the doodle (black strokes stay black, anti-aliased edges stay grey
 * over white or tinted over the fill).
 */

import { INK_THRESHOLD, doodleRegions } from '../lib/gan/doodle-regions';
import { hintLayer, type DoodleHint } from '../lib/gan/doodle-hints';

/** RGB in [-1, 1]. */
export type Rgb = readonly [number, number, number];

/**
 * The plain-fill colour image of every line image in `line` ([count, S, S, 1] in [-1, 1]):
 * background white, enclosed regions `fill`, ink multiplied over it. Returns [count, S, S, 3] in [-1, 1].
 */
export function plainFill(line: Float32Array, count: number, size: number, fill: Rgb, threshold = INK_THRESHOLD): Float32Array {
  if (line.length !== count * size * size) throw new Error(`plainFill: ${line.length} values for ${count} line images of ${size}x${size}`);
  return hintFill(line, count, size, [], fill, threshold);
}

/**
 * The "hint fill" baseline of the colour-hint evaluation (issue 18): the paint bucket that is
 * told the colours. Each enclosed region holding a hint takes its colour (the nearest hint's per
 * pixel where it holds several), a hint outside the outlines colours its dot (the same hint layer
 * the model reads: lib/gan/doodle-hints.ts), every other enclosed region gets `fill`, the
 * background stays white, and the ink is multiplied over it as in plainFill. Returns
 * [count, S, S, 3] in [-1, 1].
 */
export function hintFill(line: Float32Array, count: number, size: number, hints: ReadonlyArray<readonly DoodleHint[]>, fill: Rgb, threshold = INK_THRESHOLD): Float32Array {
  const S2 = size * size;
  if (line.length !== count * S2) throw new Error(`hintFill: ${line.length} values for ${count} line images of ${size}x${size}`);
  const fill01 = fill.map((v) => (v + 1) / 2);
  const out = new Float32Array(count * S2 * 3);
  for (let k = 0; k < count; k++) {
    const region = doodleRegions(line, size, threshold, k * S2);
    const { rgb, mask } = hintLayer(line, size, hints[k] ?? [], k * S2, threshold);
    for (let p = 0; p < S2; p++) {
      const ink01 = Math.min(1, Math.max(0, ((line[k * S2 + p] as number) + 1) / 2));
      const o = (k * S2 + p) * 3;
      for (let c = 0; c < 3; c++) {
        const base = mask[p] ? ((rgb[3 * p + c] as number) + 1) / 2 : region[p] === 2 ? (fill01[c] as number) : 1;
        out[o + c] = 2 * base * ink01 - 1;
      }
    }
  }
  return out;
}

/**
 * The mean colour (RGB in [-1, 1]) of the "coloured" pixels of a set of pairs: pixels whose
 * colour image is not white (some channel below `whiteLevel`) and that are not ink in the line
 * image (the strokes are drawn separately, from the line art; averaging them in would only
 * darken the fill). Falls back to mid grey (0) when there are none.
 */
export function meanFillColour(line: Float32Array, colour: Float32Array, pixels: number, whiteLevel = 0.96, threshold = INK_THRESHOLD): [number, number, number] {
  if (line.length !== pixels || colour.length !== pixels * 3) throw new Error('meanFillColour: line and colour sizes differ');
  let sr = 0;
  let sg = 0;
  let sb = 0;
  let n = 0;
  for (let p = 0; p < pixels; p++) {
    if ((line[p] as number) < threshold) continue;
    const r = colour[3 * p] as number;
    const g = colour[3 * p + 1] as number;
    const b = colour[3 * p + 2] as number;
    if (r >= whiteLevel && g >= whiteLevel && b >= whiteLevel) continue;
    sr += r;
    sg += g;
    sb += b;
    n++;
  }
  return n === 0 ? [0, 0, 0] : [sr / n, sg / n, sb / n];
}

/**
 * Mean absolute difference of two images (or image sets) given in [-1, 1], in [0, 1] pixel units:
 * mean |a - b| / 2 over all pixels and channels (the trainer's L1 loss is the same without / 2).
 */
export function meanL1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`meanL1: ${a.length} vs ${b.length} values`);
  if (a.length === 0) throw new Error('meanL1: empty');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length / 2;
}

/** Per-image L1 ([0, 1] units) of two image sets of `count` images ([-1, 1]). */
export function perImageL1(a: ArrayLike<number>, b: ArrayLike<number>, count: number): Float64Array {
  if (a.length !== b.length || a.length % count !== 0) throw new Error(`perImageL1: ${a.length} vs ${b.length} values for ${count} images`);
  const per = a.length / count;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let s = 0;
    for (let i = k * per; i < (k + 1) * per; i++) s += Math.abs((a[i] as number) - (b[i] as number));
    out[k] = s / per / 2;
  }
  return out;
}

export interface PairedComparison {
  /** mean over pairs of (model L1 - baseline L1): negative = the model is better */
  meanDiff: number;
  /** percentile-bootstrap 95% interval of meanDiff (pairs resampled with replacement) */
  lo: number;
  hi: number;
  /** pairs on which the model's L1 is lower */
  wins: number;
  n: number;
}

/**
 * How a model's per-pair L1 compares with a baseline's on the same pairs. "Clearly better" is
 * hi < 0: the whole interval below zero. `random` gives uniforms in [0, 1) (seeded: the same
 * interval on every run).
 */
export function pairedComparison(model: ArrayLike<number>, baseline: ArrayLike<number>, random: () => number, resamples = 2000): PairedComparison {
  const n = model.length;
  if (n === 0 || baseline.length !== n) throw new Error(`pairedComparison: ${n} vs ${baseline.length} pairs`);
  const d = Float64Array.from({ length: n }, (_, i) => (model[i] as number) - (baseline[i] as number));
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(random() * n)] as number;
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] as number;
  return { meanDiff: mean, lo: at(0.025), hi: at(0.975), wins: d.filter((x) => x < 0).length, n };
}
