/**
 * Colour hints for the doodle painter (issue 18): the artist drops a few colour dots on a doodle
 * and the model paints the rest. Pure and browser-safe (no tfjs): the studio, training,
 * evaluation and the tests build the model's hint channels with the same code.
 *
 * A hint speaks for the region it lands in. Working out which white pixels a closed outline
 * encloses is a flood fill, which a convolution cannot do locally (README, the doodle model), so
 * the hint layer does it before the model sees it: a hint inside an enclosed region colours that
 * whole region (where several hints share one, each pixel takes the nearest hint's colour); a
 * hint on the background, or on ink, colours only its dot. The model then decides what the hint
 * implies for the lines, for unclosed shapes and for the rest of the drawing.
 *
 * Layouts as lib/gan/doodle-regions.ts: line images [count, S, S, 1] in [-1, 1], white = +1.
 */
import { INK_THRESHOLD, doodleRegions } from './doodle-regions';

/** One colour hint on the model's pixel grid: (x, y) in pixels of the S x S image, colour 0..255. */
export interface DoodleHint {
  x: number;
  y: number;
  r: number;
  g: number;
  b: number;
}

/** Channels the hint layer adds to the model input: hint R, G, B and the hint mask. */
export const HINT_CHANNELS = 4;
/** A dot's radius in model pixels: a 3x3 patch. */
export const HINT_DOT_RADIUS = 1;
/** The value of the mask channel where a hint speaks; everywhere else every hint channel is +1. */
export const HINTED = -1;
/** How far (pixels) a hint dropped on ink looks for the paper it was meant for. */
const SNAP_RADIUS = 2;

/**
 * The enclosed regions of one line image as connected components: labels[p] = 0 on ink, -1 on
 * the background (white reachable from the border), k >= 1 for the k-th enclosed region
 * (4-connected, as the background flood).
 */
export function enclosedComponents(line: ArrayLike<number>, size: number, threshold = INK_THRESHOLD, offset = 0): { labels: Int32Array; count: number } {
  const S = size;
  const n = S * S;
  const region = doodleRegions(line, S, threshold, offset);
  const labels = new Int32Array(n);
  for (let p = 0; p < n; p++) labels[p] = region[p] === 0 ? 0 : region[p] === 1 ? -1 : -2;
  const stack = new Int32Array(n);
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (labels[start] !== -2) continue;
    count++;
    let top = 0;
    labels[start] = count;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top] as number;
      const x = p % S;
      const visit = (q: number): void => {
        if (labels[q] === -2) {
          labels[q] = count;
          stack[top++] = q;
        }
      };
      if (x > 0) visit(p - 1);
      if (x < S - 1) visit(p + 1);
      if (p >= S) visit(p - S);
      if (p < n - S) visit(p + S);
    }
  }
  return { labels, count };
}

/** The pixel a hint lands on: its own, or, on ink, the nearest paper pixel within SNAP_RADIUS. */
export function hintPixel(hint: DoodleHint, labels: Int32Array, size: number): number {
  const S = size;
  const hx = Math.min(S - 1, Math.max(0, Math.floor(hint.x)));
  const hy = Math.min(S - 1, Math.max(0, Math.floor(hint.y)));
  const own = hy * S + hx;
  if (labels[own] !== 0) return own;
  let best = own;
  let bestD = Infinity;
  for (let dy = -SNAP_RADIUS; dy <= SNAP_RADIUS; dy++) {
    for (let dx = -SNAP_RADIUS; dx <= SNAP_RADIUS; dx++) {
      const x = hx + dx;
      const y = hy + dy;
      if (x < 0 || y < 0 || x >= S || y >= S || labels[y * S + x] === 0) continue;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = y * S + x;
      }
    }
  }
  return best;
}

export interface HintLayer {
  /** [S * S * 3] hint colour in [-1, 1] where `mask` is 1, else +1 (white). */
  rgb: Float32Array;
  /** [S * S] 1 where a hint speaks. */
  mask: Uint8Array;
}

