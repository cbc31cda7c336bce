import { getBlob } from '@/lib/db/blobs'
import { getDatabase } from '@/lib/db/process-database'
import { jsonError, withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

// A key is the sha256 of its bytes, so a response never changes: cache it forever, revalidate
// by ETag (the key itself).
export const GET = withErrors(async (req: Request, ctx: { params: Promise<{ key: string }> }) => {
  const { key } = await ctx.params
  const etag = `"${key}"`
  const { prisma } = await getDatabase()
  const blob = await getBlob(prisma, key)
  if (!blob) return jsonError(404, 'not_found', 'No such blob.')
  const headers = {
    etag,
    'cache-control': 'public, max-age=31536000, immutable',
    'content-type': blob.contentType,
    'x-content-type-options': 'nosniff',
  }
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers })
  return new Response(Buffer.from(blob.bytes), { headers: { ...headers, 'content-length': String(blob.size) } })
})
