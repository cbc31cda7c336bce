import { NextResponse } from 'next/server'
import { publishSchema, publishVersion } from '@/lib/db/gallery'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** The owner publishes one version to the gallery. */
export const POST = withErrors(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { prisma, artworkId, role, user } = await requireArtwork(req, (await ctx.params).id, 'read')
  if (role !== 'owner' || !user) throw new HttpError(403, 'forbidden', 'Only the owner can publish this artwork.')
  const body = await readJson(req, publishSchema, 16 * 1024)
  const publication = await publishVersion(prisma, artworkId, user.id, body)
  if (!publication) throw new HttpError(404, 'not_found', `No version ${body.version}.`)
  return NextResponse.json({ publication }, { status: 201 })
})