/**
 * The hint layer of one line image (at `offset` in `line`): each enclosed region holding a hint
 * takes its colour, the nearest hint's per pixel where it holds several; a hint elsewhere colours
 * the paper pixels of its dot (the nearest hint's where dots overlap). Ink is never hinted.
 */
export function hintLayer(line: ArrayLike<number>, size: number, hints: readonly DoodleHint[], offset = 0, threshold = INK_THRESHOLD): HintLayer {
  const S = size;
  const n = S * S;
  const rgb = new Float32Array(n * 3).fill(1);
  const mask = new Uint8Array(n);
  if (hints.length === 0) return { rgb, mask };
  const { labels } = enclosedComponents(line, S, threshold, offset);
  const at = hints.map((h) => hintPixel(h, labels, S));
  // which hints speak for each enclosed region
  const byRegion = new Map<number, number[]>();
  at.forEach((p, i) => {
    const l = labels[p] as number;
    if (l > 0) byRegion.set(l, [...(byRegion.get(l) ?? []), i]);
  });
  const bestD = new Float64Array(n).fill(Infinity);
  const paint = (p: number, i: number): void => {
    const h = hints[i] as DoodleHint;
    const q = at[i] as number;
    const dx = (p % S) - (q % S);
    const dy = Math.floor(p / S) - Math.floor(q / S);
    const d = dx * dx + dy * dy;
    if (d >= (bestD[p] as number)) return;
    bestD[p] = d;
    mask[p] = 1;
    rgb[3 * p] = channel(h.r);
    rgb[3 * p + 1] = channel(h.g);
    rgb[3 * p + 2] = channel(h.b);
  };
  for (let p = 0; p < n; p++) {
    const owners = byRegion.get(labels[p] as number);
    if (owners) for (const i of owners) paint(p, i);
  }
  at.forEach((q, i) => {
    if ((labels[q] as number) > 0) return;
    // a dot stays on its own side of the lines: background paper only
    for (const p of dotPixels(q, S)) if (labels[p] === -1) paint(p, i);
  });
  return { rgb, mask };
}

/** The pixels of a hint's dot (radius HINT_DOT_RADIUS) around pixel `p` of an S x S grid, clipped to it. */
export function dotPixels(p: number, size: number): number[] {
  const px = p % size;
  const py = Math.floor(p / size);
  const out: number[] = [];
  for (let y = Math.max(0, py - HINT_DOT_RADIUS); y <= Math.min(size - 1, py + HINT_DOT_RADIUS); y++) {
    for (let x = Math.max(0, px - HINT_DOT_RADIUS); x <= Math.min(size - 1, px + HINT_DOT_RADIUS); x++) out.push(y * size + x);
  }
  return out;
}

/** 0..255 -> [-1, 1]. */
function channel(v: number): number {
  return Math.min(255, Math.max(0, v)) / 127.5 - 1;
}

/**
 * The hint channels of one line image, [S * S * HINT_CHANNELS]: per pixel hint R, G, B in
 * [-1, 1] and the mask (HINTED where a hint speaks); +1 in all four where none does, which is
 * what white paper is, so the painting ensemble's shifts (lib/gan/pix2pix.ts) pad them as "no
 * hint", and a model widened with zero kernels for them starts as the same function.
 */
export function hintChannels(line: ArrayLike<number>, size: number, hints: readonly DoodleHint[], offset = 0): Float32Array {
  const { rgb, mask } = hintLayer(line, size, hints, offset);
  const n = size * size;
  const out = new Float32Array(n * HINT_CHANNELS);
  for (let p = 0; p < n; p++) {
    out[4 * p] = rgb[3 * p] as number;
    out[4 * p + 1] = rgb[3 * p + 1] as number;
    out[4 * p + 2] = rgb[3 * p + 2] as number;
    out[4 * p + 3] = mask[p] ? HINTED : 1;
  }
  return out;
}

/**
 * A CSS colour as the studio stores it (#rgb, #rrggbb, #rrggbbaa, rgb()/rgba()) as 0..255 RGB,
 * or null for a colour it cannot read without a browser (a named colour, hsl()). Alpha is ignored:
 * a hint says which colour, not how much.
 */
