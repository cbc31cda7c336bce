// Content-addressed bytes: the key is the sha256 of the content, so storing the same image twice
// stores it once, and a key names its bytes forever (served with immutable caching).
import { createHash } from 'node:crypto'
import type { PrismaClient } from './client'

export const MAX_PNG_BYTES = 8 * 1024 * 1024

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp'

/** The image type told by the first bytes, whatever the client claimed. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b)
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  return null
}

export function blobKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export const blobUrl = (key: string) => `/api/blobs/${key}`

/** Stores bytes under their hash (a no-op when present) and returns the key. */
export async function putBlob(prisma: PrismaClient, bytes: Uint8Array, contentType: string): Promise<string> {
  const key = blobKey(bytes)
  await prisma.blob.upsert({
    where: { key },
    create: { key, contentType, size: bytes.byteLength, bytes: Buffer.from(bytes) },
    update: {},
  })
  return key
}

export async function getBlob(prisma: PrismaClient, key: string) {
  if (!/^[0-9a-f]{64}$/.test(key)) return null
  return prisma.blob.findUnique({ where: { key }, select: { key: true, contentType: true, size: true, bytes: true } })
}
