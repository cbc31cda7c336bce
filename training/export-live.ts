/**
 * `npm run export:live`: writes public/models/<model-id>/live/ (live.json, weights.bin,
 * subset.png) from a training checkpoint, for live training in the browser (lib/gan/live-*.ts).
 * Reads the checkpoint only: safe while training runs.
 *
 * The live weights must be the shipped model: the checkpoint's step has to be one of the steps
 * exported to public/models/<model-id>/manifest.json (the run's end is one). Otherwise it refuses
 * (exit 1); --force exports anyway, with a warning, and the panel says which step it trains from.
 *
 *   npx tsx training/export-live.ts [--run-id ID] [--model-id ID] [--precision float16|float32] [--per-source N] [--force]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { LIVE_DIR, LIVE_INFO_FILE, liveInfoSchema, type LiveInfo, type LiveWeightSpec } from '../lib/gan/live-format';
import { DEFAULT_MODEL_ID, modelManifestSchema } from '../lib/gan/manifest';
import { SHIPPED_RUN_ID } from './run-options';
import { Rng } from '../lib/gan/rng';
import { readCheckpointState, type CheckpointState, type TensorEntry } from './checkpoint';
import { ATLAS_FILE, INDEX_FILE, type DatasetImage, type DatasetIndex } from './data-format';
import { SOURCE_PACKAGES } from './dataset-select';
import { shouldQuantize } from './export';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** float32 -> IEEE half (round to nearest even; overflow to inf), as tfjs' float16 decoder reads it. */
export function toFloat16(v: Float32Array): Uint16Array<ArrayBuffer> {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    f[0] = v[i] as number;
    const x = u[0] as number;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      // subnormal half (or zero): shift the implicit-1 mantissa into place, round to nearest even
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rem > half || (rem === half && h & 1)) h++;
      out[i] = sign | h;
      continue;
    }
    let h = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // may carry into the exponent: still right
    out[i] = sign | h;
  }
  return out;
}

export interface LiveExportOptions {
  /** training checkpoint folder (training/checkpoints/<run>/latest) */
  ckptDir: string;
  /** training/data (atlas + index) */
  dataDir: string;
  /** public/models/<id>/live */
  outDir: string;
  modelId: string;
  /** kernels float16 (default) or everything float32 */
  precision?: 'float16' | 'float32';
  /** real images per image set in the subset atlas */
  perSource?: number;
  /** subset choice */
  seed?: number;
  /**
   * The model's exported checkpoint steps (manifestSteps): refuse, before writing anything, a
   * checkpoint at any other step. Absent: no check (tests, --force).
   */
  steps?: readonly number[];
}