export function parseHintColour(css: string): { r: number; g: number; b: number } | null {
  const s = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    const h = hex[1] as string;
    const wide = h.length <= 4 ? [...h].map((c) => c + c).join('') : h;
    return { r: parseInt(wide.slice(0, 2), 16), g: parseInt(wide.slice(2, 4), 16), b: parseInt(wide.slice(4, 6), 16) };
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+%?\s*)?\)$/.exec(s);
  if (rgb) {
    const c = (v: string | undefined) => Math.min(255, Math.max(0, Math.round(Number(v))));
    return { r: c(rgb[1]), g: c(rgb[2]), b: c(rgb[3]) };
  }
  return null;
}

/** 0..255 RGB as #rrggbb. */
export function hintHex(c: { r: number; g: number; b: number }): string {
  return `#${[c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * How far (per channel, [-1, 1] scale: 0.05 is ~6 of 255 levels) a painted pixel of a hinted
 * region may stray from its hint before it counts as drawn detail rather than the painter's
 * noise: anchorHintColours flattens smaller deviations to the hint's colour and shortens larger
 * ones by this much. Chosen on 300 training pairs, never on the held-out set (`npm run eval:hints
 * -- --tune-tolerance`: the L1 against their truths with 1 hint per region, lowest at 0.05:
 * 0.0201, against 0.0207 at 0, 0.0202 at 0.02 and 0.0205 at 0.1).
 */
export const HINT_FLAT_TOLERANCE = 0.05;

/**
 * Makes a painting keep the artist's hints (in place): in every enclosed region a hint speaks for
 * (the pixels the hint layer gives that hint: the nearest hint's where a region holds several),
 * the painting is first moved by one offset per channel so that its mean there is the hint's
 * colour; then each pixel's deviation from the hint is shrunk by HINT_FLAT_TOLERANCE towards it
 * (a soft threshold: the painter's faint mottling becomes the flat colour asked for, its shading,
 * highlights and drawn-in details stay, a little fainter), clipped to [-1, 1]. A hint is an
 * instruction, and the painter alone follows it loosely (README, the doodle model: its hinted
 * regions are off by more than the hint fill's). Dots on the background, and regions no hint
 * speaks for, are left as painted. `painting` is [count, S, S, 3] in [-1, 1], `line` the line
 * images [count, S, S, 1].
 */
export function anchorHintColours(
  painting: Float32Array,
  line: ArrayLike<number>,
  count: number,
  size: number,
  hints: ReadonlyArray<readonly DoodleHint[] | undefined>,
  tolerance = HINT_FLAT_TOLERANCE,
): Float32Array {
  const S2 = size * size;
  for (let k = 0; k < count; k++) {
    const own = hints[k] ?? [];
    if (own.length === 0) continue;
    const { labels } = enclosedComponents(line, size, INK_THRESHOLD, k * S2);
    const { rgb, mask } = hintLayer(line, size, own, k * S2);
    // the pixels of each (region, hint colour): what one hint speaks for
    const groups = new Map<string, number[]>();
    for (let p = 0; p < S2; p++) {
      if (!mask[p] || (labels[p] as number) <= 0) continue;
      const key = `${labels[p]}:${rgb[3 * p]}:${rgb[3 * p + 1]}:${rgb[3 * p + 2]}`;
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    for (const pixels of groups.values()) {
      const first = pixels[0] as number;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (const p of pixels) sum += painting[(k * S2 + p) * 3 + c] as number;
        const hint = rgb[3 * first + c] as number;
        const shift = hint - sum / pixels.length;
        for (const p of pixels) {
          const o = (k * S2 + p) * 3 + c;
          const d = (painting[o] as number) + shift - hint;
          const kept = Math.sign(d) * Math.max(0, Math.abs(d) - tolerance);
          painting[o] = Math.min(1, Math.max(-1, hint + kept));
        }
      }
    }
  }
  return painting;
}
