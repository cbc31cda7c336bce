import { NextResponse } from 'next/server'
import { revokeShareLink } from '@/lib/db/share-links'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, withErrors } from '@/lib/server/http'
import { evictShareToken } from '@/lib/server/runtime'

export const dynamic = 'force-dynamic'

/** Revokes a link: it grants nothing from now on, and people connected through it are removed. */
export const DELETE = withErrors(async (req: Request, ctx: { params: Promise<{ id: string; linkId: string }> }) => {
  const { id, linkId } = await ctx.params
  const { prisma, artworkId, role } = await requireArtwork(req, id, 'read')
  if (role !== 'owner') throw new HttpError(403, 'forbidden', 'Only the owner manages share links.')
  const token = await revokeShareLink(prisma, artworkId, linkId.slice(0, 64))
  if (!token) throw new HttpError(404, 'not_found', 'No such live link.')
  const evicted = await evictShareToken(artworkId, token)
  return NextResponse.json({ revoked: true, evicted })
})
