import { NextResponse } from 'next/server'
import { getPublication } from '@/lib/db/gallery'
import { replayData } from '@/lib/db/versions'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** How a published piece was made: its first version and the ops up to the published one. */
export const GET = withErrors(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { prisma } = await getDatabase()
  const publication = await getPublication(prisma, (await ctx.params).id, null)
  if (!publication) throw new HttpError(404, 'not_found', 'No such published piece.')
  const version = await prisma.version.findUniqueOrThrow({ where: { artworkId_number: { artworkId: publication.artworkId, number: publication.version } }, select: { seq: true } })
  return NextResponse.json(await replayData(prisma, publication.artworkId, version.seq))
})
