import { NextResponse } from 'next/server'
import { replayData } from '@/lib/db/versions'
import { requireArtwork } from '@/lib/server/access'
import { withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** The first version's canvas and every op after it: the refinement as a time-lapse. */
export const GET = withErrors(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { prisma, artworkId } = await requireArtwork(req, (await ctx.params).id, 'read')
  return NextResponse.json(await replayData(prisma, artworkId))
})
