/**
 * The shipped model's manifest (public/models/<id>/manifest.json, written by training/), as the
 * browser reads it: validated, since a stale or hand-edited file must not break the studio.
 */
import { z } from 'zod';
import { pix2pixConfigSchema } from './pix2pix-config';

/** A model's id: also a folder name under public/models and part of URLs. */
export const modelIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a model id is 1-64 lowercase letters, digits or -');

export const checkpointSchema = z.object({
  step: z.number().int().min(0),
  /** folder relative to the manifest */
  path: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  bytes: z.number().int().min(0),
  metrics: z.record(z.string(), z.number()).nullable().optional(),
});

export const datasetSourceSchema = z.object({
  package: z.string(),
  version: z.string(),
  licence: z.string(),
  credit: z.string(),
  url: z.string(),
});

export const modelManifestSchema = z.object({
  id: modelIdSchema,
  /** the training run that produced the checkpoints (its log is training/logs/<runId>.jsonl) */
  runId: z.string().max(128).optional(),
  description: z.string(),
  resolution: z.number().int().positive(),
  zDim: z.number().int().positive(),
  dataset: z.object({ name: z.string(), images: z.number(), heldOut: z.number(), sources: z.array(datasetSourceSchema) }),
  checkpoints: z.array(checkpointSchema).min(1),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** One baseline of an evaluation: what it is and its figures (same keys as a checkpoint's metrics). */
export const baselineSchema = z.object({
  description: z.string(),
  metrics: z.record(z.string(), z.number()),
});

/**
 * The manifest of a conditional (pix2pix) model, public/models/<id>/manifest.json (written by
 * training/train-doodles.ts): a line image [R, R, inChannels] in [-1, 1] in, colour [R, R, 3] out;
 * no latent. Each checkpoint folder holds a LayersModel of built-in layers only.
 */
export const pix2pixManifestSchema = z.object({
  kind: z.literal('pix2pix'),
  id: modelIdSchema,
  runId: z.string().max(128).optional(),
  description: z.string(),
  resolution: z.number().int().positive(),
  inChannels: z.union([z.literal(1), z.literal(3)]),
  outChannels: z.literal(3),
  architecture: pix2pixConfigSchema,
  dataset: z.object({ name: z.string(), pairs: z.number(), heldOut: z.number(), sources: z.array(datasetSourceSchema).min(1) }),
  checkpoints: z.array(checkpointSchema).min(1),
  /**
   * Reference figures the checkpoints' metrics are compared with (training/eval-doodles.ts):
   * plainFill (outline filled with the mean colour), untrained (step 0), realTrain (real vs real).
   */
  baselines: z.record(z.string(), baselineSchema).optional(),
});

export type Pix2PixManifest = z.infer<typeof pix2pixManifestSchema>;

/** The doodle -> colour model's id (public/models/doodles-64): what paints a doodle without hints. */
export const DOODLE_MODEL_ID = 'doodles-64';
/**
 * The painter that reads colour hints (issue 18; public/models/doodles-64-hints): what paints a
 * doodle with hints. Without hints it paints slightly worse than DOODLE_MODEL_ID (held-out L1
 * 0.0745 against 0.0727), so the studio keeps that one for hint-less paintings.
 */
export const DOODLE_HINT_MODEL_ID = 'doodles-64-hints';
export type ManifestCheckpoint = z.infer<typeof checkpointSchema>;

/**
 * The generator the app ships (run r2, issue 17: 4x the finest-scale capacity of r1). Pieces made
 * with an earlier one keep naming it in their provenance, and its exports stay in public/models
 * so the regenerate check can recompute them.
 */
export const DEFAULT_MODEL_ID = 'emoji-faces-64-r2';
export const modelBaseUrl = (id: string) => `/models/${id}`;
export const checkpointUrl = (id: string, ckpt: ManifestCheckpoint) => `${modelBaseUrl(id)}/${ckpt.path}/model.json`;

export async function fetchManifest(id = DEFAULT_MODEL_ID): Promise<ModelManifest> {
  const res = await fetch(`${modelBaseUrl(id)}/manifest.json`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`model ${id} is not available (${res.status})`);
  return modelManifestSchema.parse(await res.json());
}
