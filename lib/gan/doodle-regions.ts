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
