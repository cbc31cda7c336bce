/**
 * Exports generators for the browser: model.json + weights.bin in the standard tfjs layers
 * format (tf.loadLayersModel reads it), with convolution/dense kernels affinely quantized to
 * uint8 (tfjs's `quantization: {dtype: 'uint8', min, scale}`; BatchNorm vectors and biases stay
 * float32: tiny, and sensitive). Also maintains public/models/<id>/manifest.json. What the
 * browser needs to continue training is written by export-live.ts.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GanConfig } from '../lib/gan/architecture';
import type { DatasetSource } from './data-format';

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

/** A manifest of any shape (e.g. the pix2pix one) with the checkpoint list updateManifest keeps. */
export type ManifestWith<B extends object> = B & { checkpoints: ManifestCheckpoint[]; totalBytes: number; updatedAt: string };

/**
 * updateManifest for manifests other than the GAN's (`kind: 'pix2pix'`, lib/gan/manifest.ts
 * pix2pixManifestSchema): adds (or replaces) a checkpoint entry, keeping metrics already filled in.
 */
export function updateManifestOf<B extends object>(
  modelDir: string,
  base: B,
  entry: Omit<ManifestCheckpoint, 'metrics'> & { metrics?: Record<string, number> | null },
): ManifestWith<B> {
  const file = path.join(modelDir, 'manifest.json');
  const prev = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { checkpoints?: ManifestCheckpoint[] } & Record<string, unknown>) : null;
  const old = prev?.checkpoints?.find((c) => c.step === entry.step);
  const checkpoints = (prev?.checkpoints ?? []).filter((c) => c.step !== entry.step);
  checkpoints.push({ ...entry, metrics: entry.metrics ?? old?.metrics ?? null });
  checkpoints.sort((a, b) => a.step - b.step);
  const m: ManifestWith<B> = {
    // fields other tools keep in the manifest (eval-doodles' baselines) survive an export
    ...prev,
    ...base,
    checkpoints,
    totalBytes: checkpoints.reduce((s, c) => s + c.bytes, 0),
    updatedAt: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify(m, null, 1)}\n`);
  return m;
}

/**
 * Where a model's exports are: public/models/<id> while pages load them, else
 * training/exports/<id>, where exports that only the evaluation reads are kept (issue 18: public/
 * holds what a page loads, nothing else).
 */
export function modelDirOf(root: string, id: string): string {
  const published = path.join(root, 'public', 'models', id);
  const kept = path.join(root, 'training', 'exports', id);
  return existsSync(path.join(published, 'manifest.json')) || !existsSync(path.join(kept, 'manifest.json')) ? published : kept;
}

/** A checkpoint's folder: under public/models/<id>, or, moved out of it, under training/exports/<id>. */
export function checkpointDirOf(root: string, id: string, rel: string): string {
  const published = path.join(root, 'public', 'models', id, rel);
  return existsSync(published) ? published : path.join(root, 'training', 'exports', id, rel);
}
