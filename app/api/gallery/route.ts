import { NextResponse } from 'next/server'
import { z } from 'zod'
import { listGallery, tagSchema } from '@/lib/db/gallery'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

const querySchema = z.object({
  sort: z.enum(['newest', 'liked']).default('newest'),
  tag: tagSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
})

/** A page of the public gallery (keyset pagination: pass back `nextCursor`). */
export const GET = withErrors(async (req: Request) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams))
  if (!parsed.success) throw new HttpError(400, 'invalid', z.prettifyError(parsed.error))
  const { prisma } = await getDatabase()
  return NextResponse.json(await listGallery(prisma, parsed.data), { headers: { 'cache-control': 'no-store' } })
})
