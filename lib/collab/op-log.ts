// The server's op log: gives each accepted op the artwork's next seq inside a database
// transaction (the artwork row is locked, so ops of one artwork are strictly ordered even across
// server processes), stores it, and folds snapshots every SNAPSHOT_EVERY ops with the same apply
// function the clients use. PostgreSQL is the only source of order and truth.
import { canvasDocumentSchema, type CanvasDocument } from '../canvas/document'
import { applyOpInPlace, cloneDocument, type CanvasOp } from '../canvas/ops'
import type { PrismaClient } from '../db/client'
import type { StoredOp } from './protocol'
import { toCanvasOp } from './op-codec'

export const SNAPSHOT_EVERY = 100

export type SubmitResult =
  | { ok: true; duplicate: boolean; op: StoredOp }
  | { ok: false; code: 'rejected' | 'not_found' | 'conflict'; message: string }

interface CachedDoc {
  seq: number
  doc: CanvasDocument
}

/** Per-process cache of folded documents; behind the database, it catches up by folding. */
const MAX_CACHED = 256
const cache = new Map<string, CachedDoc>()

function remember(artworkId: string, entry: CachedDoc) {
  cache.delete(artworkId)
  cache.set(artworkId, entry)
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
}

export { toCanvasOp }

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]

/** The document at `seq` (the artwork's current seq, read under the row lock). */
async function documentAt(tx: Tx, artworkId: string, seq: number): Promise<CanvasDocument> {
  let base = cache.get(artworkId)
  if (!base || base.seq > seq) {
    const art = await tx.artwork.findUniqueOrThrow({ where: { id: artworkId }, select: { snapshot: true, snapshotSeq: true } })
    base = { seq: art.snapshotSeq, doc: canvasDocumentSchema.parse(art.snapshot) }
  }
  if (base.seq === seq) return cloneDocument(base.doc)
  const doc = cloneDocument(base.doc)
  const missing = await tx.op.findMany({
    where: { artworkId, seq: { gt: base.seq, lte: seq } },
    orderBy: { seq: 'asc' },
    select: { kind: true, objectId: true, payload: true },
  })
  for (const row of missing) applyOpInPlace(doc, toCanvasOp({ ...row, payload: row.payload }))
  return doc
}

export interface SubmitInput {
  artworkId: string
  authorId: string
  opId: string
  op: CanvasOp
}

export async function submitOp(prisma: PrismaClient, input: SubmitInput): Promise<SubmitResult> {
  const existing = await findByOpId(prisma, input.opId)
  if (existing) {
    if (existing.artworkId !== input.artworkId) return { ok: false, code: 'conflict', message: 'this opId belongs to another artwork' }
    return { ok: true, duplicate: true, op: existing.op }
  }
  try {
    const result = await prisma.$transaction(async (tx) => {
      // lock the artwork row: concurrent submitters of this artwork wait here, on every node
      const locked = await tx.$queryRaw<Array<{ seq: number; snapshotSeq: number }>>`
        SELECT "seq", "snapshotSeq" FROM "Artwork" WHERE "id" = ${input.artworkId} FOR UPDATE`
      const row = locked[0]
      if (!row) return { ok: false as const, code: 'not_found' as const, message: 'no such artwork' }
      // a resend that waited on the lock behind its own first copy: answer with the stored one
      const raced = await findByOpId(tx, input.opId)
      if (raced) {
        if (raced.artworkId !== input.artworkId) return { ok: false as const, code: 'conflict' as const, message: 'this opId belongs to another artwork' }
        return { ok: true as const, duplicate: true, op: raced.op }
      }
      const doc = await documentAt(tx, input.artworkId, row.seq)
      const applied = applyOpInPlace(doc, input.op)
      if (!applied.ok) return { ok: false as const, code: 'rejected' as const, message: applied.message, doc: { seq: row.seq, doc } }
      const seq = row.seq + 1
      const stored = await tx.op.create({
        data: { artworkId: input.artworkId, seq, opId: input.opId, authorId: input.authorId, kind: input.op.kind, objectId: input.op.objectId, payload: input.op.data },
        select: { seq: true, opId: true, authorId: true, kind: true, objectId: true, payload: true },
      })
      const snapshot = seq - row.snapshotSeq >= SNAPSHOT_EVERY
      await tx.artwork.update({
        where: { id: input.artworkId },
        data: { seq, ...(snapshot ? { snapshot: doc, snapshotSeq: seq } : {}) },
      })
      return { ok: true as const, duplicate: false, op: { ...stored, payload: stored.payload } as StoredOp, doc: { seq, doc } }
    })
    if ('doc' in result && result.doc) remember(input.artworkId, result.doc)
    if (!result.ok) return { ok: false, code: result.code, message: result.message }
    return { ok: true, duplicate: result.duplicate, op: result.op }
  } catch (e) {
    // a concurrent resend of the same opId won the race: answer with the stored one
    if ((e as { code?: string }).code === 'P2002') {
      const raced = await findByOpId(prisma, input.opId)
      if (raced && raced.artworkId === input.artworkId) return { ok: true, duplicate: true, op: raced.op }
    }
    throw e
  }
}

async function findByOpId(prisma: PrismaClient | Tx, opId: string) {
  const row = await prisma.op.findUnique({
    where: { opId },
    select: { artworkId: true, seq: true, opId: true, authorId: true, kind: true, objectId: true, payload: true },
  })
  if (!row) return null
  const { artworkId, ...op } = row
  return { artworkId, op: { ...op, payload: op.payload } as StoredOp }
}

/** The current document of an artwork (snapshot + the ops after it), e.g. to save a version. */
export async function currentDocument(prisma: PrismaClient, artworkId: string): Promise<{ seq: number; doc: CanvasDocument }> {
  return prisma.$transaction(async (tx) => {
    const art = await tx.artwork.findUniqueOrThrow({ where: { id: artworkId }, select: { seq: true } })
    const doc = await documentAt(tx, artworkId, art.seq)
    remember(artworkId, { seq: art.seq, doc: cloneDocument(doc) })
    return { seq: art.seq, doc }
  })
}

/** For tests: forget the cached documents, as a fresh process would. */
export function clearDocumentCache() {
  cache.clear()
}
