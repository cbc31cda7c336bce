// Share links: the owner hands out 128-bit random tokens that grant edit or view access, and
// can revoke them; a revoked token grants nothing (checked in lib/auth/permissions.ts).
import { randomBytes } from 'node:crypto'
import type { PrismaClient } from './client'

export type ShareRole = 'edit' | 'view'

export const newShareToken = () => randomBytes(16).toString('base64url')

export async function createShareLink(prisma: PrismaClient, artworkId: string, createdById: string, role: ShareRole) {
  return prisma.shareLink.create({
    data: { artworkId, createdById, role, token: newShareToken() },
    select: { id: true, token: true, role: true, createdAt: true },
  })
}

export async function listShareLinks(prisma: PrismaClient, artworkId: string) {
  return prisma.shareLink.findMany({
    where: { artworkId, revokedAt: null },
    orderBy: { createdAt: 'desc' },
    select: { id: true, token: true, role: true, createdAt: true },
  })
}

/** Revokes a link of this artwork; returns its token (to evict live sockets) or null. */
export async function revokeShareLink(prisma: PrismaClient, artworkId: string, linkId: string): Promise<string | null> {
  const link = await prisma.shareLink.findFirst({ where: { id: linkId, artworkId, revokedAt: null }, select: { token: true } })
  if (!link) return null
  await prisma.shareLink.update({ where: { id: linkId }, data: { revokedAt: new Date() } })
  return link.token
}
