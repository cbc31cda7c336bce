/**
 * How a base image was made, stored with the artwork's first version and shown wherever the
 * image goes: enough to regenerate it exactly (model, checkpoint, latent, truncation).
 */
import { z } from 'zod';
import { modelIdSchema } from './manifest';

/** The most colour hints one painting takes (more is noise, and keeps the provenance small). */
export const MAX_PAINT_HINTS = 256;

/** Which upscaler enlarged a picture: model id and its training step. */
export const upscalerRefSchema = z.object({ modelId: modelIdSchema, step: z.number().int().min(0).max(10_000_000) }).strict();
export type UpscalerRef = z.infer<typeof upscalerRefSchema>;

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
    /** the picture was enlarged 4x by this upscaler (its 64-px original is the image's `pixels`) */
    upscaler: upscalerRefSchema.optional(),
  })
  .strict();

/** A base image painted from a doodle by the pix2pix doodle model (the studio's "Paint it"). */
export const doodleProvenanceSchema = z
  .object({
    kind: z.literal('doodle'),
    modelId: modelIdSchema,
    /** the training step of the checkpoint */
    checkpoint: z.number().int().min(0).max(10_000_000),
    /** the prepared 64x64 line image the model was given, in the blob store */
    doodle: z.string().max(200).regex(/^\/api\/blobs\/[0-9a-f]{64}$/, 'the doodle comes from the blob store'),
    /** how many canvas objects the doodle was drawn from */
    strokes: z.number().int().min(0).max(5_000),
    /**
     * the colour hints the model was given (issue 18), on the doodle's 64-px grid (x, y in pixels)
     * with their colour; absent when there were none
     */
    hints: z
      .array(
        z
          .object({
            x: z.number().finite().min(0).max(1024),
            y: z.number().finite().min(0).max(1024),
            color: z.string().regex(/^#[0-9a-f]{6}$/, 'a hint colour is #rrggbb'),
          })
          .strict(),
      )
      .max(MAX_PAINT_HINTS)
      .optional(),
    /** the painting was enlarged 4x by this upscaler (its 64-px original is the image's `pixels`) */
    upscaler: upscalerRefSchema.optional(),
  })
  .strict();

export const provenanceSchema = z.discriminatedUnion('kind', [ganProvenanceSchema, doodleProvenanceSchema]);

export type GanProvenance = z.infer<typeof ganProvenanceSchema>;
export type DoodleProvenance = z.infer<typeof doodleProvenanceSchema>;
export type Provenance = z.infer<typeof provenanceSchema>;
