/**
 * Loads the committed doodle pairs (training/data/doodles64-*.png, `npm run dataset:doodles`) and
 * serves shuffled batches of aligned [line, colour] pairs in [-1, 1] for the paired (pix2pix)
 * generator. A pair is always flipped as a whole: the line image and the colour image of one
 * row get the same horizontal flip. The epoch order comes from (seed, epoch) and each flip from
 * (seed, epoch, position), so the loader's whole state is {epoch, position}: cheap to checkpoint
 * and resume, and no external random stream is consumed.
 *
 * Layouts (all pair-major, NHWC):
 * - line:  greyscale, 1 channel  -> [n, size, size, 1]; white paper = +1, black ink = -1.
 * - colour: RGB, 3 channels      -> [n, size, size, 3].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../lib/gan/rng';
import type { LoaderState } from './data-loader';
import { DOODLE_TILE, doodleFiles, type DoodleIndex } from './data-format';

export type { LoaderState } from './data-loader';

export type DoodleSplit = 'train' | 'heldout' | 'all';

export interface DoodleSet {
  /** uint8 greyscale line art, [count, size, size] (1 channel). */
  line: Uint8Array;
  /** uint8 RGB colour images, [count, size, size, 3]. */
  color: Uint8Array;
  count: number;
  size: number;
  /** OpenMoji hexcode of each pair, in set order. */
  ids: string[];
}

export interface DoodleBatch {
  /** float32 [batch, size, size, 1] in [-1, 1]. */
  line: Float32Array;
  /** float32 [batch, size, size, 3] in [-1, 1]. */
  color: Float32Array;
  batch: number;
  size: number;
  /** Set index of each row. */
  indices: Uint32Array;
  /** 1 where the row's pair was flipped horizontally (both images). */
  flipped: Uint8Array;
}

export interface DoodleLoaderOptions {
  /** Random horizontal flips (p = 0.5, the same for both images of a pair). Default true. */
  flip?: boolean;
  /**
   * Random scale and shift, the same for both images of a pair (default none): the drawing is
   * scaled about the centre by a factor in [minScale, 1] and moved by up to `shift` pixels each
   * way (bilinear, white outside). More positions and sizes of the same pairs: the model sees
   * each drawing in ways it has to generalise over instead of memorising it pixel for pixel.
   */
  jitter?: DoodleJitter;
}

export interface DoodleJitter {
  shift: number;
  minScale: number;
}

/** The jitter that leaves every pair as it is. */
export const NO_JITTER: DoodleJitter = { shift: 0, minScale: 1 };

/**
 * Scales image `k` of `data` ([n, S, S, C] in [-1, 1]) by `scale` about its centre and moves it by
 * (dx, dy) pixels, in place: output pixel (x, y) samples the input at
 * ((x - c - dx) / scale + c, (y - c - dy) / scale + c), c = (S - 1) / 2, bilinearly, white (+1)
 * outside the image.
 */
