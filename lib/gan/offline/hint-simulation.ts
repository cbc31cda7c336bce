/**
 * Colour hints simulated from the true colour image (issue 18), as Zhang et al. 2017 train their
 * user-guided colouriser: points dropped on the drawing, each with the colour the truth has
 * around it. Training uses a random number of them per image (sometimes none, so the model keeps
 * painting without hints); the evaluation places a fixed number in every enclosed region.
 * Pure, seeded (lib/gan/rng.ts), no tfjs. Layouts as training/doodle-loader.ts: line
 * [n, S, S, 1] and colour [n, S, S, 3], float32 in [-1, 1].
 */
import { dotPixels, enclosedComponents, type DoodleHint } from '../doodle-hints';
import type { Rng } from '../rng';

/** How training draws hints for one image. */
export interface TrainingHintOptions {
  /** Chance of no hints at all. */
  pNone: number;
  /** Per image, each enclosed region gets hints with a chance drawn from [minShare, 1]. */
  minShare: number;
  /** Chance of a second (then a third) hint in a hinted region. */
  pMore: number;
  /** Chance of one or two hints on coloured paper outside every closed outline. */
  pOutside: number;
}

export const TRAINING_HINTS: TrainingHintOptions = { pNone: 0.2, minShare: 0.25, pMore: 0.25, pOutside: 0.35 };

/**
 * The colour (0..255, rounded) the truth has around pixel `p`: the mean over the hint's dot
 * (radius HINT_DOT_RADIUS) of the pixels in the same region as `p` (same label: one enclosed
 * region, or the background; never ink), as a user would pick it off the finished picture.
 */
export function truthColourAround(colour: Float32Array, labels: Int32Array, size: number, p: number, offset = 0): { r: number; g: number; b: number } {
  const own = labels[p];
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (const q of dotPixels(p, size)) {
    if (labels[q] !== own) continue;
    const o = offset * 3 + q * 3;
    r += colour[o] as number;
    g += colour[o + 1] as number;
    b += colour[o + 2] as number;
    n++;
  }
  const to255 = (v: number): number => Math.round(Math.min(255, Math.max(0, (v / Math.max(1, n) + 1) * 127.5)));
  return { r: to255(r), g: to255(g), b: to255(b) };
}

/** Pixels of each enclosed region (index = label - 1) and the background's coloured pixels. */
function regionPixels(labels: Int32Array, count: number, colour: Float32Array, offset: number): { regions: number[][]; colouredOutside: number[] } {
  const regions: number[][] = Array.from({ length: count }, () => []);
  const colouredOutside: number[] = [];
  for (let p = 0; p < labels.length; p++) {
    const l = labels[p] as number;
    if (l > 0) (regions[l - 1] as number[]).push(p);
    else if (l === -1) {
      const o = offset * 3 + p * 3;
      // not white in truth: colour the outline leaves open
      if ((colour[o] as number) < 0.92 || (colour[o + 1] as number) < 0.92 || (colour[o + 2] as number) < 0.92) colouredOutside.push(p);
    }
  }
  return { regions, colouredOutside };
}

function hintAt(colour: Float32Array, labels: Int32Array, size: number, p: number, offset: number, rng: Rng): DoodleHint {
  // anywhere inside the pixel, as a pointer lands
  return { x: (p % size) + rng.uniform(), y: Math.floor(p / size) + rng.uniform(), ...truthColourAround(colour, labels, size, p, offset) };
}

/**
 * Training hints for image `k` of a batch: none with chance pNone; otherwise each enclosed region
 * is hinted with one chance per image (1 hint, more with chance pMore each, up to 3), and with
 * chance pOutside one or two hints land on paper the truth colours outside every closed outline.
 */
