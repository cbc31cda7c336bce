import { NextResponse } from 'next/server'
import { z } from 'zod'
import { MAX_IMAGE_BYTES } from '@/lib/canvas/document'
import { blobUrl, putBlob } from '@/lib/db/blobs'
import { decodePng, requireArtwork } from '@/lib/server/access'
import { readJson, withErrors } from '@/lib/server/http'
import { spendUpload } from '@/lib/server/upload-budget'

export const dynamic = 'force-dynamic'

type Ctx = { params: Promise<{ id: string }> }


const bodySchema = z
  .object({
    /** a PNG, base64 */
    png: z.string().min(1).max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4),
  })
  .strict()

/**
 * Stores a PNG for an artwork the caller may edit (a base layer painted in the browser and the
 * doodle it was painted from, a picture the artist added) and answers its blob URL, for use as an
 * image object's src.
 */
export const POST = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma, user } = await requireArtwork(req, (await ctx.params).id, 'write')
  // write access means a signed-in user: the budget is theirs, whatever link they came by
  if (user) await spendUpload(user.id)
  const body = await readJson(req, bodySchema, 3 * 1024 * 1024)
  const png = decodePng(body.png, MAX_IMAGE_BYTES, 'png')
  const key = await putBlob(prisma, png, 'image/png')
  return NextResponse.json({ src: blobUrl(key) }, { status: 201 })
})