export function jitterImage(data: Float32Array, k: number, S: number, C: number, scale: number, dx: number, dy: number): void {
  const off = k * S * S * C;
  const src = data.slice(off, off + S * S * C);
  const c = (S - 1) / 2;
  const at = (x: number, y: number, ch: number): number => (x < 0 || y < 0 || x >= S || y >= S ? 1 : (src[(y * S + x) * C + ch] as number));
  for (let y = 0; y < S; y++) {
    const sy = (y - c - dy) / scale + c;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < S; x++) {
      const sx = (x - c - dx) / scale + c;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      for (let ch = 0; ch < C; ch++) {
        const top = at(x0, y0, ch) * (1 - fx) + at(x0 + 1, y0, ch) * fx;
        const bottom = at(x0, y0 + 1, ch) * (1 - fx) + at(x0 + 1, y0 + 1, ch) * fx;
        data[off + (y * S + x) * C + ch] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}

/**
 * Reads the index and both atlases from `dataDir` and cuts out the pairs of `split`; `indexFile`
 * picks another set of the same format (e.g. doodleExtraFiles(tile).index).
 */
export async function loadDoodleSet(dataDir: string, split: DoodleSplit, tile: number = DOODLE_TILE, indexFile = doodleFiles(tile).index): Promise<DoodleSet> {
  const index = JSON.parse(readFileSync(path.join(dataDir, indexFile), 'utf8')) as DoodleIndex;
  const S = index.tile;
  const chosen = index.pairs.filter((p) => split === 'all' || p.split === split);
  const [line, color] = await Promise.all([
    readTiles(path.join(dataDir, index.lineAtlas), 1, index, chosen),
    readTiles(path.join(dataDir, index.colorAtlas), 3, index, chosen),
  ]);
  return { line, color, count: chosen.length, size: S, ids: chosen.map((p) => p.hexcode) };
}

async function readTiles(file: string, channels: 1 | 3, index: DoodleIndex, chosen: readonly { i: number }[]): Promise<Uint8Array> {
  const img = sharp(file).removeAlpha();
  const { data, info } = await (channels === 1 ? img.extractChannel(0) : img.toColourspace('srgb'))
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`${file}: expected ${channels} channel(s), got ${info.channels}`);
  const S = index.tile;
  if (info.width !== index.columns * S || info.height !== index.rows * S) {
    throw new Error(`${file}: ${info.width}x${info.height} does not match the index (${index.columns}x${index.rows} tiles of ${S})`);
  }
  const row = S * channels;
  const out = new Uint8Array(chosen.length * S * row);
  chosen.forEach((p, k) => {
    const ox = (p.i % index.columns) * S;
    const oy = Math.floor(p.i / index.columns) * S;
    for (let y = 0; y < S; y++) {
      const src = ((oy + y) * info.width + ox) * channels;
      out.set(data.subarray(src, src + row), (k * S + y) * row);
    }
  });
  return out;
}

/** The pairs of `a` followed by those of `b` (same tile size): one set to draw batches from. */
export function concatDoodleSets(a: DoodleSet, b: DoodleSet): DoodleSet {
  if (a.size !== b.size) throw new Error(`cannot join ${a.size}px and ${b.size}px doodle sets`);
  const line = new Uint8Array(a.line.length + b.line.length);
  line.set(a.line);
  line.set(b.line, a.line.length);
  const color = new Uint8Array(a.color.length + b.color.length);
  color.set(a.color);
  color.set(b.color, a.color.length);
  return { line, color, count: a.count + b.count, size: a.size, ids: [...a.ids, ...b.ids] };
}

/** Box-filter downsampling of both images of every pair (e.g. 64 -> 32 for a smoke run). */
export function downsampleDoodles(set: DoodleSet, size: number): DoodleSet {
  const f = set.size / size;
  if (!Number.isInteger(f) || f < 1) throw new Error(`cannot downsample ${set.size} to ${size}`);
  if (f === 1) return set;
  const shrink = (src: Uint8Array, C: number): Uint8Array => {
    const out = new Uint8Array(set.count * size * size * C);
    for (let n = 0; n < set.count; n++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          for (let c = 0; c < C; c++) {
            let s = 0;
            for (let dy = 0; dy < f; dy++) {
              for (let dx = 0; dx < f; dx++) s += src[((n * set.size + y * f + dy) * set.size + x * f + dx) * C + c] ?? 0;
            }
            out[((n * size + y) * size + x) * C + c] = Math.round(s / (f * f));
          }
        }
      }
    }
    return out;
  };
  return { line: shrink(set.line, 1), color: shrink(set.color, 3), count: set.count, size, ids: set.ids };
}

/** Copies one image (C channels) into `out` as [-1, 1], mirrored horizontally when `flip`. */
function put(src: Uint8Array, srcIndex: number, out: Float32Array, dstIndex: number, S: number, C: number, flip: boolean): void {
  const img = S * S * C;
  const s0 = srcIndex * img;
  const d0 = dstIndex * img;
  if (!flip) {
    for (let k = 0; k < img; k++) out[d0 + k] = (src[s0 + k] ?? 0) / 127.5 - 1;
    return;
  }
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const si = s0 + (y * S + (S - 1 - x)) * C;
      const di = d0 + (y * S + x) * C;
      for (let c = 0; c < C; c++) out[di + c] = (src[si + c] ?? 0) / 127.5 - 1;
    }
  }
}

