import { NextResponse } from 'next/server'
import { z } from 'zod'
import { MAX_PNG_BYTES } from '@/lib/db/blobs'
import { saveVersion } from '@/lib/collab/history'
import { listVersions } from '@/lib/db/versions'
import { decodePng, requireArtwork } from '@/lib/server/access'
import { readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

type Ctx = { params: Promise<{ id: string }> }

const THUMB_MAX = 512 * 1024
const saveSchema = z
  .object({
    message: z.string().trim().min(1, 'say what changed').max(500),
    /** the canvas rendered by the editor, and its thumbnail (PNG, base64) */
    png: z.string().max(Math.ceil((MAX_PNG_BYTES * 4) / 3) + 4),
    thumb: z.string().max(Math.ceil((THUMB_MAX * 4) / 3) + 4),
  })
  .strict()

export const GET = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId } = await requireArtwork(req, (await ctx.params).id, 'read')
  return NextResponse.json({ versions: await listVersions(prisma, artworkId) })
})

/** Saves the current canvas (every op so far) as the next version. */
export const POST = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, artworkId, user } = await requireArtwork(req, (await ctx.params).id, 'write')
  const body = await readJson(req, saveSchema, 12 * 1024 * 1024)
  const png = decodePng(body.png, MAX_PNG_BYTES, 'png')
  const thumb = decodePng(body.thumb, THUMB_MAX, 'thumb')
  const version = await saveVersion(prisma, { artworkId, authorId: user!.id, message: body.message, png, thumb })
  return NextResponse.json({ version }, { status: 201 })
})
