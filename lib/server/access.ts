// Route-handler guard: who is calling, and may they read or write this artwork? Answers 401/404
// as HttpErrors (404 rather than 403 for no access, so private ids do not leak).
import { sessionUser, type SessionUser } from '../auth/auth'
import { artworkRole, canWrite, type ArtworkRole } from '../auth/permissions'
import { artworkIdSchema, shareTokenSchema } from '../collab/protocol'
import { sniffImageType } from '../db/blobs'
import type { PrismaClient } from '../db/client'
import { HttpError } from './http'
import { getDatabase } from '../db/process-database'

export interface Access {
  prisma: PrismaClient
  user: SessionUser | null
  role: ArtworkRole
  artworkId: string
}

/** A share token travels as ?token= (links) or the X-Share-Token header (the editor's fetches). */
export function shareToken(req: Request): string | null {
  const raw = req.headers.get('x-share-token') ?? new URL(req.url).searchParams.get('token')
  return raw && shareTokenSchema.safeParse(raw).success ? raw : null
}

export async function requireUser(req: Request): Promise<SessionUser> {
  const user = await sessionUser(req.headers)
  if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in (or continue as a guest) first.')
  return user
}

export async function requireArtwork(req: Request, rawId: string, need: 'read' | 'write'): Promise<Access> {
  const id = artworkIdSchema.safeParse(rawId)
  if (!id.success) throw new HttpError(404, 'not_found', 'No such artwork.')
  const { prisma } = await getDatabase()
  const user = await sessionUser(req.headers)
  const role = await artworkRole(prisma, id.data, user?.id ?? null, shareToken(req))
  if (!role) throw new HttpError(404, 'not_found', 'No such artwork, or it is not shared with you.')
  if (need === 'write') {
    if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in (or continue as a guest) to edit.')
    if (!canWrite(role)) throw new HttpError(403, 'forbidden', 'This link is view-only.')
  }
  return { prisma, user, role, artworkId: id.data }
}

/** Decodes a base64 PNG from a JSON body, checking its size and magic bytes. */
export function decodePng(base64: string, maxBytes: number, field: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64')
  if (bytes.byteLength === 0) throw new HttpError(400, 'invalid', `${field} is empty or not base64.`)
  if (bytes.byteLength > maxBytes) throw new HttpError(413, 'too_large', `${field} is larger than ${maxBytes} bytes.`)
  if (sniffImageType(bytes) !== 'image/png') throw new HttpError(415, 'unsupported_media_type', `${field} is not a PNG image.`)
  return new Uint8Array(bytes)
}