export function simulateTrainingHints(line: Float32Array, colour: Float32Array, size: number, k: number, rng: Rng, opts: TrainingHintOptions = TRAINING_HINTS): DoodleHint[] {
  if (rng.uniform() < opts.pNone) return [];
  const S2 = size * size;
  const { labels, count } = enclosedComponents(line, size, undefined, k * S2);
  const { regions, colouredOutside } = regionPixels(labels, count, colour, k * S2);
  const share = opts.minShare + (1 - opts.minShare) * rng.uniform();
  const hints: DoodleHint[] = [];
  for (const pixels of regions) {
    if (rng.uniform() >= share) continue;
    let n = 1;
    while (n < 3 && rng.uniform() < opts.pMore) n++;
    for (let i = 0; i < n; i++) hints.push(hintAt(colour, labels, size, pixels[rng.int(pixels.length)] as number, k * S2, rng));
  }
  if (colouredOutside.length > 0 && rng.uniform() < opts.pOutside) {
    const n = rng.uniform() < 0.5 ? 1 : 2;
    for (let i = 0; i < n; i++) hints.push(hintAt(colour, labels, size, colouredOutside[rng.int(colouredOutside.length)] as number, k * S2, rng));
  }
  return hints;
}

/**
 * Evaluation hints for image `k`: `perRegion` hints in every enclosed region (at random pixels of
 * it, seeded), each with the truth's colour around it; none elsewhere.
 */
export function simulateRegionHints(line: Float32Array, colour: Float32Array, size: number, k: number, perRegion: number, rng: Rng): DoodleHint[] {
  const S2 = size * size;
  const { labels, count } = enclosedComponents(line, size, undefined, k * S2);
  const { regions } = regionPixels(labels, count, colour, k * S2);
  const hints: DoodleHint[] = [];
  for (const pixels of regions) {
    for (let i = 0; i < perRegion; i++) hints.push(hintAt(colour, labels, size, pixels[rng.int(pixels.length)] as number, k * S2, rng));
  }
  return hints;
}

/**
 * Rotates colours about the grey axis by `theta` radians (a hue rotation that keeps every grey,
 * white and black as it is), RGB in [-1, 1], clipped. Used in training so that the colour a model
 * remembers for a training drawing is wrong and only the hints tell the right one: on the
 * training set the painter already knows each drawing's colours by heart (its training L1 is half
 * its held-out L1), and without this it barely learns to read hints at all.
 */
export function hueRotation(theta: number): (r: number, g: number, b: number) => [number, number, number] {
  // Rodrigues' rotation about the unit axis (1, 1, 1) / sqrt(3)
  const c = Math.cos(theta);
  const s = Math.sin(theta) / Math.sqrt(3);
  const k = (1 - c) / 3;
  const a = c + k;
  const b1 = k - s;
  const b2 = k + s;
  const clip = (v: number): number => Math.max(-1, Math.min(1, v));
  return (r, g, b) => [clip(a * r + b1 * g + b2 * b), clip(b2 * r + a * g + b1 * b), clip(b1 * r + b2 * g + a * b)];
}

/** Image `k` of a colour batch ([n, S, S, 3] in [-1, 1]) and its hints, hue-rotated alike, in place / as new hints. */
export function rotateHues(colour: Float32Array, k: number, size: number, hints: readonly DoodleHint[], theta: number): DoodleHint[] {
  const rot = hueRotation(theta);
  const S2 = size * size;
  for (let p = k * S2; p < (k + 1) * S2; p++) {
    const [r, g, b] = rot(colour[3 * p] as number, colour[3 * p + 1] as number, colour[3 * p + 2] as number);
    colour[3 * p] = r;
    colour[3 * p + 1] = g;
    colour[3 * p + 2] = b;
  }
  const to255 = (v: number): number => Math.round((v + 1) * 127.5);
  return hints.map((h) => {
    const [r, g, b] = rot(h.r / 127.5 - 1, h.g / 127.5 - 1, h.b / 127.5 - 1);
    return { ...h, r: to255(r), g: to255(g), b: to255(b) };
  });
}
