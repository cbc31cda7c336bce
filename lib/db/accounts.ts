// Whose work is whose when accounts change: a guest who signs up (or signs in to an existing
// account) brings everything they made as a guest along, and a deleted account leaves "former
// member" authorship behind in other people's artworks (the schema's note on deletion).
import type { PrismaClient } from './client'

/** How an author is named: their account's current name, or the name kept when it was deleted. */
export function authorLabel(account: { name: string } | null, keptName: string | null): string {
  if (account) return account.name
  return keptName ? `${keptName} (former member)` : 'A former member'
}

/** What a merge moved: rows per kind; `collapsed` likes and ratings both users had, kept once. */
export interface GuestMerge {
  artworks: number
  versions: number
  ops: number
  shareLinks: number
  publications: number
  likes: number
  ratings: number
  collapsed: { likes: number; ratings: number }
}

export class MergeRefusedError extends Error {
  override name = 'MergeRefusedError'
}

/**
 * Moves everything the guest `guestId` owns or wrote to the account `userId`, then deletes the
 * guest (and with it only the guest's sessions), in one transaction: either all of it moves or
 * nothing changes. A like or rating that both had is kept once (the account's like; the newer
 * rating). Returns null when the guest no longer exists (merged already: a retry is harmless).
 *
 * Both user rows are locked first (in id order, so two merges cannot deadlock), so a concurrent
 * write as the guest (an op from a tab still open as the guest) either lands before the move and
 * moves with it, or waits and then fails on the missing user, and its sender retries it as the
 * account (lib/collab/client.ts resends an op the server could not store).
 */
export async function mergeGuestIntoAccount(prisma: PrismaClient, guestId: string, userId: string): Promise<GuestMerge | null> {
  if (guestId === userId) throw new MergeRefusedError('a user cannot be merged into itself')
  return prisma.$transaction(async (tx) => {
    const users = await tx.$queryRaw<Array<{ id: string; isAnonymous: boolean }>>`
      SELECT "id", "isAnonymous" FROM "User" WHERE "id" IN (${guestId}, ${userId}) ORDER BY "id" FOR UPDATE`
    const guest = users.find((u) => u.id === guestId)
    const account = users.find((u) => u.id === userId)
    if (!account) throw new MergeRefusedError('the account to merge into does not exist')
    if (!guest) return null
    // only a guest's work moves: never one real account's work into another
    if (!guest.isAnonymous) throw new MergeRefusedError('only a guest can be merged into an account')

    // ownership and authorship; updatedAt stays as it was (moving is not editing)
    const artworks = await tx.$executeRaw`UPDATE "Artwork" SET "ownerId" = ${userId} WHERE "ownerId" = ${guestId}`
    const versions = await tx.$executeRaw`UPDATE "Version" SET "authorId" = ${userId} WHERE "authorId" = ${guestId}`
    const ops = await tx.$executeRaw`UPDATE "Op" SET "authorId" = ${userId} WHERE "authorId" = ${guestId}`
    const shareLinks = await tx.$executeRaw`UPDATE "ShareLink" SET "createdById" = ${userId} WHERE "createdById" = ${guestId}`
    const publications = await tx.$executeRaw`UPDATE "Publication" SET "authorId" = ${userId} WHERE "authorId" = ${guestId}`

    // a piece both liked keeps one like (the account's) and counts one less
    const collapsedLikes = await tx.$executeRaw`
      WITH twice AS (
        DELETE FROM "Like" g USING "Like" a
        WHERE g."userId" = ${guestId} AND a."userId" = ${userId} AND a."publicationId" = g."publicationId"
        RETURNING g."publicationId"
      )
      UPDATE "Publication" p SET "likeCount" = GREATEST(0, p."likeCount" - 1) FROM twice t WHERE p."id" = t."publicationId"`
    const likes = await tx.$executeRaw`UPDATE "Like" SET "userId" = ${userId} WHERE "userId" = ${guestId}`

    // a sample both rated keeps the newer opinion (the account's on a tie)
    const collapsedRatings = await tx.$executeRaw`
      DELETE FROM "Rating" r USING "Rating" o
      WHERE r."modelId" = o."modelId" AND r."latentHash" = o."latentHash"
        AND ((r."userId" = ${guestId} AND o."userId" = ${userId} AND r."updatedAt" <= o."updatedAt")
          OR (r."userId" = ${userId} AND o."userId" = ${guestId} AND r."updatedAt" < o."updatedAt"))`
    const ratings = await tx.$executeRaw`UPDATE "Rating" SET "userId" = ${userId} WHERE "userId" = ${guestId}`

    // nothing of the guest's is left but its sessions, which go with it
    await tx.$executeRaw`DELETE FROM "User" WHERE "id" = ${guestId}`
    return { artworks, versions, ops, shareLinks, publications, likes, ratings, collapsed: { likes: collapsedLikes, ratings: collapsedRatings } }
  })
}
