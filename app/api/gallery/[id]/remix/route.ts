import { NextResponse } from 'next/server'
import { getPublication } from '@/lib/db/gallery'
import { forkVersion } from '@/lib/db/versions'
import { requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** Forks the published version into a new artwork of the caller's; its lineage points back. */
export const POST = withErrors(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const user = await requireUser(req)
  const { prisma } = await getDatabase()
  const publication = await getPublication(prisma, (await ctx.params).id, user.id)
  if (!publication) throw new HttpError(404, 'not_found', 'No such published piece.')
  const artwork = await forkVersion(prisma, { artworkId: publication.artworkId, number: publication.version, userId: user.id })
  return NextResponse.json({ artwork }, { status: 201 })
})
