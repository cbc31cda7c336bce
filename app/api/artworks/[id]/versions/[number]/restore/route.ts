import { NextResponse } from 'next/server'
import { restoreVersion } from '@/lib/collab/history'
import { VersionNotFoundError } from '@/lib/db/versions'
import { requireArtwork } from '@/lib/server/access'
import { HttpError, withErrors } from '@/lib/server/http'
import { submitServerOp } from '@/lib/server/runtime'
import { versionNumber } from '@/lib/server/version-route'

export const dynamic = 'force-dynamic'

/** Makes the canvas equal to an old version again, as new ops and a new version. */
export const POST = withErrors(async (req: Request, ctx: { params: Promise<{ id: string; number: string }> }) => {
  const params = await ctx.params
  const { prisma, artworkId, user } = await requireArtwork(req, params.id, 'write')
  try {
    // each op is stored and sent to the room (this client included) like any other edit
    const { version, ops } = await restoreVersion(prisma, (input) => submitServerOp(prisma, input), {
      artworkId,
      number: versionNumber(params.number),
      authorId: user!.id,
    })
    return NextResponse.json({ version, ops: ops.length, seq: version.seq }, { status: 201 })
  } catch (e) {
    if (e instanceof VersionNotFoundError) throw new HttpError(404, 'not_found', e.message)
    throw e
  }
})
