// A stored rating as it travels between the browser and /api/ratings: one schema for the server's
// validation and the client's reading of the answers.
import { z } from 'zod'
import { modelIdSchema } from '../gan/manifest'

/** the longest latent accepted (the shipped generator's is 100) */
export const LATENT_MAX_LENGTH = 512
/** ratings a listing returns at most: the newest ones */
export const RATING_LIST_LIMIT = 2000
/** ratings one user may keep of one model; past it only existing ratings can change */
export const RATING_CAP = 5000

export { modelIdSchema }

export const ratingInputSchema = z
  .object({
    modelId: modelIdSchema,
    checkpoint: z.number().int('checkpoint is a whole training step').min(0).max(1e9),
    latent: z
      .array(z.number().min(-100, 'latent values are within ±100').max(100, 'latent values are within ±100'))
      .min(1, 'latent is empty')
      .max(LATENT_MAX_LENGTH, `latent has more than ${LATENT_MAX_LENGTH} values`),
    liked: z.boolean(),
    steered: z.boolean().default(false),
  })
  .strict()
export type RatingInput = z.infer<typeof ratingInputSchema>

export const storedRatingSchema = z.object({
  modelId: z.string(),
  checkpoint: z.number(),
  latent: z.array(z.number()),
  liked: z.boolean(),
  steered: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type StoredRating = z.infer<typeof storedRatingSchema>

export const ratingListSchema = z.object({ ratings: z.array(storedRatingSchema), limit: z.number() })

/** Latents are stored and compared rounded to 1e-6 (as in provenance), so a re-rating matches. */
export function roundLatent(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 1e6) / 1e6)
}

/** The identity of a sample for matching ratings in the browser: its rounded latent. */
export function latentKey(values: ArrayLike<number>): string {
  return roundLatent(values).join(',')
}

/** A short FNV-1a fingerprint of latentKey, for display and test hooks (not for identity). */
export function latentFingerprint(values: ArrayLike<number>): string {
  let h = 0x811c9dc5
  for (const ch of latentKey(values)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}
