import { NextResponse } from 'next/server'
import { z } from 'zod'
import { listOwnArtworks, TITLE_MAX } from '@/lib/db/artworks'
import { MAX_PNG_BYTES } from '@/lib/db/blobs'
import { createArtworkWithBase } from '@/lib/db/versions'
import { provenanceSchema } from '@/lib/gan/provenance'
import { decodePng, requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/db/process-database'
import { readJson, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

/** the original of an enlarged base image is small (64 px): 1 MB is plenty */
const MAX_PIXELS_BYTES = 1024 * 1024

const createArtworkSchema = z
  .object({
    title: z.string().trim().min(1, 'title is empty').max(TITLE_MAX, `title is longer than ${TITLE_MAX} characters`),
    /** the generator's image that becomes the locked bottom layer, with how it was made */
    base: z
      .object({
        png: z.string().max(Math.ceil((MAX_PNG_BYTES * 4) / 3) + 4, 'png is larger than 8 MB'),
        width: z.number().int().min(1).max(4096),
        height: z.number().int().min(1).max(4096),
        provenance: provenanceSchema,
        /** the picture `png` was enlarged from (the generator's 64 px, before the upscaler) */
        pixels: z
          .object({
            png: z.string().max(Math.ceil((MAX_PIXELS_BYTES * 4) / 3) + 4, 'pixels.png is larger than 1 MB'),
            width: z.number().int().min(1).max(1024),
            height: z.number().int().min(1).max(1024),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

/** The caller's own artworks, most recently changed first. */
export const GET = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const { prisma } = await getDatabase()
  return NextResponse.json({ artworks: await listOwnArtworks(prisma, user.id) })
})

/** Creates an artwork owned by the caller: blank, or on a base image (version 1). */
export const POST = withErrors(async (req: Request) => {
  const user = await requireUser(req)
  const body = await readJson(req, createArtworkSchema, 12 * 1024 * 1024)
  const raw = body.base?.pixels
  const base = body.base && {
    ...body.base,
    png: decodePng(body.base.png, MAX_PNG_BYTES, 'base.png'),
    pixels: raw && { ...raw, png: decodePng(raw.png, MAX_PIXELS_BYTES, 'base.pixels.png') },
  }
  const { prisma } = await getDatabase()
  const created = await createArtworkWithBase(prisma, { ownerId: user.id, title: body.title, base })
  const artwork = await prisma.artwork.findUniqueOrThrow({
    where: { id: created.id },
    select: { id: true, title: true, ownerId: true, seq: true, createdAt: true, updatedAt: true },
  })
  return NextResponse.json({ artwork }, { status: 201 })
})
