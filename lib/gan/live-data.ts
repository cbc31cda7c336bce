/**
 * Real images for live training: tiles cut out of the subset atlas (live-format.ts) and the
 * shuffled, flipped batches the trainer steps on. Pure JS, no tensors.
 */
import { Rng } from './rng';

/** RGBA pixels as ImageData holds them (the component layer decodes PNGs with a canvas). */
export interface ImageLike {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** A small real set: uint8 RGB, image-major NHWC, size x size. */
export interface RealImages {
  pixels: Uint8Array;
  count: number;
  size: number;
}

/** Cuts tiles out of an RGBA atlas (box-filtered down to `size` when smaller than the tile). */
export function tilesFromAtlas(atlas: ImageLike, layout: { tile: number; columns: number }, tiles: readonly number[], size = layout.tile): RealImages {
  const S = layout.tile;
  const f = S / size;
  if (!Number.isInteger(f) || f < 1) throw new Error(`cannot scale ${S}px tiles to ${size}px`);
  if (atlas.data.length !== atlas.width * atlas.height * 4) throw new Error('atlas: expected RGBA pixels');
  const pixels = new Uint8Array(tiles.length * size * size * 3);
  tiles.forEach((t, k) => {
    const ox = (t % layout.columns) * S;
    const oy = Math.floor(t / layout.columns) * S;
    if (ox + S > atlas.width || oy + S > atlas.height) throw new Error(`atlas: tile ${t} outside the image`);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = 0; dy < f; dy++) {
            for (let dx = 0; dx < f; dx++) s += atlas.data[((oy + y * f + dy) * atlas.width + ox + x * f + dx) * 4 + c] ?? 0;
          }
          pixels[((k * size + y) * size + x) * 3 + c] = Math.round(s / (f * f));
        }
      }
    }
  });
  return { pixels, count: tiles.length, size };
}

/**
 * Shuffled batches in [-1, 1] with random horizontal flips, like training/data-loader.ts's
 * BatchLoader (a new permutation per epoch); small sets repeat within a batch when needed.
 */
export class RealSampler {
  private order: Uint32Array;
  private pos = 0;
  private readonly rng: Rng;

  constructor(
    readonly set: RealImages,
    seed: number,
  ) {
    if (set.count < 1) throw new Error('no real images to train on');
    this.rng = new Rng(seed);
    this.order = this.rng.permutation(set.count);
  }

  next(batch: number): Float32Array {
    const S = this.set.size;
    const img = S * S * 3;
    const px = this.set.pixels;
    const out = new Float32Array(batch * img);
    for (let b = 0; b < batch; b++) {
      if (this.pos >= this.order.length) {
        this.order = this.rng.permutation(this.set.count);
        this.pos = 0;
      }
      const src = (this.order[this.pos++] ?? 0) * img;
      const flip = this.rng.uniform() < 0.5;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const si = src + (y * S + (flip ? S - 1 - x : x)) * 3;
          const di = b * img + (y * S + x) * 3;
          out[di] = (px[si] ?? 0) / 127.5 - 1;
          out[di + 1] = (px[si + 1] ?? 0) / 127.5 - 1;
          out[di + 2] = (px[si + 2] ?? 0) / 127.5 - 1;
        }
      }
    }
    return out;
  }
}
