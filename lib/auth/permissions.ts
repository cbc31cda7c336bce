// Who may do what with an artwork. Checked on the server for HTTP and sockets alike.
import type { PrismaClient } from '../db/client'

export type ArtworkRole = 'owner' | 'edit' | 'view'

export const canWrite = (role: ArtworkRole | null): boolean => role === 'owner' || role === 'edit'
export const canRead = (role: ArtworkRole | null): boolean => role !== null

/**
 * The caller's role on an artwork: its owner; else the role of a live share link token; else view
 * for a public artwork; else null (no access, and callers answer 404 so ids do not leak).
 */
export async function artworkRole(
  prisma: PrismaClient,
  artworkId: string,
  userId: string | null,
  shareToken?: string | null,
): Promise<ArtworkRole | null> {
  const artwork = await prisma.artwork.findUnique({ where: { id: artworkId }, select: { ownerId: true, visibility: true } })
  if (!artwork) return null
  if (userId && artwork.ownerId === userId) return 'owner'
  if (shareToken) {
    const link = await prisma.shareLink.findUnique({ where: { token: shareToken }, select: { artworkId: true, role: true, revokedAt: true } })
    if (link && link.artworkId === artworkId && !link.revokedAt) return link.role
  }
  if (artwork.visibility === 'public') return 'view'
  return null
}
