import { NextResponse } from 'next/server'
import { getLineage, getPublication, unpublish } from '@/lib/db/gallery'
import { sessionUser } from '@/lib/auth/auth'
import { requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'
type Ctx = { params: Promise<{ id: string }> }

export const GET = withErrors(async (req: Request, ctx: Ctx) => {
  const { prisma } = await getDatabase()
  const viewer = await sessionUser(req.headers)
  const publication = await getPublication(prisma, (await ctx.params).id, viewer?.id ?? null)
  if (!publication) throw new HttpError(404, 'not_found', 'No such published piece.')
  const lineage = await getLineage(prisma, publication.versionId, viewer?.id ?? null)
  return NextResponse.json({ publication: { ...publication, lineage } })
})

/** The author takes a piece out of the gallery (likes and links keep their rows). */
export const DELETE = withErrors(async (req: Request, ctx: Ctx) => {
  const user = await requireUser(req)
  const { prisma } = await getDatabase()
  if (!(await unpublish(prisma, (await ctx.params).id.slice(0, 40), user.id))) throw new HttpError(404, 'not_found', 'No such piece of yours.')
  return NextResponse.json({ unpublished: true })
})
