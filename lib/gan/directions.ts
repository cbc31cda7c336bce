/**
 * Latent directions of a shipped checkpoint (public/models/<id>/directions.json, written by
 * training/directions.ts, read by the generate panel): validated on both sides, with size
 * limits, since a stale or hand-edited file must not break the studio.
 */
import { z } from 'zod';
import { modelIdSchema } from './manifest';
import type { Latent } from './latent';

export const MAX_DIRECTIONS = 32;
export const MAX_LATENT = 1024;

export const directionSchema = z
  .object({
    /** rank of the principal component (0 = largest variance) */
    index: z.number().int().min(0).max(MAX_LATENT),
    /** what it visibly changes, or "Component k" */
    name: z.string().min(1).max(64),
    /** standard deviation of the sampled latents along `latent`: one slider unit */
    sigma: z.number().finite().positive().max(100),
    /** share of the features' total variance along this component */
    explainedVariance: z.number().min(0).max(1),
    /** unit-length direction in latent space */
    latent: z.array(z.number().finite().min(-1.0001).max(1.0001)).min(1).max(MAX_LATENT),
  })
  .strict();

export const directionsFileSchema = z
  .object({
    modelId: modelIdSchema,
    /** training step of the checkpoint the directions were computed on */
    checkpoint: z.number().int().min(0).max(10_000_000),
    /** the generator layer whose output was decomposed */
    layer: z.string().min(1).max(64),
    /** number of features of that layer (D) */
    features: z.number().int().positive().max(1_000_000),
    /** latents decomposed (N) */
    samples: z.number().int().min(2).max(10_000_000),
    /** seed of those latents */
    seed: z.number().int().min(0).max(0xffffffff),
    method: z.string().max(200),
    components: z.array(directionSchema).min(1).max(MAX_DIRECTIONS),
  })
  .strict()
  .refine((f) => f.components.every((c) => c.latent.length === f.components[0]!.latent.length), { message: 'directions differ in latent size' });

export type Direction = z.infer<typeof directionSchema>;
export type DirectionsFile = z.infer<typeof directionsFileSchema>;

export const directionsUrl = (modelId: string) => `/models/${modelId}/directions.json`;

/** The model's directions, or null when it has none (404); throws on a malformed file. */
export async function fetchDirections(modelId: string): Promise<DirectionsFile | null> {
  const res = await fetch(directionsUrl(modelId), { cache: 'no-cache' });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`directions for ${modelId} are not available (${res.status})`);
  return directionsFileSchema.parse(await res.json());
}

/** The part of a direction that applyDirections needs (a parsed directions.json entry fits). */
export interface DirectionVector {
  latent: ArrayLike<number>;
  sigma: number;
}

/**
 * Moves a latent along directions: z + Σ offsets[k] · sigma_k · u_k (offsets in sigmas). The
 * result is what is rendered and stored as provenance, so it reproduces the image on its own.
 * Returns `z` itself when every offset is 0, so unchanged samples keep their identity.
 */
export function applyDirections(z: Latent, directions: readonly DirectionVector[], offsets: readonly number[]): Latent {
  if (offsets.length > directions.length) throw new Error(`applyDirections: ${offsets.length} offsets for ${directions.length} directions`);
  if (offsets.every((o) => o === 0)) return z;
  const out = Float32Array.from(z);
  offsets.forEach((o, k) => {
    if (o === 0) return;
    if (!Number.isFinite(o)) throw new Error(`applyDirections: offset ${k} is not finite`);
    const d = directions[k]!;
    if (d.latent.length !== z.length) throw new Error(`applyDirections: direction ${k} has ${d.latent.length} values for a latent of ${z.length}`);
    const step = o * d.sigma;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + step * d.latent[i]!;
  });
  return out;
}
