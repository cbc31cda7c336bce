/**
 * Loads the committed atlas (training/data) into memory and serves shuffled, randomly flipped
 * batches in [-1, 1]. The epoch order comes from (seed, epoch), so the loader's whole state is
 * {epoch, position}: cheap to checkpoint and resume.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../lib/gan/rng';
import { ATLAS_FILE, INDEX_FILE, type DatasetIndex } from './data-format';

export interface ImageSet {
  /** uint8 RGB, image-major NHWC. */
  pixels: Uint8Array;
  count: number;
  size: number;
  ids: string[];
}

export async function loadImageSet(dataDir: string, split: 'train' | 'heldout' | 'all'): Promise<ImageSet> {
  const index = JSON.parse(readFileSync(path.join(dataDir, INDEX_FILE), 'utf8')) as DatasetIndex;
  const { data, info } = await sharp(path.join(dataDir, index.atlas || ATLAS_FILE))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const S = index.tile;
  const chosen = index.images.filter((im) => split === 'all' || im.split === split);
  const pixels = new Uint8Array(chosen.length * S * S * 3);
  chosen.forEach((im, k) => {
    const ox = (im.i % index.columns) * S;
    const oy = Math.floor(im.i / index.columns) * S;
    for (let y = 0; y < S; y++) {
      const src = ((oy + y) * info.width + ox) * 3;
      pixels.set(data.subarray(src, src + S * 3), (k * S + y) * S * 3);
    }
  });
  return { pixels, count: chosen.length, size: S, ids: chosen.map((im) => im.id) };
}

/** Downsamples a set by box filtering (for the smoke run's small resolution). */
export function downsample(set: ImageSet, size: number): ImageSet {
  const f = set.size / size;
  if (!Number.isInteger(f) || f < 1) throw new Error(`cannot downsample ${set.size} to ${size}`);
  if (f === 1) return set;
  const out = new Uint8Array(set.count * size * size * 3);
  for (let n = 0; n < set.count; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = 0; dy < f; dy++) {
            for (let dx = 0; dx < f; dx++) s += set.pixels[((n * set.size + y * f + dy) * set.size + x * f + dx) * 3 + c] ?? 0;
          }
          out[((n * size + y) * size + x) * 3 + c] = Math.round(s / (f * f));
        }
      }
    }
  }
  return { pixels: out, count: set.count, size, ids: set.ids };
}

export interface LoaderState {
  epoch: number;
  position: number;
}

export class BatchLoader {
  private order: Uint32Array;

  constructor(
    readonly set: ImageSet,
    private readonly seed: number,
    private st: LoaderState = { epoch: 0, position: 0 },
  ) {
    this.order = this.epochOrder(this.st.epoch);
  }

  private epochOrder(epoch: number): Uint32Array {
    return new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).permutation(this.set.count);
  }

  state(): LoaderState {
    return { ...this.st };
  }

  /** Next batch as float32 NHWC in [-1, 1]; each image flipped horizontally with p = 0.5 (rng). */
  next(batch: number, rng: Rng): Float32Array {
    const S = this.set.size;
    const img = S * S * 3;
    const out = new Float32Array(batch * img);
    const px = this.set.pixels;
    for (let b = 0; b < batch; b++) {
      if (this.st.position >= this.order.length) {
        this.st = { epoch: this.st.epoch + 1, position: 0 };
        this.order = this.epochOrder(this.st.epoch);
      }
      const src = (this.order[this.st.position++] ?? 0) * img;
      const dst = b * img;
      if (rng.uniform() < 0.5) {
        for (let k = 0; k < img; k++) out[dst + k] = (px[src + k] ?? 0) / 127.5 - 1;
      } else {
        for (let y = 0; y < S; y++) {
          for (let x = 0; x < S; x++) {
            const si = src + (y * S + (S - 1 - x)) * 3;
            const di = dst + (y * S + x) * 3;
            out[di] = (px[si] ?? 0) / 127.5 - 1;
            out[di + 1] = (px[si + 1] ?? 0) / 127.5 - 1;
            out[di + 2] = (px[si + 2] ?? 0) / 127.5 - 1;
          }
        }
      }
    }
    return out;
  }
}
