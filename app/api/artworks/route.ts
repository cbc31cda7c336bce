import { NextResponse } from 'next/server'
import { z } from 'zod'
import { sessionUser } from '@/lib/auth/auth'
import { createArtwork, listOwnArtworks, TITLE_MAX } from '@/lib/db/artworks'
import { getDatabase } from '@/lib/server/runtime'
import { HttpError, readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

const createArtworkSchema = z
  .object({ title: z.string().trim().min(1, 'title is empty').max(TITLE_MAX, `title is longer than ${TITLE_MAX} characters`) })
  .strict()

async function requireUser(req: Request) {
  const user = await sessionUser(req.headers)
  if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in (or continue as a guest) first.')
  return user
}

/** The caller's own artworks, most recently changed first. */
export const GET = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const { prisma } = await getDatabase()
  return NextResponse.json({ artworks: await listOwnArtworks(prisma, user.id) })
})

/** Creates an empty artwork owned by the caller. */
export const POST = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const body = await readJson(req, createArtworkSchema, 4 * 1024)
  const { prisma } = await getDatabase()
  const artwork = await createArtwork(prisma, user.id, body.title)
  return NextResponse.json({ artwork }, { status: 201 })
})
