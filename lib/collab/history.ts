// Versions that go through the op log: saving the artwork's current document (folded by the
// document cache) as a version, and restoring an old version as new ops (history is never
// rewritten). The version rows themselves are lib/db/versions.ts'.
import { randomUUID } from 'node:crypto'
import { assertDocumentSize, documentFromStore } from '../canvas/document'
import { diffDocuments } from '../canvas/diff'
import type { PrismaClient } from '../db/client'
import { findVersion, insertVersion, type SaveVersionInput } from '../db/versions'
import { currentDocument } from './document-cache'
import type { SubmitInput, SubmitResult } from './op-writer'
import type { StoredOp } from './protocol'

/**
 * Saves the artwork's current document (all ops so far) as the next version. A document over
 * MAX_DOCUMENT_BYTES throws DocumentTooLargeError before anything (not even the PNGs) is stored.
 */
export async function saveVersion(prisma: PrismaClient, input: Omit<SaveVersionInput, 'current'>) {
  return insertVersion(prisma, { ...input, current: await currentDocument(prisma, input.artworkId) })
}

/** How an op made by the server is stored and told to the room (lib/server/runtime.ts submitServerOp). */
export type SubmitServerOp = (input: SubmitInput) => Promise<SubmitResult>

/**
 * Makes the canvas equal to version `number` again: the difference goes through `submit` as
 * ordinary ops, the same path as a socket's (collaborators receive them), then a new version
 * records the result. Restoring a small version is also the way back from a document that grew
 * over the size limit.
 */
export async function restoreVersion(prisma: PrismaClient, submit: SubmitServerOp, input: { artworkId: string; number: number; authorId: string }) {
  const target = await findVersion(prisma, input.artworkId, input.number)
  const targetDoc = documentFromStore(target.document)
  // a version stored before the limit existed: refuse before any op is written
  assertDocumentSize(targetDoc)
  const stored: StoredOp[] = []
  for (let attempt = 0; attempt < 3; attempt++) {
    const { doc } = await currentDocument(prisma, input.artworkId)
    let conflicted = false
    for (const op of diffDocuments(doc, targetDoc)) {
      const r = await submit({ artworkId: input.artworkId, authorId: input.authorId, opId: randomUUID(), op })
      if (!r.ok) {
        conflicted = true // a collaborator changed the canvas meanwhile: diff again
        break
      }
      stored.push(r.op)
    }
    if (!conflicted) break
  }
  const version = await saveVersion(prisma, {
    artworkId: input.artworkId,
    authorId: input.authorId,
    message: `Restored version ${input.number}`,
    png: target.pngKey ? { key: target.pngKey } : null,
    thumb: target.thumbKey ? { key: target.thumbKey } : null,
  })
  return { version, ops: stored }
}
