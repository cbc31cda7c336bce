import { jsonError } from '@/lib/server/http'

// Any /api path that no route handles answers a JSON 404, whatever the method.
const notFound = (req: Request) => jsonError(404, 'not_found', `No API route ${req.method} ${new URL(req.url).pathname}`)

export const GET = notFound
export const POST = notFound
export const PUT = notFound
export const PATCH = notFound
export const DELETE = notFound
