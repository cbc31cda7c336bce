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

/** At most this many queued ops of one artwork go into one transaction. */
const MAX_BATCH = 32

interface Queued {
  input: SubmitInput
  resolve: (result: SubmitResult) => void
  reject: (error: unknown) => void
}

/**
 * Ops waiting for their artwork's transaction, per database client and artwork. One transaction
 * per artwork at a time in this process: the others queue here (in arrival order) instead of
 * each holding a pooled connection while it waits on the row lock, and when the running one
 * commits, everything that queued meanwhile is ordered, stored and committed together (group
 * commit). Across processes the row lock still orders the transactions.
 */
const queues = new WeakMap<PrismaClient, Map<string, Queued[]>>()

/**
 * Orders and stores one op: the artwork's next seq, or the stored seq of an opId seen before
 * (duplicate), or a refusal when the op does not apply to the current document.
 */
export function submitOp(prisma: PrismaClient, input: SubmitInput): Promise<SubmitResult> {
  return new Promise<SubmitResult>((resolve, reject) => {
    let perArtwork = queues.get(prisma)
    if (!perArtwork) queues.set(prisma, (perArtwork = new Map()))
    const waiting = perArtwork.get(input.artworkId)
    if (waiting) {
      waiting.push({ input, resolve, reject })
      return
    }
    const queue: Queued[] = [{ input, resolve, reject }]
    perArtwork.set(input.artworkId, queue)
    void drainQueue(prisma, perArtwork, input.artworkId, queue)
  })
}

async function drainQueue(prisma: PrismaClient, perArtwork: Map<string, Queued[]>, artworkId: string, queue: Queued[]) {
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH)
    try {
      const results = await submitBatch(prisma, artworkId, batch.map((q) => q.input))
      batch.forEach((q, i) => q.resolve(results[i] as SubmitResult))
    } catch (e) {
      if (batch.length === 1) {
        ;(batch[0] as Queued).reject(e)
        continue
      }
      // one op must not fail the others: each on its own, in order
      for (const q of batch) {
        try {
          q.resolve((await submitBatch(prisma, artworkId, [q.input]))[0] as SubmitResult)
        } catch (single) {
          q.reject(single)
        }
      }
    }
  }
  perArtwork.delete(artworkId)
}

const opSelect = { seq: true, opId: true, authorId: true, kind: true, objectId: true, payload: true } as const

/** One transaction for ops of one artwork, in order; a result per input. */
async function submitBatch(prisma: PrismaClient, artworkId: string, inputs: SubmitInput[]): Promise<SubmitResult[]> {
  try {
    const outcome = await prisma.$transaction(async (tx) => {
      // lock the artwork row: concurrent submitters of this artwork wait here, on every node
      const locked = await tx.$queryRaw<Array<{ seq: number; snapshotSeq: number }>>`
        SELECT "seq", "snapshotSeq" FROM "Artwork" WHERE "id" = ${artworkId} FOR UPDATE`
      const row = locked[0]
      if (!row) return { results: inputs.map((): SubmitResult => ({ ok: false, code: 'not_found', message: 'no such artwork' })), doc: null }
      // opIds stored before (resends; also one that waited on the lock behind its own first copy)
      const known = await tx.op.findMany({ where: { opId: { in: inputs.map((i) => i.opId) } }, select: { artworkId: true, ...opSelect } })
      const stored = new Map<string, { artworkId: string; op: StoredOp }>(
        known.map(({ artworkId: owner, ...op }) => [op.opId, { artworkId: owner, op: { ...op, payload: op.payload } as StoredOp }]),
      )
      const doc = await documentAt(tx, artworkId, row.seq)
      let seq = row.seq
      const results: Array<SubmitResult | { pending: string }> = []
      const rows: Array<{ artworkId: string; seq: number; opId: string; authorId: string; kind: CanvasOp['kind']; objectId: string; payload: CanvasOp['data'] }> = []
      const inBatch = new Set<string>()
      for (const input of inputs) {
        const before = stored.get(input.opId)
        if (before) {
          results.push(
            before.artworkId === artworkId
              ? { ok: true, duplicate: true, op: before.op }
              : { ok: false, code: 'conflict', message: 'this opId belongs to another artwork' },
          )
          continue
        }
        if (inBatch.has(input.opId)) {
          results.push({ pending: input.opId }) // a resend queued behind its first copy
          continue
        }
        const applied = applyOpInPlace(doc, input.op)
        if (!applied.ok) {
          results.push({ ok: false, code: 'rejected', message: applied.message })
          continue
        }
        seq++
        inBatch.add(input.opId)
        rows.push({ artworkId, seq, opId: input.opId, authorId: input.authorId, kind: input.op.kind, objectId: input.op.objectId, payload: input.op.data })
        results.push({ pending: input.opId })
      }
      if (rows.length > 0) {
        const created = await tx.op.createManyAndReturn({ data: rows, select: opSelect })
        for (const op of created) stored.set(op.opId, { artworkId, op: { ...op, payload: op.payload } as StoredOp })
        const snapshot = seq - row.snapshotSeq >= SNAPSHOT_EVERY
        await tx.artwork.update({
          where: { id: artworkId },
          data: { seq, ...(snapshot ? { snapshot: doc, snapshotSeq: seq } : {}) },
          select: { seq: true }, // not the whole row: the snapshot can be large
        })
      }
      const firsts = new Set<string>()
      const final = results.map((r): SubmitResult => {
        if (!('pending' in r)) return r
        const op = (stored.get(r.pending) as { op: StoredOp }).op
        const duplicate = firsts.has(r.pending)
        firsts.add(r.pending)
        return { ok: true, duplicate, op }
      })
      return { results: final, doc: { seq, doc } }
    })
    if (outcome.doc) remember(artworkId, outcome.doc)
    return outcome.results
  } catch (e) {
    // a concurrent copy of the same opId (sent for another artwork, or through a process that
    // does not share this queue) won the race to the unique index
    if ((e as { code?: string }).code === 'P2002' && inputs.length === 1) {
      const input = inputs[0] as SubmitInput
      const raced = await findByOpId(prisma, input.opId)
      if (raced) {
        return [
          raced.artworkId === artworkId
            ? { ok: true, duplicate: true, op: raced.op }
            : { ok: false, code: 'conflict', message: 'this opId belongs to another artwork' },
        ]
      }
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
