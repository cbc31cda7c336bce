import { NextResponse } from 'next/server'
import { countRatings, forgetRatings, listRatings, upsertRating } from '@/lib/db/ratings'
import { requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/server/runtime'
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

/** The caller's ratings of one model, newest first (at most RATING_LIST_LIMIT). */
export const GET = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const modelId = modelIdFrom(req)
  const { prisma } = await getDatabase()
  const ratings = await listRatings(prisma, user.id, modelId)
  return NextResponse.json({ ratings, limit: RATING_LIST_LIMIT }, { headers: noStore })
})

/** Rates a sample: creates the rating, or updates the caller's earlier rating of the same latent. */
export const PUT = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const body = await readJson(req, ratingInputSchema, RATING_BODY_LIMIT)
  const { prisma } = await getDatabase()
  const rating = await upsertRating(prisma, user.id, body)
  return NextResponse.json({ rating, count: await countRatings(prisma, user.id, body.modelId) }, { headers: noStore })
})

/** Forgets the caller's taste for one model: deletes all their ratings of it. */
export const DELETE = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const modelId = modelIdFrom(req)
  const { prisma } = await getDatabase()
  return NextResponse.json({ deleted: await forgetRatings(prisma, user.id, modelId) }, { headers: noStore })
})
