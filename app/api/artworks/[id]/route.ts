import { NextResponse } from 'next/server'
import { requireArtwork } from '@/lib/server/access'
import { withErrors } from '@/lib/server/http'

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
