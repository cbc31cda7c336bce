/**
 * What a paint bucket sees in a line image: which white pixels the lines enclose. Pure, no tfjs,
 * browser-safe. Used by the plain-fill baseline (training/doodle-fill.ts) and, for a model whose
 * config has `regionChannel`, as the generator's second input channel (doodleModelInput), built
 * the same way in training, evaluation and the studio.
 *
 * Layouts as training/doodle-loader.ts: line images [count, S, S, 1] in [-1, 1], white = +1.
 */

/** Default ink threshold on the [-1, 1] scale: darker than 50 % grey is ink. */
export const INK_THRESHOLD = 0;

/**
 * The regions of one S x S line image: 0 = ink, 1 = background (white, reachable from the border),
 * 2 = enclosed white. The background floods 4-connected, so a one-pixel diagonal stroke closes a
 * region.
 */
export function doodleRegions(line: ArrayLike<number>, size: number, threshold = INK_THRESHOLD, offset = 0): Uint8Array {
  const S = size;
  const n = S * S;
  const region = new Uint8Array(n);
  for (let p = 0; p < n; p++) region[p] = (line[offset + p] as number) < threshold ? 0 : 2;
  // flood the background from every white border pixel (explicit stack, 4-connected)
  const stack = new Int32Array(n);
  let top = 0;
  const seed = (p: number): void => {
    if (region[p] === 2) {
      region[p] = 1;
      stack[top++] = p;
    }
  };
  for (let i = 0; i < S; i++) {
    seed(i); // top row
    seed((S - 1) * S + i); // bottom row
    seed(i * S); // left column
    seed(i * S + S - 1); // right column
  }
  while (top > 0) {
    const p = stack[--top] as number;
    const x = p % S;
    if (x > 0) seed(p - 1);
    if (x < S - 1) seed(p + 1);
    if (p >= S) seed(p - S);
    if (p < n - S) seed(p + S);
  }
  return region;
}

/** The region channel's value on enclosed white pixels; every other pixel (ink, background) is +1. */
export const ENCLOSED = -1;

/**
 * The model input of `count` line images ([count, S, S, 1] in [-1, 1]): the line images as they
 * are, or, with `regionChannel`, [count, S, S, 2]: each pixel's line value followed by ENCLOSED
 * (-1) where it is enclosed white and +1 elsewhere. +1 is also what white paper is, so the
 * painting ensemble's shifts (lib/gan/pix2pix.ts) pad both channels alike, and a model widened
 * from a line-only one with a zero kernel for this channel starts as the same function.
 */
export function doodleModelInput(line: Float32Array, count: number, size: number, regionChannel: boolean): Float32Array {
  const S2 = size * size;
  if (line.length !== count * S2) throw new Error(`doodleModelInput: ${line.length} values for ${count} line images of ${size}x${size}`);
  if (!regionChannel) return line;
  const out = new Float32Array(count * S2 * 2);
  for (let k = 0; k < count; k++) {
    const region = doodleRegions(line, size, INK_THRESHOLD, k * S2);
    for (let p = 0; p < S2; p++) {
      out[2 * (k * S2 + p)] = line[k * S2 + p] as number;
      out[2 * (k * S2 + p) + 1] = region[p] === 2 ? ENCLOSED : 1;
    }
  }
  return out;
}
