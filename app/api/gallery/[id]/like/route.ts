import { NextResponse } from 'next/server'
import { setLike } from '@/lib/db/gallery'
import { requireUser } from '@/lib/server/access'
import { getDatabase } from '@/lib/db/process-database'
import { HttpError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'
type Ctx = { params: Promise<{ id: string }> }

// PUT likes, DELETE unlikes; both idempotent, one like per person.
const handler = (like: boolean) =>
  withErrors(async (req: Request, ctx: Ctx) => {
    const user = await requireUser(req)
    const { prisma } = await getDatabase()
    const result = await setLike(prisma, (await ctx.params).id.slice(0, 40), user.id, like)
    if (!result) throw new HttpError(404, 'not_found', 'No such published piece.')
    return NextResponse.json(result)
  })

export const PUT = handler(true)
export const DELETE = handler(false)
