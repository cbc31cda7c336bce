// Folding: when enough ops have been stored since an artwork's last snapshot, the cached document
// (lib/collab/document-cache.ts) is written as its new snapshot, in the background, so a joiner
// receives a recent document and a few ops instead of the whole history.
import { LRUCache } from 'lru-cache'
import { utf8Length } from '../canvas/document'
import type { PrismaClient } from '../db/client'
import { writeSnapshot } from '../db/op-rows'
import { cachedDocument, MAX_CACHED_DOCUMENTS, type CachedDoc } from './document-cache'

/** A snapshot is written after at least this many ops... */
export const SNAPSHOT_EVERY = 100

/**
 * ...and once the ops since the last one weigh as much as the document did then (JSON bytes):
 * writing a snapshot costs in proportion to the document, so this keeps that cost a constant
 * share of the op traffic, and a joiner never receives more than about twice the document.
 */
interface FoldBudget {
  /** JSON bytes of the ops this process stored since the last snapshot it wrote */
  opBytes: number
  /** JSON bytes of that snapshot's document (0 before the first) */
  docBytes: number
}
const budgets = new LRUCache<string, FoldBudget>({ max: MAX_CACHED_DOCUMENTS })

function budgetOf(artworkId: string): FoldBudget {
  let b = budgets.get(artworkId)
  if (!b) budgets.set(artworkId, (b = { opBytes: 0, docBytes: 0 }))
  return b
}

/** The op writer stored `jsonBytes` of an artwork's ops. */
export function countStoredOps(artworkId: string, jsonBytes: number): void {
  budgetOf(artworkId).opBytes += jsonBytes
}

/** For tests: forget the fold budgets, as a fresh process would. */
export function clearFoldBudgets(): void {
  budgets.clear()
}

/** Artworks whose snapshot is being written by this process (one write at a time per artwork). */
const folding = new Set<string>()

/**
 * Stores the cached document as the artwork's snapshot when at least SNAPSHOT_EVERY ops, weighing
 * at least the last snapshot's document (FoldBudget), were added since the last one. Called after
 * the ops are committed and answered; runs in its own statement in the background, into the
 * Snapshot table: a large document takes PostgreSQL tens of milliseconds to parse and write, and
 * the artwork's ops go on meanwhile. A snapshot and its seq are written together, so readers
 * always see a document folded exactly up to its seq. A failure only postpones the snapshot.
 */
export function startFold(prisma: PrismaClient, artworkId: string): void {
  const cached = cachedDocument(artworkId)
  if (folding.has(artworkId) || !cached || cached.pending || cached.snapshotSeq === undefined || cached.seq - cached.snapshotSeq < SNAPSHOT_EVERY) return
  const budget = budgetOf(artworkId)
  if (budget.opBytes < budget.docBytes) return
  folding.add(artworkId)
  void foldSnapshot(prisma, artworkId, cached).finally(() => folding.delete(artworkId))
}

async function foldSnapshot(prisma: PrismaClient, artworkId: string, cached: CachedDoc) {
  const json = JSON.stringify(cached.doc)
  // the exact size, while we have the JSON: what opSizeDelta's few bytes an op drifted is reset
  cached.bytes = utf8Length(json)
  const budget = budgetOf(artworkId)
  budget.opBytes = 0
  budget.docBytes = json.length
  try {
    await writeSnapshot(prisma, artworkId, cached.seq, json)
    // the cache has usually moved on meanwhile: its entry learns the new snapshotSeq
    const now = cachedDocument(artworkId)
    if (now && now.snapshotSeq !== undefined && now.seq >= cached.seq && now.snapshotSeq < cached.seq) now.snapshotSeq = cached.seq
  } catch (e) {
    console.warn(`[op-log] snapshot of ${artworkId} at ${cached.seq} postponed:`, e instanceof Error ? e.message : e)
  }
}