/** The checkpoint steps exported to a model folder's manifest.json. */
export function manifestSteps(modelDir: string): number[] {
  const file = path.join(modelDir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file} (${e instanceof Error ? e.message : String(e)})`);
  }
  return modelManifestSchema.parse(json).checkpoints.map((c) => c.step);
}

/** exportLive's refusal of a checkpoint that is not at an exported step. */
export class NotShippedError extends Error {
  override name = 'NotShippedError';
}

/** Why a checkpoint at `step` is not one the manifest ships, or null when it is. */
export function stepProblem(step: number, steps: readonly number[]): string | null {
  if (steps.includes(step)) return null;
  return `the checkpoint is at step ${step}, not an exported checkpoint of the model (manifest steps ${steps.join(', ')}; the newest is ${steps.at(-1) ?? 'none'})`;
}

/** Reads a checkpoint's EMA generator and discriminator, retrying if a save replaces it meanwhile. */
function readLiveCheckpoint(dir: string): { st: CheckpointState; ema: Float32Array; d: Float32Array } {
  for (let attempt = 0; ; attempt++) {
    try {
      const st = readCheckpointState(dir);
      if (!st) throw new Error(`no checkpoint in ${dir}`);
      const f32 = (g: string): Float32Array => {
        const b = readFileSync(path.join(dir, `${g}.bin`));
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      };
      const ema = f32('ema');
      const d = f32('d');
      // a concurrent save renames a new folder over this one: the state must not have changed
      if (readCheckpointState(dir)?.savedAt !== st.savedAt) throw new Error('checkpoint changed while reading');
      return { st, ema, d };
    } catch (e) {
      if (attempt >= 4) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}

function liveWeightGroup(entries: TensorEntry[], all: Float32Array, precision: 'float16' | 'float32'): { specs: LiveWeightSpec[]; parts: Uint8Array[] } {
  const specs: LiveWeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const size = e.shape.reduce((p, q) => p * q, 1);
    if (e.offset + size > all.length) throw new Error(`live export: ${e.name} outside its file`);
    const v = all.slice(e.offset, e.offset + size);
    if (precision === 'float16' && shouldQuantize(e.name, size)) {
      specs.push({ name: e.name, shape: e.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(toFloat16(v).buffer));
    } else {
      specs.push({ name: e.name, shape: e.shape, dtype: 'float32' });
      parts.push(new Uint8Array(v.buffer));
    }
  }
  return { specs, parts };
}

const SUBSET_LABELS: Record<string, string> = {
  google: 'Noto Emoji (Google)',
  twitter: 'Twemoji',
  openmoji: 'OpenMoji',
  'fluent-flat': 'Fluent Emoji, flat',
  'fluent-modern': 'Fluent Emoji, modern',
};

/**
 * Writes what the browser needs to continue training (see lib/gan/live-format.ts): weights.bin
 * (EMA generator in train form + discriminator), subset.png (up to perSource training images of
 * each image set, 16 per row) and live.json. Returns the files' sizes.
 */
export async function exportLive(opt: LiveExportOptions): Promise<{ info: LiveInfo; files: Record<string, number> }> {
  const precision = opt.precision ?? 'float16';
  const perSource = opt.perSource ?? 64;
  const { st, ema, d } = readLiveCheckpoint(opt.ckptDir);
  const problem = opt.steps ? stepProblem(st.step, opt.steps) : null;
  if (problem) throw new NotShippedError(`${problem}: the live weights must be the shipped model's`);
  const g = liveWeightGroup(st.groups.ema, ema, precision);
  const dd = liveWeightGroup(st.groups.d, d, precision);
  const weights = Buffer.concat([...g.parts, ...dd.parts]);

  // subset: per image set, a seeded choice among its training images
  const index = JSON.parse(readFileSync(path.join(opt.dataDir, INDEX_FILE), 'utf8')) as DatasetIndex;
  const rng = new Rng(opt.seed ?? 7);
  const vendors = [...new Set(index.images.map((im) => im.vendor))];
  const chosen = vendors.map((vendor) => {
    const pool = index.images.filter((im) => im.vendor === vendor && im.split === 'train');
    const perm = rng.permutation(pool.length);
    return { vendor, images: Array.from(perm.slice(0, Math.min(perSource, pool.length)), (k) => pool[k] as DatasetImage).sort((a, b) => a.i - b.i) };
  });
  const S = index.tile;
  const columns = 16;
  const count = chosen.reduce((s, c) => s + c.images.length, 0);
  const rows = Math.ceil(count / columns);
  const atlas = sharp(path.join(opt.dataDir, index.atlas || ATLAS_FILE));
  const { data: src, info: srcInfo } = await atlas.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(columns * S * rows * S * 3, 255);
  let t = 0;
  const sources = chosen.map(({ vendor, images }) => {
    const pkg = SOURCE_PACKAGES.find((p) => vendor === p.vendor || vendor.startsWith(`${p.vendor}-`));
    const source = index.sources.find((s) => s.package === pkg?.name);
    if (!source) throw new Error(`live export: no source for image set ${vendor}`);
    const tiles: number[] = [];
    for (const im of images) {
      const sx = (im.i % index.columns) * S;
      const sy = Math.floor(im.i / index.columns) * S;
      const dx = (t % columns) * S;
      const dy = Math.floor(t / columns) * S;
      for (let y = 0; y < S; y++) src.copy(out, ((dy + y) * columns * S + dx) * 3, ((sy + y) * srcInfo.width + sx) * 3, ((sy + y) * srcInfo.width + sx + S) * 3);
      tiles.push(t++);
    }
    return { id: vendor, label: SUBSET_LABELS[vendor] ?? vendor, ...source, tiles, ids: images.map((im) => im.id) };
  });
  const png = await sharp(out, { raw: { width: columns * S, height: rows * S, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer();

  const info: LiveInfo = liveInfoSchema.parse({
    version: 1,
    modelId: opt.modelId,
    runId: st.runId,
    step: st.step,
    savedAt: st.savedAt,
    exportedAt: new Date().toISOString(),
    config: st.config,
    hyper: st.hyper,
    precision,
    weights: { path: 'weights.bin', bytes: weights.byteLength, g: g.specs, d: dd.specs },
    subset: { path: 'subset.png', bytes: png.byteLength, tile: S, columns, rows, count, sources },
  });
  mkdirSync(opt.outDir, { recursive: true });
  const json = `${JSON.stringify(info)}\n`;
  writeFileSync(path.join(opt.outDir, 'weights.bin'), weights);
  writeFileSync(path.join(opt.outDir, 'subset.png'), png);
  writeFileSync(path.join(opt.outDir, LIVE_INFO_FILE), json);
  return { info, files: { 'weights.bin': weights.byteLength, 'subset.png': png.byteLength, [LIVE_INFO_FILE]: Buffer.byteLength(json) } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'run-id': { type: 'string', default: SHIPPED_RUN_ID },
      'model-id': { type: 'string', default: DEFAULT_MODEL_ID },
      precision: { type: 'string', default: 'float16' },
      'per-source': { type: 'string', default: '64' },
      force: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const precision = values.precision;
  if (precision !== 'float16' && precision !== 'float32') throw new Error('--precision must be float16|float32');
  const modelId = values['model-id'];
  const force = values.force;
  const modelDir = path.join(REPO, 'public', 'models', modelId);
  const outDir = path.join(modelDir, LIVE_DIR);
  let steps: number[] | null = null;
  try {
    steps = manifestSteps(modelDir);
  } catch (e) {
    if (!force) throw new Error(`${e instanceof Error ? e.message : String(e)}: the live weights must be an exported checkpoint (or pass --force)`);
    console.warn(`warning: --force: ${e instanceof Error ? e.message : String(e)}; exporting without the checkpoint check`);
  }
  const ckptDir = path.join(REPO, 'training', 'checkpoints', values['run-id'], 'latest');
  const { info, files } = await exportLive({ ckptDir, dataDir: path.join(REPO, 'training', 'data'), outDir, modelId, precision, perSource: Number(values['per-source']), steps: force ? undefined : (steps ?? undefined) }).catch((e: unknown) => {
    if (e instanceof NotShippedError) throw new Error(`${e.message}. Export when ${path.relative(REPO, ckptDir)} is at an exported step (the end of the run is one), or pass --force.`);
    throw e;
  });
  const problem = steps && stepProblem(info.step, steps);
  if (problem) console.warn(`warning: --force: ${problem}; the panel will say which step its live weights are from`);
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ outDir: path.relative(REPO, outDir), step: info.step, precision, images: info.subset.count, files, totalBytes: total }));
}

// runs only as a script: tests import exportLive
const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().catch((e: unknown) => {
    console.error(`export-live: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
