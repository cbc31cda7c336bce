/**
 * The upscaler's data set (built by `npm run dataset:upscale`): which faces it uses, its files and
 * index schema, and loading it as float tensors' worth of pixels. Pure apart from the loader's
 * file reads, so the pairing and the split are unit-tested without the packages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { DatasetSource } from './data-format';
import type { FaceFile, Vendor } from './dataset-select';

export const UPSCALE_FILES = { low: 'upscale64.png', high: 'upscale256.png', index: 'upscale.json' } as const;

/** The styles that ship as vectors, so they can be rendered sharp at 256 px. */
export const VECTOR_VENDORS: readonly Vendor[] = ['openmoji', 'fluent-flat', 'fluent-modern'];

export const vectorFaces = (faces: readonly FaceFile[]): FaceFile[] => faces.filter((f) => VECTOR_VENDORS.includes(f.vendor) && f.file.endsWith('.svg'));

export interface UpscalePair {
  /** tile number in both atlases */
  i: number;
  id: string;
  vendor: string;
  name: string;
  /** the emoji (all skin tones): the unit of the split, the same as the generator's data set */
  group: string;
  split: 'train' | 'heldout';
}

export interface UpscaleIndex {
  version: 1;
  count: number;
  low: { file: string; tile: 64; columns: number };
  high: { file: string; tile: 256; columns: number };
  sources: DatasetSource[];
  pairs: UpscalePair[];
}

/** Pairs of one split: RGB bytes of each 64-px input and its 256-px target. */
export interface UpscaleSet {
  pairs: UpscalePair[];
  low: Uint8Array[];
  high: Uint8Array[];
}

async function tiles(file: string, tile: number, columns: number, which: readonly number[]): Promise<Uint8Array[]> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rowBytes = info.width * 3;
  return which.map((i) => {
    const out = new Uint8Array(tile * tile * 3);
    const ox = (i % columns) * tile;
    const oy = Math.floor(i / columns) * tile;
    for (let y = 0; y < tile; y++) out.set(data.subarray((oy + y) * rowBytes + ox * 3, (oy + y) * rowBytes + (ox + tile) * 3), y * tile * 3);
    return out;
  });
}

export async function loadUpscaleSet(dir: string, split: 'train' | 'heldout'): Promise<UpscaleSet> {
  const index = JSON.parse(readFileSync(path.join(dir, UPSCALE_FILES.index), 'utf8')) as UpscaleIndex;
  const pairs = index.pairs.filter((p) => p.split === split);
  const which = pairs.map((p) => p.i);
  const [low, high] = await Promise.all([
    tiles(path.join(dir, index.low.file), 64, index.low.columns, which),
    tiles(path.join(dir, index.high.file), 256, index.high.columns, which),
  ]);
  return { pairs, low, high };
}
