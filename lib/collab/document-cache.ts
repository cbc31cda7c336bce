// This process's folded documents, one per recently written artwork (an LRU): the op writer
// applies a round's ops to the cached document to check them without reading anything, and
// saving a version reads it. Behind the database, it catches up by folding the ops stored since
// (the same apply function the clients use). PostgreSQL stays the only source of order and truth:
// an entry is only trusted at a seq read under the artwork's lock or in one statement with it.
import { LRUCache } from 'lru-cache'
import { documentBytes, MAX_DOCUMENT_BYTES, type CanvasDocument } from '../canvas/document'
import { applyOpInPlace, cloneDocument, opSizeDelta, type CanvasOp } from '../canvas/ops'
import type { PrismaClient, Tx } from '../db/client'
import { artworkSeq, headWithOpsAfter, latestSnapshot, opsAfter, type OpRow } from '../db/op-rows'
import { toCanvasOp } from './op-codec'

export interface CachedDoc {
  seq: number
  doc: CanvasDocument
  /** UTF-8 bytes of doc's JSON, kept up to date op by op (opSizeDelta) */
  bytes: number
  /** the artwork's snapshotSeq at `seq`, when this process wrote or read it under the lock */
  snapshotSeq?: number
  /** a round's ops are applied to `doc` but not yet stored (readers must not use it meanwhile) */
  pending?: boolean
}

/** Artworks whose documents this process keeps. */
export const MAX_CACHED_DOCUMENTS = 256

const cache = new LRUCache<string, CachedDoc>({ max: MAX_CACHED_DOCUMENTS })

/** The cached entry (marks it recently used), or undefined. */
export function cachedDocument(artworkId: string): CachedDoc | undefined {
  return cache.get(artworkId)
}

/** Stores `entry` as the artwork's cached document. */
export function remember(artworkId: string, entry: CachedDoc): void {
  // a snapshot written while this entry's ops were in flight is not in the entry yet
  const before = cache.peek(artworkId)?.snapshotSeq
  if (entry.snapshotSeq !== undefined && before !== undefined && before > entry.snapshotSeq && before <= entry.seq) entry.snapshotSeq = before
  cache.set(artworkId, entry)
}

/** For tests: forget the cached documents, as a fresh process would. */
export function clearDocumentCache(): void {
  cache.clear()
}

/**
 * Applies op to doc in place, unless it would take the document over MAX_DOCUMENT_BYTES (the size
 * HTTP saves refuse: a canvas grown past it over the socket could no longer be saved as a
 * version). `bytes` is the document's size before; the answer has it after.
 */
export function applyBounded(doc: CanvasDocument, op: CanvasOp, bytes: number): { ok: true; bytes: number } | { ok: false; message: string } {
  const delta = opSizeDelta(doc, op)
  if (delta > 0 && bytes + delta > MAX_DOCUMENT_BYTES) {
    return {
      ok: false,
      message: `the canvas would grow over ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB: remove or simplify some objects (long freehand strokes are the largest) first`,
    }
  }
  const applied = applyOpInPlace(doc, op)
  return applied.ok ? { ok: true, bytes: bytes + delta } : { ok: false, message: applied.message }
}

/**
 * Folds stored ops into `doc` in place; `bytes` is its size before, the answer its size after
 * (kept op by op, like a round's, instead of serialising the whole document again).
 */
function foldStored(doc: CanvasDocument, bytes: number, rows: ReadonlyArray<Pick<OpRow, 'kind' | 'objectId' | 'payload'>>): number {
  for (const row of rows) {
    const op = toCanvasOp(row)
    bytes += opSizeDelta(doc, op)
    applyOpInPlace(doc, op)
  }
  return bytes
}

/** A copy of the document at `seq` (the artwork's current seq, read under the row lock), and its size. */
export async function documentAt(tx: Tx, artworkId: string, seq: number): Promise<{ doc: CanvasDocument; bytes: number }> {
  const cached = cache.get(artworkId)
  let base: { seq: number; doc: CanvasDocument; bytes?: number } | undefined = cached?.pending ? undefined : cached
  if (!base || base.seq > seq) {
    const snapshot = await latestSnapshot(tx, artworkId, seq)
    if (!snapshot) throw new Error(`op log: no snapshot of ${artworkId} at or before ${seq}`)
    base = { seq: snapshot.seq, doc: snapshot.document }
  }
  const bytes = base.bytes ?? documentBytes(base.doc)
  const doc = cloneDocument(base.doc)
  if (base.seq === seq) return { doc, bytes }
  return { doc, bytes: foldStored(doc, bytes, await opsAfter(tx, artworkId, base.seq, seq)) }
}

/**
 * Brings the cached document up to the artwork's current seq by folding the ops stored since (one
 * statement, so seq and ops are consistent). Returns true when the cache moved forward (another
 * node wrote meanwhile: worth another try), false when the seq had not moved or the artwork is gone.
 */
export async function catchUpCache(prisma: PrismaClient, artworkId: string): Promise<boolean> {
  const cached = cache.get(artworkId)
  if (!cached || cached.snapshotSeq === undefined || cached.pending) return false
  const head = await headWithOpsAfter(prisma, artworkId, cached.seq)
  if (!head || head.seq <= cached.seq) return false
  if (head.ops.length !== head.seq - cached.seq || cache.peek(artworkId) !== cached) return false
  const doc = cloneDocument(cached.doc)
  const bytes = foldStored(doc, cached.bytes, head.ops)
  remember(artworkId, { seq: head.seq, doc, bytes, snapshotSeq: head.snapshotSeq })
  return true
}

/** The current document of an artwork (snapshot + the ops after it), e.g. to save a version. */
export async function currentDocument(prisma: PrismaClient, artworkId: string): Promise<{ seq: number; doc: CanvasDocument }> {
  return prisma.$transaction(async (tx) => {
    const seq = await artworkSeq(tx, artworkId)
    if (seq === null) throw new Error(`no such artwork: ${artworkId}`)
    const { doc, bytes } = await documentAt(tx, artworkId, seq)
    remember(artworkId, { seq, doc: cloneDocument(doc), bytes })
    return { seq, doc }
  })
}
