import { stat } from 'node:fs/promises'
import path from 'node:path'
import { NextResponse } from 'next/server'
import { countRatings, forgetRatings, listRatings, RatingCapError, upsertRating } from '@/lib/db/ratings'
import { requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, readJson, withErrors } from '@/lib/server/http'
import { modelIdSchema, RATING_LIST_LIMIT, ratingInputSchema } from '@/lib/taste/wire'

export const dynamic = 'force-dynamic'

// a 512-value latent is about 6 KB as JSON; nothing legitimate comes near this
const RATING_BODY_LIMIT = 16 * 1024
const noStore = { 'cache-control': 'no-store' }

function modelIdFrom(req: Request): string {
  const parsed = modelIdSchema.safeParse(new URL(req.url).searchParams.get('modelId') ?? '')
  if (!parsed.success) throw new HttpError(400, 'invalid', 'Give ?modelId= as 1-64 lowercase letters, digits or -.', [{ path: 'modelId', message: parsed.error.issues[0]?.message ?? 'invalid' }])
  return parsed.data
}

const MODELS_DIR = path.join(process.cwd(), 'public', 'models')
// Whether a model is shipped, per id: shipping one takes a deploy (a new process), so a yes is kept
// for good; a no is kept briefly, in a bounded map, so that made-up ids cannot grow it for ever.
const shipped = new Map<string, boolean | number>()
const NO_KEPT_MS = 60_000
const NO_KEPT_MAX = 1000

/** Whether public/models/<id>/manifest.json exists; `id` must have passed modelIdSchema. */
async function isShippedModel(id: string): Promise<boolean> {
  const known = shipped.get(id)
  if (known === true) return true
  if (typeof known === 'number' && Date.now() - known < NO_KEPT_MS) return false
  // the schema allows only [a-z0-9-], so the id is one path segment; checked again all the same
  const file = path.join(MODELS_DIR, id, 'manifest.json')
  if (!modelIdSchema.safeParse(id).success || path.dirname(path.dirname(file)) !== MODELS_DIR) return false
  const exists = await stat(file).then((s) => s.isFile(), () => false)
  if (!exists && shipped.size >= NO_KEPT_MAX) for (const [k, v] of shipped) if (v !== true) shipped.delete(k)
  shipped.set(id, exists || Date.now())
  return exists
}

/**
 * The caller's ratings of one model, newest first (at most RATING_LIST_LIMIT). Listing and
 * forgetting take any well-formed id, so ratings of a model no longer shipped can still be removed.
 */
export const GET = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const modelId = modelIdFrom(req)
  const { prisma } = await getDatabase()
  const ratings = await listRatings(prisma, user.id, modelId)
  return NextResponse.json({ ratings, limit: RATING_LIST_LIMIT }, { headers: noStore })
})

/**
 * Rates a sample of a shipped model: creates the rating, or updates the caller's earlier rating of
 * the same latent. New ratings stop (409) at RATING_CAP per user and model.
 */
export const PUT = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const body = await readJson(req, ratingInputSchema, RATING_BODY_LIMIT)
  if (!(await isShippedModel(body.modelId))) {
    throw new HttpError(400, 'invalid', `There is no model "${body.modelId}" to rate.`, [{ path: 'modelId', message: 'not a shipped model' }])
  }
  const { prisma } = await getDatabase()
  const rating = await upsertRating(prisma, user.id, body).catch((e: unknown) => {
    if (e instanceof RatingCapError) {
      throw new HttpError(409, 'conflict', `You have rated ${e.cap.toLocaleString('en')} samples of this model, the most kept per model. You can still change those ratings, or forget them to start again.`)
    }
    throw e
  })
  return NextResponse.json({ rating, count: await countRatings(prisma, user.id, body.modelId) }, { headers: noStore })
})

/** Forgets the caller's taste for one model: deletes all their ratings of it. */
export const DELETE = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const modelId = modelIdFrom(req)
  const { prisma } = await getDatabase()
  return NextResponse.json({ deleted: await forgetRatings(prisma, user.id, modelId) }, { headers: noStore })
})
