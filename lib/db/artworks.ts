// Artwork rows: creation with an empty canvas, listing, and reading with the caller's access.
import { emptyDocument } from '../canvas/document'
import type { PrismaClient } from './client'

export const TITLE_MAX = 120

export interface ArtworkSummary {
  id: string
  title: string
  ownerId: string
  seq: number
  createdAt: Date
  updatedAt: Date
}

const summarySelect = { id: true, title: true, ownerId: true, seq: true, createdAt: true, updatedAt: true } as const

export async function createArtwork(prisma: PrismaClient, ownerId: string, title: string): Promise<ArtworkSummary> {
  return prisma.artwork.create({
    data: { ownerId, title, snapshot: emptyDocument(), snapshotSeq: 0 },
    select: summarySelect,
  })
}

export async function listOwnArtworks(prisma: PrismaClient, ownerId: string, take = 50): Promise<ArtworkSummary[]> {
  return prisma.artwork.findMany({
    where: { ownerId },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take,
    select: summarySelect,
  })
}

export async function findArtwork(prisma: PrismaClient, id: string): Promise<ArtworkSummary | null> {
  return prisma.artwork.findUnique({ where: { id }, select: summarySelect })
}
