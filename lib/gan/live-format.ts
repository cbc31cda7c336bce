/**
 * The files of live training (written by training/export-live.ts into public/models/<id>/live/)
 * and their loading:
 *  - live.json: what follows, validated by liveInfoSchema;
 *  - weights.bin: the EMA generator in its *train* form, then the discriminator, all weights
 *    (BatchNorm statistics included) in the order of the models' `weights`; kernels float16
 *    (tfjs weightsManifest quantization), the rest float32;
 *  - subset.png: an atlas of real training images, up to 64 per emoji set, with its index.
 * No Node imports: file access is the caller's (FetchBytes; httpBytes in the browser).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ganConfigSchema } from './architecture';
import { datasetSourceSchema, modelBaseUrl, modelIdSchema } from './manifest';
import { trainHyperSchema } from './trainer';

const fileName = z.string().regex(/^[A-Za-z0-9_.-]+$/);

export const liveWeightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.literal('float32'),
  quantization: z.object({ dtype: z.literal('float16') }).optional(),
});

/** One image set of the subset: its data-set source (package, licence, credit) and its tiles. */
export const liveSubsetSourceSchema = datasetSourceSchema.extend({
  /** the image set inside the data set (google, twitter, openmoji, fluent-flat, fluent-modern) */
  id: z.string(),
  label: z.string(),
  /** tile numbers in subset.png (row-major) */
  tiles: z.array(z.number().int().min(0)),
  /** data-set ids of those tiles (training/data/faces64.json), same order */
  ids: z.array(z.string()),
});

export const liveInfoSchema = z.object({
  version: z.literal(1),
  modelId: modelIdSchema,
  runId: z.string(),
  /** training step of the checkpoint the weights come from */
  step: z.number().int().min(0),
  savedAt: z.string(),
  exportedAt: z.string(),
  config: ganConfigSchema,
  hyper: trainHyperSchema,
  precision: z.enum(['float16', 'float32']),
  weights: z.object({
    path: fileName,
    bytes: z.number().int().positive(),
    /** the EMA generator, train form */
    g: z.array(liveWeightSpecSchema).min(1),
    d: z.array(liveWeightSpecSchema).min(1),
  }),
  subset: z.object({
    path: fileName,
    bytes: z.number().int().positive(),
    tile: z.number().int().positive(),
    columns: z.number().int().positive(),
    rows: z.number().int().positive(),
    count: z.number().int().positive(),
    sources: z.array(liveSubsetSourceSchema).min(1),
  }),
});

export type LiveInfo = z.infer<typeof liveInfoSchema>;
export type LiveWeightSpec = z.infer<typeof liveWeightSpecSchema>;
export type LiveSubsetSource = z.infer<typeof liveSubsetSourceSchema>;

export const LIVE_DIR = 'live';
export const LIVE_INFO_FILE = 'live.json';
export const liveBaseUrl = (modelId: string): string => `${modelBaseUrl(modelId)}/${LIVE_DIR}`;

/** Bytes a spec takes in weights.bin. */
export const specBytes = (s: LiveWeightSpec): number => s.shape.reduce((p, q) => p * q, 1) * (s.quantization ? 2 : 4);

/** Reads one file of the live folder; reports progress in [0, 1] when it can. */
export type FetchBytes = (file: string, onProgress?: (fraction: number) => void) => Promise<ArrayBuffer>;

/** fetch()-based FetchBytes for a folder URL, streaming so that progress is real. */
export function httpBytes(baseUrl: string, fetchFn: typeof fetch = fetch): FetchBytes {
  return async (file, onProgress) => {
    const res = await fetchFn(`${baseUrl}/${file}`);
    if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
    const total = Number(res.headers.get('content-length') ?? 0);
    if (!res.body || !total || !onProgress) {
      const b = await res.arrayBuffer();
      onProgress?.(1);
      return b;
    }
    const reader = res.body.getReader();
    const out = new Uint8Array(total);
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > total) throw new Error(`${file}: longer than its content-length`);
      out.set(value, got);
      got += value.length;
      onProgress(got / total);
    }
    if (got !== total) throw new Error(`${file}: got ${got} of ${total} bytes`);
    return out.buffer;
  };
}

export async function fetchLiveInfo(fetchBytes: FetchBytes): Promise<LiveInfo> {
  const bytes = await fetchBytes(LIVE_INFO_FILE);
  return liveInfoSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/** The live weights as tensors (the caller owns them: disposeLiveWeights). */
export interface LiveWeights {
  /** EMA generator, train form */
  g: tf.Tensor[];
  d: tf.Tensor[];
}

export function decodeLiveWeights(info: LiveInfo, data: ArrayBuffer): LiveWeights {
  const specs = [...info.weights.g, ...info.weights.d];
  const want = specs.reduce((s, p) => s + specBytes(p), 0);
  if (data.byteLength !== want) throw new Error(`live weights: ${data.byteLength} bytes, expected ${want}`);
  const named = tf.io.decodeWeights(data, specs);
  const missing = specs.find((s) => !named[s.name]);
  if (missing) {
    tf.dispose(Object.values(named));
    throw new Error(`live weights: ${missing.name} missing`);
  }
  const pick = (list: LiveWeightSpec[]): tf.Tensor[] => list.map((s) => named[s.name] as tf.Tensor);
  return { g: pick(info.weights.g), d: pick(info.weights.d) };
}

export async function loadLiveWeights(info: LiveInfo, fetchBytes: FetchBytes, onProgress?: (fraction: number) => void): Promise<LiveWeights> {
  const data = await fetchBytes(info.weights.path, onProgress);
  return decodeLiveWeights(info, data);
}

export function disposeLiveWeights(w: LiveWeights): void {
  tf.dispose([...w.g, ...w.d]);
}
