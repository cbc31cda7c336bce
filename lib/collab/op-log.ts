// The server's op log: gives each accepted op the artwork's next seq in the database (under the
// artwork row's lock, so ops of one artwork are strictly ordered even across server processes),
// stores it, and folds snapshots every SNAPSHOT_EVERY ops with the same apply function the clients
// use. PostgreSQL is the only source of order and truth. Ops of one artwork queue in this process
// and are committed in batches: in one conditional statement when this process's cached document
// is current (the usual case), else in a transaction that locks the row (see submitBatch).
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
  /** the artwork's snapshotSeq at `seq`, when this process wrote or read it under the lock */
  snapshotSeq?: number
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
      // after the answers, before the next batch of this artwork
      await foldSnapshot(prisma, artworkId)
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

type StoredRow = Omit<StoredOp, 'payload'> & { payload: unknown }

/**
 * The common case in one statement (one round trip, no explicit transaction): when this
 * process's cached document is at the artwork's current seq and every op applies to it, the
 * statement advances the artwork's seq only if it still is the cached one and no opId of the
 * batch is stored yet, and inserts the ops. Its UPDATE takes the same row lock as the locked path,
 * and a writer on another node that got there first has changed seq, so the statement then
 * changes nothing. Returns 'unchanged' when it changed nothing, and 'locked' without trying when
 * an op is refused or the cache is cold: the locked path decides those.
 */
