import { NextResponse } from 'next/server'
import { forkVersion, VersionNotFoundError } from '@/lib/db/versions'
import { requireArtwork, requireUser } from '@/lib/server/access'
import { HttpError, withErrors } from '@/lib/server/http'
import { versionNumber } from '@/lib/server/version-route'

export const dynamic = 'force-dynamic'

/**
 * A new artwork of the caller's, starting from this version; its lineage points back. Taking a
 * copy needs more than a look: the owner, an edit link, or a public artwork (a view link to a
 * private one shows it, it does not hand it out; published pieces are remixed from the gallery).
 */
export const POST = withErrors(async (req: Request, ctx: { params: Promise<{ id: string; number: string }> }) => {
  const params = await ctx.params
  const user = await requireUser(req)
  const { prisma, artworkId, role } = await requireArtwork(req, params.id, 'read')
  if (role === 'view') {
    const { visibility } = await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId }, select: { visibility: true } })
    if (visibility !== 'public') throw new HttpError(403, 'forbidden', 'A view link lets you look, not copy: ask the owner for an edit link to fork it.')
  }
  try {
    const fork = await forkVersion(prisma, { artworkId, number: versionNumber(params.number), userId: user.id })
    return NextResponse.json({ artwork: fork }, { status: 201 })
  } catch (e) {
    if (e instanceof VersionNotFoundError) throw new HttpError(404, 'not_found', e.message)
    throw e
  }
})
