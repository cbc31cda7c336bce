import { NextResponse } from 'next/server'
import { listArtworkPublications, publishSchema, publishVersion } from '@/lib/db/gallery'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'
type Ctx = { params: Promise<{ id: string }> }

async function requireOwner(req: Request, ctx: Ctx, action: string) {
  const access = await requireArtwork(req, (await ctx.params).id, 'read')
  if (access.role !== 'owner' || !access.user) throw new HttpError(403, 'forbidden', `Only the owner can ${action} this artwork.`)
  return { ...access, user: access.user }
}

/** The owner's live gallery entries of this artwork (the studio's publish form lists them). */
export const GET = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId } = await requireOwner(req, ctx, 'list the publications of')
  return NextResponse.json({ publications: await listArtworkPublications(prisma, artworkId) }, { headers: { 'cache-control': 'no-store' } })
})

/**
 * The owner publishes one version to the gallery: 201 with a new (or brought back) entry, 200
 * when the version was already published and its entry now has the new title, description, tags.
 */
export const POST = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId, user } = await requireOwner(req, ctx, 'publish')
  const body = await readJson(req, publishSchema, 16 * 1024)
  const result = await publishVersion(prisma, artworkId, user.id, body)
  if (!result) throw new HttpError(404, 'not_found', `No version ${body.version}.`)
  const { outcome, ...publication } = result
  return NextResponse.json({ publication, outcome }, { status: outcome === 'updated' ? 200 : 201 })
})
