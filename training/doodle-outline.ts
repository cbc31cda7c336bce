/**
 * Line art derived from a flat-colour drawing, for the extra doodle pairs (doodles-extra-dataset.ts).
 *
 * OpenMoji ships every emoji twice, as black line art and in colour with the same black outlines;
 * flat-colour emoji sets (Twemoji, Fluent Flat) have no line version. Their line art is taken from
 * the colour image itself: a pixel is on a boundary where its colour (over white) or its opacity
 * differs from a neighbour's by more than a threshold, and the boundaries are thickened to the
 * width of OpenMoji's strokes. The pair is then (those lines, the colour image with the same lines
 * inked on top), the way OpenMoji's colour images carry their outlines.
 *
 * Pure functions over RGBA pixel buffers (sharp's raw output).
 */
import type { RawImage } from './doodles-dataset';

/** Largest per-channel difference (0-255) between two neighbours that is not yet a boundary. */
export const OUTLINE_THRESHOLD = 48;

/**
 * OpenMoji's stroke width relative to the larger side of a drawing's box: strokes of 2 units in
 * its 72-unit grid, on drawings about 60 units across (measured: ~1.9 px lines in the 58 px fit).
 */
export const OUTLINE_WIDTH_OF_BOX = 1.9 / 58;

/** RGBA pixel k composited over white, channel c. */
function overWhite(d: Uint8Array, k: number, c: number): number {
  const a = (d[4 * k + 3] ?? 0) / 255;
  return (d[4 * k + c] ?? 0) * a + 255 * (1 - a);
}

/**
 * 1 where a pixel differs from its right or lower neighbour by more than `threshold` in any
 * colour channel over white or in opacity (the outer contour is where the drawing meets the
 * transparent background, or the image's edge), else 0.
 */
export function boundaryPixels(img: RawImage, threshold = OUTLINE_THRESHOLD): Uint8Array {
  if (img.channels !== 4) throw new Error(`boundaryPixels needs RGBA, got ${img.channels} channels`);
  const { width: W, height: H, data: d } = img;
  const out = new Uint8Array(W * H);
  const differs = (a: number, b: number): boolean => {
    if (Math.abs((d[4 * a + 3] ?? 0) - (d[4 * b + 3] ?? 0)) > threshold) return true;
    for (let c = 0; c < 3; c++) if (Math.abs(overWhite(d, a, c) - overWhite(d, b, c)) > threshold) return true;
    return false;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const k = y * W + x;
      // past the image's edge is transparent: a drawing that fills its view box is outlined there too
      if ((x === 0 || y === 0 || x === W - 1 || y === H - 1) && (d[4 * k + 3] ?? 0) > threshold) out[k] = 1;
      if ((x + 1 < W && differs(k, k + 1)) || (y + 1 < H && differs(k, k + W))) {
        out[k] = 1;
        if (x + 1 < W) out[k + 1] = 1;
        if (y + 1 < H) out[k + W] = 1;
      }
    }
  }
  return out;
}

/** Every pixel within `radius` (Euclidean) of a set pixel of `mask`, as 0/1. */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const r = Math.max(0, radius);
  const R = Math.floor(r);
  const offsets: Array<[number, number]> = [];
  for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r * r) offsets.push([dx, dy]);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      for (const [dx, dy] of offsets) {
        const X = x + dx;
        const Y = y + dy;
        if (X >= 0 && Y >= 0 && X < width && Y < height) out[Y * width + X] = 1;
      }
    }
  }
  return out;
}

export interface DerivedPair {
  /** black strokes on transparent: the derived line art (RGBA, same size as the input) */
  line: RawImage;
  /** the colour image with the same strokes inked on top (RGBA) */
  color: RawImage;
  /** the stroke mask (1 = ink), for tests and statistics */
  ink: Uint8Array;
}

/**
 * The line art of a flat-colour drawing and the drawing with those lines inked on it.
 * `lineWidth` is in pixels of `img` (see OUTLINE_WIDTH_OF_BOX).
 */
export function derivePair(img: RawImage, lineWidth: number, threshold = OUTLINE_THRESHOLD): DerivedPair {
  const { width: W, height: H } = img;
  // a boundary is one or two pixels wide: grow it by the rest of the stroke width, half each side
  const ink = dilate(boundaryPixels(img, threshold), W, H, Math.max(0, (lineWidth - 2) / 2));
  const line = new Uint8Array(W * H * 4);
  const color = new Uint8Array(img.data);
  for (let k = 0; k < W * H; k++) {
    if (!ink[k]) continue;
    line[4 * k + 3] = 255;
    color[4 * k] = 0;
    color[4 * k + 1] = 0;
    color[4 * k + 2] = 0;
    color[4 * k + 3] = 255;
  }
  return { line: { data: line, width: W, height: H, channels: 4 }, color: { data: color, width: W, height: H, channels: 4 }, ink };
}
