/**
 * Exports generators for the browser: model.json + weights.bin in the standard tfjs layers
 * format (tf.loadLayersModel reads it), with convolution/dense kernels affinely quantized to
 * uint8 (tfjs's `quantization: {dtype: 'uint8', min, scale}`; BatchNorm vectors and biases stay
 * float32: tiny, and sensitive). Also maintains public/models/<id>/manifest.json, and writes
 * what the browser needs to continue training (exportLive: public/models/<id>/live/).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { GanConfig } from '../lib/gan/architecture';
import { LIVE_INFO_FILE, liveInfoSchema, type LiveInfo, type LiveWeightSpec } from '../lib/gan/live-train';
import { Rng } from '../lib/gan/rng';
import { readCheckpointState, type CheckpointState, type TensorEntry } from './checkpoint';
import { ATLAS_FILE, INDEX_FILE, type DatasetImage, type DatasetIndex, type DatasetSource } from './data-format';
import { SOURCE_PACKAGES } from './dataset-select';

export interface QuantizedWeights {
  specs: tf.io.WeightsManifestEntry[];
  data: Uint8Array;
}

/** Which weights get quantized: kernels (the bulk of the bytes). */
export const shouldQuantize = (name: string, size: number): boolean => /kernel$/.test(name) && size >= 64;

export function quantizeWeights(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): QuantizedWeights {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let off = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') throw new Error(`export: unexpected dtype ${s.dtype} for ${s.name}`);
    const size = s.shape.reduce((p, q) => p * q, 1);
    const v = new Float32Array(data, off, size);
    off += size * 4;
    if (!shouldQuantize(s.name, size)) {
      parts.push(new Uint8Array(v.slice().buffer));
      out.push({ name: s.name, shape: s.shape, dtype: 'float32' });
      continue;
    }
    let min = Infinity;
    let max = -Infinity;
    for (const x of v) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const scale = max > min ? (max - min) / 255 : 1;
    const q = new Uint8Array(size);
    for (let i = 0; i < size; i++) q[i] = Math.max(0, Math.min(255, Math.round(((v[i] as number) - min) / scale)));
    parts.push(q);
    out.push({ name: s.name, shape: s.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
  }
  const total = parts.reduce((p, q) => p + q.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return { specs: out, data: all };
}

/** Saves `model` to dir/model.json + dir/weights.bin; returns the total bytes written. */
export async function exportModel(model: tf.LayersModel, dir: string, quantize = true): Promise<number> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new Error('export: no weights');
  const raw = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const { specs, data } = quantize
    ? quantizeWeights(artifacts.weightSpecs, raw)
    : { specs: artifacts.weightSpecs, data: new Uint8Array(raw) };
  mkdirSync(dir, { recursive: true });
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'ganvas training/export.ts',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  const json = JSON.stringify(modelJson);
  writeFileSync(path.join(dir, 'model.json'), json);
  writeFileSync(path.join(dir, 'weights.bin'), data);
  return Buffer.byteLength(json) + data.byteLength;
}

/** A tf.io handler that loads model.json + weights.bin from disk (Node; browsers use the URL). */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const j = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
        modelTopology: object;
        format: string;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      };
      const b = readFileSync(path.join(dir, 'weights.bin'));
      return {
        modelTopology: j.modelTopology,
        format: j.format,
        weightSpecs: j.weightsManifest.flatMap((m) => m.weights),
        weightData: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
      };
    },
  };
}

/** Steps at which the EMA generator is exported: 0, 25, 50, 100, ... doubling, half-octaves from 1600, and the end. */
export function exportSteps(total: number): number[] {
  const s = new Set<number>([0]);
  for (let v = 25; v < total; v *= 2) {
    s.add(v);
    if (v >= 1600 && v * 1.5 < total) s.add(v * 1.5);
  }
  s.add(total);
  return [...s].sort((a, b) => a - b);
}

export interface ManifestCheckpoint {
  step: number;
  /** Relative to the manifest's folder. */
  path: string;
  bytes: number;
  createdAt: string;
  metrics: Record<string, number> | null;
}

export interface ModelManifest {
  id: string;
  runId: string;
  description: string;
  resolution: number;
  zDim: number;
  architecture: GanConfig;
  training: Record<string, unknown>;
  quantization: string;
  dataset: { name: string; images: number; heldOut: number; sources: DatasetSource[] };
  checkpoints: ManifestCheckpoint[];
  totalBytes: number;
  updatedAt: string;
}

export function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
}

/** Adds (or replaces) a checkpoint entry in the manifest, keeping metrics already filled in. */
export function updateManifest(
  modelDir: string,
  base: Omit<ModelManifest, 'checkpoints' | 'totalBytes' | 'updatedAt'>,
  entry: Omit<ManifestCheckpoint, 'metrics'>,
): ModelManifest {
  const file = path.join(modelDir, 'manifest.json');
  const prev = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ModelManifest) : null;
  const old = prev?.checkpoints.find((c) => c.step === entry.step);
  const checkpoints = (prev?.checkpoints ?? []).filter((c) => c.step !== entry.step);
  checkpoints.push({ ...entry, metrics: old?.metrics ?? null });
  checkpoints.sort((a, b) => a.step - b.step);
  const m: ModelManifest = {
    ...base,
    checkpoints,
    totalBytes: checkpoints.reduce((s, c) => s + c.bytes, 0),
    updatedAt: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify(m, null, 1)}\n`);
  return m;
}

// ---------------------------------------------------------------- live training (browser)

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
 * Writes what the browser needs to continue training (see lib/gan/live-train.ts): weights.bin
 * (EMA generator in train form + discriminator), subset.png (up to perSource training images of
 * each image set, 16 per row) and live.json. Returns the files' sizes.
 */
export async function exportLive(opt: LiveExportOptions): Promise<{ info: LiveInfo; files: Record<string, number> }> {
  const precision = opt.precision ?? 'float16';
  const perSource = opt.perSource ?? 64;
  const { st, ema, d } = readLiveCheckpoint(opt.ckptDir);
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
