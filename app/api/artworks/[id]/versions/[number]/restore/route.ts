import { NextResponse } from 'next/server'
import { EVENTS, roomName, type OpsBroadcast } from '@/lib/collab/protocol'
import { restoreVersion, VersionNotFoundError } from '@/lib/db/versions'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, withErrors } from '@/lib/server/http'
import { emitToRoom } from '@/lib/server/runtime'
import { versionNumber } from '@/lib/server/version-route'

export const dynamic = 'force-dynamic'

/** Makes the canvas equal to an old version again, as new ops and a new version. */
export const POST = withErrors(async (req: Request, ctx: { params: Promise<{ id: string; number: string }> }) => {
  const params = await ctx.params
  const { prisma, artworkId, user } = await requireArtwork(req, params.id, 'write')
  try {
    const { version, ops } = await restoreVersion(prisma, { artworkId, number: versionNumber(params.number), authorId: user!.id })
    // everyone in the room (this client included) receives the ops like any other edit, in one message
    if (ops.length > 0) emitToRoom(roomName(artworkId), EVENTS.ops, { artworkId, ops } satisfies OpsBroadcast)
    return NextResponse.json({ version, ops: ops.length, seq: version.seq }, { status: 201 })
  } catch (e) {
    if (e instanceof VersionNotFoundError) throw new HttpError(404, 'not_found', e.message)
    throw e
  }
})
