/**
 * Synthetic (line, colour) pairs for tests and for smoke runs without the doodle data set: on
 * white paper, one or two shapes (disc, box) with a black outline; the line image is the outline
 * alone (greyscale, 1 channel, ink = -1), the colour image the same outline around a coloured
 * fill. Pair k depends only on (seed, k). Layouts as training/doodle-loader.ts: NHWC, [-1, 1].
 */
import { Rng } from '../rng';

export interface SyntheticPairs {
  /** [n, size, size, 1] */
  line: Float32Array;
  /** [n, size, size, 3] */
  color: Float32Array;
}

/** Writes pair (seed, k) into `line`/`color` at row `row`. */
function drawPair(seed: number, k: number, size: number, line: Float32Array, color: Float32Array, row: number): void {
  const rng = new Rng((seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0);
  const S = size;
  const lo = row * S * S;
  line.fill(1, lo, lo + S * S);
  color.fill(1, lo * 3, (lo + S * S) * 3);
  const shapes = 1 + rng.int(2);
  for (let s = 0; s < shapes; s++) {
    const cx = S * (0.25 + 0.5 * rng.uniform());
    const cy = S * (0.25 + 0.5 * rng.uniform());
    const r = S * (0.12 + 0.16 * rng.uniform());
    const box = rng.uniform() < 0.5;
    const rgb = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1];
    const stroke = Math.max(1, S / 32);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        // signed distance to the shape's edge (negative inside)
        const d = box ? Math.max(Math.abs(dx), Math.abs(dy)) - r : Math.hypot(dx, dy) - r;
        if (d > stroke / 2) continue;
        const p = lo + y * S + x;
        if (d > -stroke / 2) {
          line[p] = -1;
          for (let c = 0; c < 3; c++) color[p * 3 + c] = -1;
        } else {
          for (let c = 0; c < 3; c++) color[p * 3 + c] = rgb[c] ?? 0;
        }
      }
    }
  }
}

/** Pairs first, first+1, ..., first+n-1 of the synthetic stream `seed`. */
export function syntheticPairs(seed: number, first: number, n: number, size: number): SyntheticPairs {
  const line = new Float32Array(n * size * size);
  const color = new Float32Array(n * size * size * 3);
  for (let b = 0; b < n; b++) drawPair(seed, first + b, size, line, color, b);
  return { line, color };
}

/** An endless stream of synthetic pairs with the doodle loader's interface ({epoch, position} state). */
export class SyntheticPairLoader {
  private st: { epoch: number; position: number };

  constructor(
    readonly size: number,
    private readonly seed: number,
    state: { epoch: number; position: number } = { epoch: 0, position: 0 },
  ) {
    this.st = { ...state };
  }

  state(): { epoch: number; position: number } {
    return { ...this.st };
  }

  next(batch: number): SyntheticPairs {
    const out = syntheticPairs(this.seed, this.st.position, batch, this.size);
    this.st = { epoch: 0, position: this.st.position + batch };
    return out;
  }
}