/**
 * A batch of the given pairs (e.g. a fixed held-out sample grid), flipped where `flips[k]` is
 * truthy (default: none).
 */
export function doodleBatch(set: DoodleSet, indices: ArrayLike<number>, flips?: ArrayLike<boolean | number>): DoodleBatch {
  const S = set.size;
  const n = indices.length;
  const out: DoodleBatch = {
    line: new Float32Array(n * S * S),
    color: new Float32Array(n * S * S * 3),
    batch: n,
    size: S,
    indices: new Uint32Array(n),
    flipped: new Uint8Array(n),
  };
  for (let b = 0; b < n; b++) {
    const i = indices[b] ?? 0;
    if (i < 0 || i >= set.count) throw new Error(`pair ${i} out of range (set has ${set.count})`);
    const flip = Boolean(flips?.[b]);
    out.indices[b] = i;
    out.flipped[b] = flip ? 1 : 0;
    put(set.line, i, out.line, b, S, 1, flip);
    put(set.color, i, out.color, b, S, 3, flip);
  }
  return out;
}

/** murmur3's 32-bit finaliser: a well-mixed hash of one integer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Shuffled, flipped batches of aligned pairs; resumable from `state()`. */
export class DoodleBatchLoader {
  private order: Uint32Array;
  private readonly flip: boolean;
  private readonly jitter: DoodleJitter;

  constructor(
    readonly set: DoodleSet,
    private readonly seed: number,
    private st: LoaderState = { epoch: 0, position: 0 },
    options: DoodleLoaderOptions = {},
  ) {
    if (set.count === 0) throw new Error('empty doodle set');
    this.flip = options.flip ?? true;
    this.jitter = options.jitter ?? NO_JITTER;
    this.st = { ...st };
    this.order = this.epochOrder(this.st.epoch);
  }

  private epochOrder(epoch: number): Uint32Array {
    return new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).permutation(this.set.count);
  }

  /** A hash of (seed, epoch, position, salt): what is served where is a function of them (resumable). */
  private hashAt(epoch: number, position: number, salt = 0): number {
    return fmix32((fmix32((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0) + Math.imul(position + 1, 0x85ebca77) + salt) >>> 0);
  }

  /** Whether the pair served at (epoch, position) is flipped. */
  private flipAt(epoch: number, position: number): boolean {
    if (!this.flip) return false;
    return (this.hashAt(epoch, position) & 0x80000000) !== 0;
  }

  /** The scale and shift of the pair served at (epoch, position). */
  private jitterAt(epoch: number, position: number): { scale: number; dx: number; dy: number } {
    const { shift, minScale } = this.jitter;
    const u = (salt: number) => this.hashAt(epoch, position, salt) / 2 ** 32;
    return { scale: minScale + (1 - minScale) * u(0x2545f491), dx: (2 * u(0x6c8e9cf5) - 1) * shift, dy: (2 * u(0x1b873593) - 1) * shift };
  }

  state(): LoaderState {
    return { ...this.st };
  }

  /** The next `batch` pairs (wrapping into the next epoch, reshuffled, when one ends). */
  next(batch: number): DoodleBatch {
    const indices = new Uint32Array(batch);
    const flips = new Uint8Array(batch);
    const jittering = this.jitter.shift > 0 || this.jitter.minScale < 1;
    const moves: Array<{ scale: number; dx: number; dy: number }> = [];
    for (let b = 0; b < batch; b++) {
      if (this.st.position >= this.order.length) {
        this.st = { epoch: this.st.epoch + 1, position: 0 };
        this.order = this.epochOrder(this.st.epoch);
      }
      flips[b] = this.flipAt(this.st.epoch, this.st.position) ? 1 : 0;
      if (jittering) moves.push(this.jitterAt(this.st.epoch, this.st.position));
      indices[b] = this.order[this.st.position++] ?? 0;
    }
    const out = doodleBatch(this.set, indices, flips);
    moves.forEach(({ scale, dx, dy }, b) => {
      jitterImage(out.line, b, out.size, 1, scale, dx, dy);
      jitterImage(out.color, b, out.size, 3, scale, dx, dy);
    });
    return out;
  }
}
