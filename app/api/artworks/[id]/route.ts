import { NextResponse } from 'next/server'
import { z } from 'zod'
import { TITLE_MAX } from '@/lib/db/artworks'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** An artwork's metadata and the caller's role on it. */
export const GET = withErrors(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { prisma, role, artworkId, user } = await requireArtwork(req, (await ctx.params).id, 'read')
  const artwork = await prisma.artwork.findUniqueOrThrow({
    where: { id: artworkId },
    select: {
      id: true,
      title: true,
      seq: true,
      createdAt: true,
      updatedAt: true,
      owner: { select: { id: true, name: true } },
      headVersion: { select: { number: true } },
      forkedFrom: { select: { number: true, artwork: { select: { id: true, title: true } } } },
    },
  })
  return NextResponse.json({ artwork, role, you: user })
})

const renameSchema = z
  .object({ title: z.string().trim().min(1, 'title is empty').max(TITLE_MAX, `title is longer than ${TITLE_MAX} characters`) })
  .strict()

/** Renames an artwork: its owner only (a collaborator on a link edits the picture, not its name). */
export const PATCH = withErrors(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { prisma, role, artworkId } = await requireArtwork(req, (await ctx.params).id, 'write')
  if (role !== 'owner') throw new HttpError(403, 'forbidden', 'Only the owner renames the artwork.')
  const { title } = await readJson(req, renameSchema)
  const artwork = await prisma.artwork.update({ where: { id: artworkId }, data: { title }, select: { id: true, title: true } })
  return NextResponse.json({ artwork })
})
