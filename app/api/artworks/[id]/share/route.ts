import { NextResponse } from 'next/server'
import { z } from 'zod'
import { createShareLink, listShareLinks } from '@/lib/db/share-links'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

type Ctx = { params: Promise<{ id: string }> }

async function requireOwner(req: Request, ctx: Ctx) {
  const access = await requireArtwork(req, (await ctx.params).id, 'read')
  if (access.role !== 'owner') throw new HttpError(403, 'forbidden', 'Only the owner manages share links.')
  return access
}

/** The owner's live share links. */
export const GET = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId } = await requireOwner(req, ctx)
  return NextResponse.json({ links: await listShareLinks(prisma, artworkId) })
})

/** Creates an edit or view link. */
export const POST = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId, user } = await requireOwner(req, ctx)
  const { role } = await readJson(req, z.object({ role: z.enum(['edit', 'view']) }).strict(), 1024)
  const link = await createShareLink(prisma, artworkId, user!.id, role)
  return NextResponse.json({ link }, { status: 201 })
})
