// Teach mode's ratings: one like or dislike per user, model and latent (re-rating updates it),
// listed newest first up to a cap, and forgotten all at once per model.
import { createHash } from 'node:crypto'
import { RATING_CAP, RATING_LIST_LIMIT, roundLatent, type RatingInput, type StoredRating } from '../taste/wire'
import type { PrismaClient } from './client'

/** sha256 (hex) of the rounded latent: the sample's identity in the unique key. */
export function latentHash(latent: readonly number[]): string {
  return createHash('sha256').update(roundLatent(latent).join(',')).digest('hex')
}

const select = { modelId: true, checkpoint: true, latent: true, liked: true, steered: true, createdAt: true, updatedAt: true } as const

type Row = { modelId: string; checkpoint: number; latent: number[]; liked: boolean; steered: boolean; createdAt: Date; updatedAt: Date }
const toStored = (r: Row): StoredRating => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() })

/** A new rating refused because the user already keeps `cap` ratings of the model. */
export class RatingCapError extends Error {
  override name = 'RatingCapError'
  constructor(readonly cap: number) {
    super(`at most ${cap} ratings per model`)
  }
}

/**
 * Creates the rating, or updates the user's rating of the same latent. A new one is refused
 * (RatingCapError) once the user has `cap` ratings of the model; changing one never is. Two
 * concurrent first ratings at the cap can both pass the count: the cap bounds growth, it is not
 * an exact quota.
 */
export async function upsertRating(prisma: PrismaClient, userId: string, input: RatingInput, cap = RATING_CAP): Promise<StoredRating> {
  const latent = roundLatent(input.latent)
  const hash = latentHash(latent)
  const where = { userId_modelId_latentHash: { userId, modelId: input.modelId, latentHash: hash } }
  const data = { checkpoint: input.checkpoint, liked: input.liked, steered: input.steered }
  const existing = await prisma.rating.findUnique({ where, select: { id: true } })
  if (!existing && (await countRatings(prisma, userId, input.modelId)) >= cap) throw new RatingCapError(cap)
  const row = await prisma.rating.upsert({ where, create: { userId, modelId: input.modelId, latent, latentHash: hash, ...data }, update: data, select })
  return toStored(row)
}

/** The user's ratings of a model, newest (last changed) first, at most `limit`. */
export async function listRatings(prisma: PrismaClient, userId: string, modelId: string, limit = RATING_LIST_LIMIT): Promise<StoredRating[]> {
  const rows = await prisma.rating.findMany({
    where: { userId, modelId },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: Math.max(0, Math.min(limit, RATING_LIST_LIMIT)),
    select,
  })
  return rows.map(toStored)
}

export async function countRatings(prisma: PrismaClient, userId: string, modelId: string): Promise<number> {
  return prisma.rating.count({ where: { userId, modelId } })
}

/** "Forget my taste": deletes all of the user's ratings of the model; returns how many. */
export async function forgetRatings(prisma: PrismaClient, userId: string, modelId: string): Promise<number> {
  const { count } = await prisma.rating.deleteMany({ where: { userId, modelId } })
  return count
}
