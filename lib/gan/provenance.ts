/**
 * How a base image was made, stored with the artwork's first version and shown wherever the
 * image goes: enough to regenerate it exactly (model, checkpoint, latent, truncation).
 */
import { z } from 'zod';
import { modelIdSchema } from './manifest';

export const ganProvenanceSchema = z
  .object({
    kind: z.literal('gan'),
    modelId: modelIdSchema,
    /** the training step of the checkpoint */
    checkpoint: z.number().int().min(0).max(10_000_000),
    latent: z.array(z.number().finite().min(-50).max(50)).min(1).max(1024),
    truncation: z.number().min(0).max(2),
    /** how the latent came about */
    origin: z.enum(['sample', 'blend', 'breed', 'lab', 'directions', 'steered']),
    /** the seed it was sampled from, when it was */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();

export const provenanceSchema = z.discriminatedUnion('kind', [ganProvenanceSchema]);

export type GanProvenance = z.infer<typeof ganProvenanceSchema>;
export type Provenance = z.infer<typeof provenanceSchema>;