async function submitFast(prisma: PrismaClient, artworkId: string, inputs: SubmitInput[]): Promise<SubmitResult[] | 'unchanged' | 'locked'> {
  const cached = cache.get(artworkId)
  if (!cached || cached.snapshotSeq === undefined) return 'locked'
  const doc = cloneDocument(cached.doc)
  const opIds = new Set<string>()
  const rows: Array<{ seq: number; opId: string; authorId: string; kind: CanvasOp['kind']; objectId: string; payload: CanvasOp['data'] }> = []
  let seq = cached.seq
  for (const input of inputs) {
    if (opIds.has(input.opId.toLowerCase())) return 'locked'
    opIds.add(input.opId.toLowerCase())
    if (!applyOpInPlace(doc, input.op).ok) return 'locked'
    seq++
    rows.push({ seq, opId: input.opId, authorId: input.authorId, kind: input.op.kind, objectId: input.op.objectId, payload: input.op.data })
  }
  const stored = await prisma.$queryRaw<StoredRow[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS i("seq" integer, "opId" uuid, "authorId" text, "kind" "OpKind", "objectId" varchar(64), "payload" jsonb)
    ), advanced AS (
      UPDATE "Artwork" SET "seq" = ${seq}, "updatedAt" = ${new Date()}
      WHERE "id" = ${artworkId} AND "seq" = ${cached.seq}
        AND NOT EXISTS (SELECT 1 FROM "Op" o JOIN input i ON o."opId" = i."opId")
      RETURNING "id"
    )
    INSERT INTO "Op" ("artworkId", "seq", "opId", "authorId", "kind", "objectId", "payload")
    SELECT a."id", i."seq", i."opId", i."authorId", i."kind", i."objectId", i."payload" FROM advanced a CROSS JOIN input i
    RETURNING "seq", "opId", "authorId", "kind", "objectId", "payload"`
  if (stored.length === 0) return 'unchanged'
  if (stored.length !== rows.length) throw new Error(`op log: stored ${stored.length} of ${rows.length} ops in one statement`)
  remember(artworkId, { seq, doc, snapshotSeq: cached.snapshotSeq })
  const bySeq = new Map(stored.map((r) => [r.seq, r]))
  return rows.map((row): SubmitResult => {
    const r = bySeq.get(row.seq) as StoredRow
    return { ok: true, duplicate: false, op: { seq: r.seq, opId: r.opId, authorId: r.authorId, kind: r.kind, objectId: r.objectId, payload: r.payload } }
  })
}

/**
 * After the one-statement path changed nothing: brings the cached document up to the artwork's
 * current seq by folding the ops stored since (one statement, so seq and ops are consistent).
 * Returns true when the cache moved forward (another node wrote meanwhile: worth another try),
 * false when the seq had not moved (an opId of the batch was stored before) or the artwork is gone.
 */
async function catchUpCache(prisma: PrismaClient, artworkId: string): Promise<boolean> {
  const cached = cache.get(artworkId)
  if (!cached || cached.snapshotSeq === undefined) return false
  const rows = await prisma.$queryRaw<Array<{ artworkSeq: number; snapshotSeq: number; seq: number | null; kind: StoredOp['kind'] | null; objectId: string | null; payload: unknown }>>`
    SELECT a."seq" AS "artworkSeq", a."snapshotSeq", o."seq", o."kind", o."objectId", o."payload"
    FROM "Artwork" a LEFT JOIN "Op" o ON o."artworkId" = a."id" AND o."seq" > ${cached.seq} AND o."seq" <= a."seq"
    WHERE a."id" = ${artworkId}
    ORDER BY o."seq"`
  const head = rows[0]
  if (!head || head.artworkSeq <= cached.seq) return false
  const ops = rows.filter((r) => r.seq !== null)
  if (ops.length !== head.artworkSeq - cached.seq || cache.get(artworkId) !== cached) return false
  const doc = cloneDocument(cached.doc)
  for (const r of ops) applyOpInPlace(doc, toCanvasOp({ kind: r.kind as StoredOp['kind'], objectId: r.objectId as string, payload: r.payload }))
  remember(artworkId, { seq: head.artworkSeq, doc, snapshotSeq: head.snapshotSeq })
  return true
}

/**
 * Stores the cached document as the artwork's snapshot when SNAPSHOT_EVERY ops have been added
 * since the last one: after the ops are committed and answered, in its own statement (a large
 * document is slow to write, and the ops need not wait for it). The snapshot and its seq are
 * written together and only forward, so readers always see a document folded exactly up to
 * snapshotSeq. A failure only postpones the snapshot.
 */
async function foldSnapshot(prisma: PrismaClient, artworkId: string) {
  const cached = cache.get(artworkId)
  if (!cached || cached.snapshotSeq === undefined || cached.seq - cached.snapshotSeq < SNAPSHOT_EVERY) return
  try {
    await prisma.$executeRaw`
      UPDATE "Artwork" SET "snapshot" = ${JSON.stringify(cached.doc)}::jsonb, "snapshotSeq" = ${cached.seq}
      WHERE "id" = ${artworkId} AND "snapshotSeq" < ${cached.seq}`
    if (cache.get(artworkId) === cached) cached.snapshotSeq = cached.seq
  } catch (e) {
    console.warn(`[op-log] snapshot of ${artworkId} at ${cached.seq} postponed:`, e instanceof Error ? e.message : e)
  }
}

/** One-statement tries (with catch-ups between) before a batch takes the locked path. */
const FAST_ATTEMPTS = 3

/** Ops of one artwork, in order, in one statement or one transaction; a result per input. */
async function submitBatch(prisma: PrismaClient, artworkId: string, inputs: SubmitInput[]): Promise<SubmitResult[]> {
  for (let attempt = 0; attempt < FAST_ATTEMPTS; attempt++) {
    const fast = await submitFast(prisma, artworkId, inputs)
    if (fast === 'locked') break
    if (fast !== 'unchanged') return fast
    if (attempt === FAST_ATTEMPTS - 1 || !(await catchUpCache(prisma, artworkId))) break
  }
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
        const key = input.opId.toLowerCase() // the database's form of a uuid
        const before = stored.get(key)
        if (before) {
          results.push(
            before.artworkId === artworkId
              ? { ok: true, duplicate: true, op: before.op }
              : { ok: false, code: 'conflict', message: 'this opId belongs to another artwork' },
          )
          continue
        }
        if (inBatch.has(key)) {
          results.push({ pending: key }) // a resend queued behind its first copy
          continue
        }
        const applied = applyOpInPlace(doc, input.op)
        if (!applied.ok) {
          results.push({ ok: false, code: 'rejected', message: applied.message })
          continue
        }
        seq++
        inBatch.add(key)
        rows.push({ artworkId, seq, opId: input.opId, authorId: input.authorId, kind: input.op.kind, objectId: input.op.objectId, payload: input.op.data })
        results.push({ pending: key })
      }
      if (rows.length > 0) {
        const created = await tx.op.createManyAndReturn({ data: rows, select: opSelect })
        for (const op of created) stored.set(op.opId, { artworkId, op: { ...op, payload: op.payload } as StoredOp })
        await tx.artwork.update({ where: { id: artworkId }, data: { seq }, select: { seq: true } })
      }
      const firsts = new Set<string>()
      const final = results.map((r): SubmitResult => {
        if (!('pending' in r)) return r
        const op = (stored.get(r.pending) as { op: StoredOp }).op
        const duplicate = firsts.has(r.pending)
        firsts.add(r.pending)
        return { ok: true, duplicate, op }
      })
      return { results: final, doc: { seq, doc, snapshotSeq: row.snapshotSeq } }
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
