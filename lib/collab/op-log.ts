// The server's op log: gives each accepted op the artwork's next seq in the database (under the
// artwork row's lock, so ops of one artwork are strictly ordered even across server processes),
// stores it, and folds snapshots (see startFold) with the same apply function the clients
// use. PostgreSQL is the only source of order and truth. Ops queue in this process and are
// committed in rounds (see Writer): the ops of every artwork whose cached document is current (the
// usual case) in one conditional statement, the others each in a transaction that locks the row
// (see submitBatch).
import { documentBytes, MAX_DOCUMENT_BYTES, utf8Length, type CanvasDocument } from '../canvas/document'
import { applyOpInPlace, cloneDocument, opSizeDelta, type CanvasOp } from '../canvas/ops'
import type { PrismaClient } from '../db/client'
import type { StoredOp } from './protocol'
import { toCanvasOp } from './op-codec'
import { latestSnapshot, snapshotSeqSql, writeSnapshot } from './snapshots'

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
const foldBudgets = new Map<string, FoldBudget>()

function budgetOf(artworkId: string): FoldBudget {
  let b = foldBudgets.get(artworkId)
  if (!b) {
    if (foldBudgets.size >= MAX_CACHED) foldBudgets.delete(foldBudgets.keys().next().value as string)
    foldBudgets.set(artworkId, (b = { opBytes: 0, docBytes: 0 }))
  }
  return b
}

export type SubmitResult =
  | { ok: true; duplicate: boolean; op: StoredOp }
  | { ok: false; code: 'rejected' | 'not_found' | 'conflict'; message: string }

interface CachedDoc {
  seq: number
  doc: CanvasDocument
  /** UTF-8 bytes of doc's JSON, kept up to date op by op (opSizeDelta) */
  bytes: number
  /** the artwork's snapshotSeq at `seq`, when this process wrote or read it under the lock */
  snapshotSeq?: number
  /** a round's ops are applied to `doc` but not yet stored (readers must not use it meanwhile) */
  pending?: boolean
}

/** Per-process cache of folded documents; behind the database, it catches up by folding. */
const MAX_CACHED = 256
const cache = new Map<string, CachedDoc>()

function remember(artworkId: string, entry: CachedDoc) {
  // a snapshot written while this entry's ops were in flight is not in the entry yet
  const before = cache.get(artworkId)?.snapshotSeq
  if (entry.snapshotSeq !== undefined && before !== undefined && before > entry.snapshotSeq && before <= entry.seq) entry.snapshotSeq = before
  cache.delete(artworkId)
  cache.set(artworkId, entry)
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
}

export { toCanvasOp }

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]

/**
 * Applies op to doc in place, unless it would take the document over MAX_DOCUMENT_BYTES (the size
 * HTTP saves refuse: a canvas grown past it over the socket could no longer be saved as a
 * version). `bytes` is the document's size before; the answer has it after.
 */
function applyBounded(doc: CanvasDocument, op: CanvasOp, bytes: number): { ok: true; bytes: number } | { ok: false; message: string } {
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
function foldStored(doc: CanvasDocument, bytes: number, rows: ReadonlyArray<{ kind: StoredOp['kind']; objectId: string; payload: unknown }>): number {
  for (const row of rows) {
    const op = toCanvasOp(row)
    bytes += opSizeDelta(doc, op)
    applyOpInPlace(doc, op)
  }
  return bytes
}

/** The document at `seq` (the artwork's current seq, read under the row lock), and its size. */
async function documentAt(tx: Tx, artworkId: string, seq: number): Promise<{ doc: CanvasDocument; bytes: number }> {
  const cached = cache.get(artworkId)
  let base: { seq: number; doc: CanvasDocument; bytes?: number } | undefined = cached?.pending ? undefined : cached
  if (!base || base.seq > seq) {
    const snapshot = await latestSnapshot(tx, artworkId, seq)
    if (!snapshot) throw new Error(`op log: no snapshot of ${artworkId} at or before ${seq}`)
    base = { seq: snapshot.seq, doc: snapshot.document }
  }
  const bytes = base.bytes ?? documentBytes(base.doc)
  if (base.seq === seq) return { doc: cloneDocument(base.doc), bytes }
  const doc = cloneDocument(base.doc)
  const missing = await tx.op.findMany({
    where: { artworkId, seq: { gt: base.seq, lte: seq } },
    orderBy: { seq: 'asc' },
    select: { kind: true, objectId: true, payload: true },
  })
  return { doc, bytes: foldStored(doc, bytes, missing) }
}

export interface SubmitInput {
  artworkId: string
  authorId: string
  opId: string
  op: CanvasOp
}

/** At most this many queued ops of one artwork go into one round. */
const MAX_BATCH = 32

interface Queued {
  input: SubmitInput
  resolve: (result: SubmitResult) => void
  reject: (error: unknown) => void
}

/**
 * The ops waiting to be stored, per database client. One writer per client and process commits
 * in rounds: every round takes what queued meanwhile from every artwork (up to MAX_BATCH each,
 * in arrival order) and stores the ops of all artworks whose cached document is current in ONE
 * statement (group commit across rooms: at 1,000 ops/s in 20 rooms that is a few statements per
 * round trip instead of one per room, and PostgreSQL plans, locks and flushes its WAL once).
 * Artworks that need the locked path (cold cache, a refused op, a duplicate opId, a write from
 * another node) take it in the same round, each in its own transaction. The statement skips an
 * artwork whose row someone else holds locked (its snapshot being written, another node's
 * transaction): that artwork's ops go back to the front of its queue for the next round, so no
 * round waits on one busy row.
 */
interface Writer {
  queues: Map<string, Queued[]>
  /** artworks whose snapshot is being written (one write at a time per artwork) */
  folding: Set<string>
  running: boolean
}

/** Pause before a round that would only retry busy rows (instead of spinning on them), doubling up to the max. */
const BUSY_RETRY_MS = 2
const BUSY_RETRY_MAX_MS = 20

const writers = new WeakMap<PrismaClient, Writer>()

/**
 * Orders and stores one op: the artwork's next seq, or the stored seq of an opId seen before
 * (duplicate), or a refusal when the op does not apply to the current document.
 */
export function submitOp(prisma: PrismaClient, input: SubmitInput): Promise<SubmitResult> {
  return new Promise<SubmitResult>((resolve, reject) => {
    let writer = writers.get(prisma)
    if (!writer) writers.set(prisma, (writer = { queues: new Map(), folding: new Set(), running: false }))
    let queue = writer.queues.get(input.artworkId)
    if (!queue) writer.queues.set(input.artworkId, (queue = []))
    queue.push({ input, resolve, reject })
    wake(prisma, writer)
  })
}

function wake(prisma: PrismaClient, writer: Writer) {
  if (writer.running) return
  writer.running = true
  void drain(prisma, writer).finally(() => {
    writer.running = false
    if (writer.queues.size > 0) wake(prisma, writer)
  })
}

async function drain(prisma: PrismaClient, writer: Writer) {
  let busyWait = 0
  for (;;) {
    const round = new Map<string, Queued[]>()
    for (const [artworkId, queue] of writer.queues) {
      round.set(artworkId, queue.splice(0, MAX_BATCH))
      if (queue.length === 0) writer.queues.delete(artworkId)
    }
    if (round.size === 0) return
    if (busyWait > 0) await new Promise((r) => setTimeout(r, busyWait))
    const busy = await runRound(prisma, round)
    // busy artworks keep their place: their batch goes back before what queued meanwhile
    for (const artworkId of busy) writer.queues.set(artworkId, [...(round.get(artworkId) as Queued[]), ...(writer.queues.get(artworkId) ?? [])])
    busyWait = busy.size > 0 && busy.size === round.size ? Math.min(BUSY_RETRY_MAX_MS, Math.max(BUSY_RETRY_MS, busyWait * 2)) : 0
    for (const artworkId of round.keys()) if (!busy.has(artworkId)) startFold(prisma, writer, artworkId)
  }
}

/**
 * One round: the fast artworks in one statement, the others on the locked path, concurrently.
 * Returns the artworks whose rows were busy (nothing of theirs was stored or answered).
 */
async function runRound(prisma: PrismaClient, round: Map<string, Queued[]>): Promise<Set<string>> {
  const fast = new Map<string, PreparedBatch & { batch: Queued[] }>()
  const locked: Array<[string, Queued[]]> = []
  for (const [artworkId, batch] of round) {
    const prepared = prepareFast(artworkId, batch.map((q) => q.input))
    if (prepared) fast.set(artworkId, { ...prepared, batch })
    else locked.push([artworkId, batch])
  }
  const busy = new Set<string>()
  const commitFastOnes = async () => {
    if (fast.size === 0) return
    let outcome: FastOutcome | null = null
    try {
      outcome = await commitFast(prisma, fast)
    } catch (e) {
      // e.g. a deadlock with another node's round, or an opId raced in by another node: each
      // artwork again on its own, where the locked path sorts it out
      console.warn('[op-log] one-statement round failed, retrying per artwork:', e instanceof Error ? e.message : e)
    }
    const again: Array<[string, Queued[]]> = []
    for (const [artworkId, { batch }] of fast) {
      const results = outcome?.stored.get(artworkId)
      if (results) batch.forEach((q, i) => q.resolve(results[i] as SubmitResult))
      else if (outcome?.busy.has(artworkId)) busy.add(artworkId)
      else again.push([artworkId, batch])
    }
    await Promise.all(again.map(([artworkId, batch]) => settleAlone(prisma, artworkId, batch)))
  }
  await Promise.all([commitFastOnes(), ...locked.map(([artworkId, batch]) => settleAlone(prisma, artworkId, batch))])
  return busy
}

/** One artwork's batch on its own (one-statement tries, then the locked transaction). */
async function settleAlone(prisma: PrismaClient, artworkId: string, batch: Queued[]) {
  try {
    const results = await submitBatch(prisma, artworkId, batch.map((q) => q.input))
    batch.forEach((q, i) => q.resolve(results[i] as SubmitResult))
  } catch (e) {
    if (batch.length === 1) return (batch[0] as Queued).reject(e)
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

const opSelect = { seq: true, opId: true, authorId: true, kind: true, objectId: true, payload: true } as const

type StoredRow = Omit<StoredOp, 'payload'> & { payload: unknown }

interface PreparedBatch {
  /** the artwork's seq the batch was applied on (the cached one) and the seq after it */
  from: number
  to: number
  /** the cache entry, its document already holding the batch (pending until stored or undone) */
  entry: CachedDoc
  /** puts the entry's document back as it was before the batch (no-op once kept) */
  undo: () => void
  /** the batch is stored: the entry is at `to` */
  keep: () => void
  rows: Array<{ artworkId: string; seq: number; opId: string; authorId: string; kind: CanvasOp['kind']; objectId: string; payload: CanvasOp['data'] }>
}

/**
 * The batch applied to this process's cached document in place, when the cache is warm and
 * every op applies with no opId repeated; null (and the document untouched) sends the batch to
 * the locked path, which decides refusals, duplicates and cold caches. In place because a
 * document of hundreds of objects is costly to copy for every round; what the batch replaced is
 * kept for undo, which restores the very same objects (an inverse op might not: it writes null
 * for a property that was absent).
 */
function prepareFast(artworkId: string, inputs: SubmitInput[]): PreparedBatch | null {
  const entry = cache.get(artworkId)
  if (!entry || entry.snapshotSeq === undefined || entry.pending) return null
  const doc = entry.doc
  const order = doc.order.slice()
  const replaced = new Map<string, CanvasDocument['objects'][string] | undefined>()
  let settled = false
  const undo = () => {
    if (settled) return
    settled = true
    for (const [id, object] of replaced) {
      if (object === undefined) delete doc.objects[id]
      else doc.objects[id] = object
    }
    doc.order = order
    entry.pending = false
  }
  const opIds = new Set<string>()
  const rows: PreparedBatch['rows'] = []
  let seq = entry.seq
  let bytes = entry.bytes
  for (const input of inputs) {
    const key = input.opId.toLowerCase() // the database's form of a uuid
    if (!replaced.has(input.op.objectId)) replaced.set(input.op.objectId, doc.objects[input.op.objectId])
    const applied = opIds.has(key) ? null : applyBounded(doc, input.op, bytes)
    if (!applied?.ok) {
      undo()
      return null
    }
    bytes = applied.bytes
    opIds.add(key)
    seq++
    rows.push({ artworkId, seq, opId: input.opId, authorId: input.authorId, kind: input.op.kind, objectId: input.op.objectId, payload: input.op.data })
  }
  entry.pending = true
  const keep = () => {
    if (settled) return
    settled = true
    entry.seq = seq
    entry.bytes = bytes
    entry.pending = false
  }
  return { from: entry.seq, to: seq, entry, undo, keep, rows }
}

interface FastOutcome {
  /** the answers of the artworks whose ops were stored */
  stored: Map<string, SubmitResult[]>
  /** artworks whose row another transaction held locked: skipped, nothing stored */
  busy: Set<string>
}

/**
 * The prepared batches of several artworks in one statement (one round trip, no explicit
 * transaction). The statement locks the artworks' rows in id order (so two nodes' rounds cannot
 * deadlock), skipping rows another transaction holds (busy). Per locked artwork, it advances the
 * seq only if it still is the cached one and no opId of its batch is stored yet, and inserts that
 * artwork's ops; an artwork whose condition fails (a writer on another node got there first, or a
 * resend) changes nothing and is in neither set of the answer, for the caller to retry on its
 * own. Throws when the statement fails as a whole.
 */
async function commitFast(prisma: PrismaClient, batches: ReadonlyMap<string, PreparedBatch>): Promise<FastOutcome> {
  let outcome: FastOutcome
  try {
    outcome = await storeBatches(prisma, batches)
  } catch (e) {
    for (const b of batches.values()) b.undo()
    throw e
  }
  for (const [artworkId, b] of batches) if (!outcome.stored.has(artworkId)) b.undo()
  return outcome
}

async function storeBatches(prisma: PrismaClient, batches: ReadonlyMap<string, PreparedBatch>): Promise<FastOutcome> {
  // each artwork's rows as JSON once: the statement's input, and the size its fold budget counts
  const rowsJson = new Map([...batches].map(([id, b]) => [id, JSON.stringify(b.rows)]))
  const input = `[${[...rowsJson.values()].map((j) => j.slice(1, -1)).filter((j) => j.length > 0).join(',')}]`
  const arts = [...batches].map(([id, b]) => ({ id, from: b.from, to: b.to }))
  const answer = await prisma.$queryRaw<Array<StoredRow & { artworkId: string; busy: boolean }>>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb)
        AS i("artworkId" text, "seq" integer, "opId" uuid, "authorId" text, "kind" "OpKind", "objectId" varchar(64), "payload" jsonb)
    ), arts AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(arts)}::jsonb) AS a("id" text, "from" integer, "to" integer)
    ), free AS (
      SELECT w."id" FROM "Artwork" w WHERE w."id" IN (SELECT "id" FROM arts) ORDER BY w."id" FOR NO KEY UPDATE SKIP LOCKED
    ), advanced AS (
      UPDATE "Artwork" w SET "seq" = a."to", "updatedAt" = ${new Date()}
      FROM arts a JOIN free f ON f."id" = a."id"
      WHERE w."id" = a."id" AND w."seq" = a."from"
        AND NOT EXISTS (SELECT 1 FROM "Op" o JOIN input i ON o."opId" = i."opId" WHERE i."artworkId" = a."id")
      RETURNING w."id"
    ), inserted AS (
      INSERT INTO "Op" ("artworkId", "seq", "opId", "authorId", "kind", "objectId", "payload")
      SELECT i."artworkId", i."seq", i."opId", i."authorId", i."kind", i."objectId", i."payload" FROM input i JOIN advanced a ON a."id" = i."artworkId"
      RETURNING "artworkId", "seq", "opId", "authorId", "kind", "objectId", "payload"
    )
    SELECT "artworkId", "seq", "opId", "authorId", "kind", "objectId", "payload", false AS "busy" FROM inserted
    UNION ALL
    SELECT a."id", NULL, NULL, NULL, NULL, NULL, NULL, true FROM arts a
    WHERE a."id" NOT IN (SELECT "id" FROM free) AND EXISTS (SELECT 1 FROM "Artwork" w WHERE w."id" = a."id")`
  const busy = new Set<string>()
  const byArtwork = new Map<string, Map<number, StoredRow>>()
  for (const r of answer) {
    if (r.busy) {
      busy.add(r.artworkId)
      continue
    }
    let m = byArtwork.get(r.artworkId)
    if (!m) byArtwork.set(r.artworkId, (m = new Map()))
    m.set(r.seq, r)
  }
  const out = new Map<string, SubmitResult[]>()
  for (const [artworkId, b] of batches) {
    const got = byArtwork.get(artworkId)
    if (!got) continue
    if (got.size !== b.rows.length) throw new Error(`op log: stored ${got.size} of ${b.rows.length} ops of ${artworkId} in one statement`)
    b.keep()
    remember(artworkId, b.entry)
    budgetOf(artworkId).opBytes += (rowsJson.get(artworkId) as string).length
    out.set(
      artworkId,
      b.rows.map((row): SubmitResult => {
        const r = got.get(row.seq) as StoredRow
        return { ok: true, duplicate: false, op: { seq: r.seq, opId: r.opId, authorId: r.authorId, kind: r.kind, objectId: r.objectId, payload: r.payload } }
      }),
    )
  }
  return { stored: out, busy }
}

/** One artwork's batch in one statement; 'unchanged' when it changed nothing, 'locked' without trying. */
async function submitFast(prisma: PrismaClient, artworkId: string, inputs: SubmitInput[]): Promise<SubmitResult[] | 'unchanged' | 'locked'> {
  const prepared = prepareFast(artworkId, inputs)
  if (!prepared) return 'locked'
  // a busy row here (outside the writer's rounds) counts as unchanged: the caller catches up or locks
  return (await commitFast(prisma, new Map([[artworkId, prepared]]))).stored.get(artworkId) ?? 'unchanged'
}

/**
 * After the one-statement path changed nothing: brings the cached document up to the artwork's
 * current seq by folding the ops stored since (one statement, so seq and ops are consistent).
 * Returns true when the cache moved forward (another node wrote meanwhile: worth another try),
 * false when the seq had not moved (an opId of the batch was stored before) or the artwork is gone.
 */
async function catchUpCache(prisma: PrismaClient, artworkId: string): Promise<boolean> {
  const cached = cache.get(artworkId)
  if (!cached || cached.snapshotSeq === undefined || cached.pending) return false
  const rows = await prisma.$queryRaw<Array<{ artworkSeq: number; snapshotSeq: number; seq: number | null; kind: StoredOp['kind'] | null; objectId: string | null; payload: unknown }>>`
    SELECT a."seq" AS "artworkSeq", ${snapshotSeqSql('a')} AS "snapshotSeq", o."seq", o."kind", o."objectId", o."payload"
    FROM "Artwork" a LEFT JOIN "Op" o ON o."artworkId" = a."id" AND o."seq" > ${cached.seq} AND o."seq" <= a."seq"
    WHERE a."id" = ${artworkId}
    ORDER BY o."seq"`
  const head = rows[0]
  if (!head || head.artworkSeq <= cached.seq) return false
  const ops = rows.filter((r) => r.seq !== null)
  if (ops.length !== head.artworkSeq - cached.seq || cache.get(artworkId) !== cached) return false
  const doc = cloneDocument(cached.doc)
  const bytes = foldStored(doc, cached.bytes, ops.map((r) => ({ kind: r.kind as StoredOp['kind'], objectId: r.objectId as string, payload: r.payload })))
  remember(artworkId, { seq: head.artworkSeq, doc, bytes, snapshotSeq: head.snapshotSeq })
  return true
}

/**
 * Stores the cached document as the artwork's snapshot when at least SNAPSHOT_EVERY ops, weighing
 * at least the last snapshot's document (FoldBudget), were added since the last one, after the
 * ops are committed and answered, in its own statement in the
 * background, into the Snapshot table (lib/collab/snapshots.ts): a large document takes
 * PostgreSQL tens of milliseconds to parse and write, and the artwork's ops go on meanwhile. A
 * snapshot and its seq are written together, so readers always see a document folded exactly up
 * to its seq. A failure only postpones the snapshot.
 */
function startFold(prisma: PrismaClient, writer: Writer, artworkId: string) {
  const cached = cache.get(artworkId)
  if (writer.folding.has(artworkId) || !cached || cached.pending || cached.snapshotSeq === undefined || cached.seq - cached.snapshotSeq < SNAPSHOT_EVERY) return
  const budget = budgetOf(artworkId)
  if (budget.opBytes < budget.docBytes) return
  writer.folding.add(artworkId)
  void foldSnapshot(prisma, artworkId, cached).finally(() => writer.folding.delete(artworkId))
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
    const now = cache.get(artworkId)
    if (now && now.snapshotSeq !== undefined && now.seq >= cached.seq && now.snapshotSeq < cached.seq) now.snapshotSeq = cached.seq
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
      // lock the artwork row: concurrent submitters of this artwork wait here, on every node (the
      // same lock mode as the one-statement path's UPDATE; a snapshot insert's key-share lock
      // does not conflict with it)
      const locked = await tx.$queryRaw<Array<{ seq: number; snapshotSeq: number }>>`
        SELECT a."seq", ${snapshotSeqSql('a')} AS "snapshotSeq" FROM "Artwork" a WHERE a."id" = ${artworkId} FOR NO KEY UPDATE OF a`
      const row = locked[0]
      if (!row) return { results: inputs.map((): SubmitResult => ({ ok: false, code: 'not_found', message: 'no such artwork' })), doc: null }
      // opIds stored before (resends; also one that waited on the lock behind its own first copy)
      const known = await tx.op.findMany({ where: { opId: { in: inputs.map((i) => i.opId) } }, select: { artworkId: true, ...opSelect } })
      const stored = new Map<string, { artworkId: string; op: StoredOp }>(
        known.map(({ artworkId: owner, ...op }) => [op.opId, { artworkId: owner, op: { ...op, payload: op.payload } as StoredOp }]),
      )
      const { doc, bytes: before } = await documentAt(tx, artworkId, row.seq)
      let bytes = before
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
        const applied = applyBounded(doc, input.op, bytes)
        if (!applied.ok) {
          results.push({ ok: false, code: 'rejected', message: applied.message })
          continue
        }
        bytes = applied.bytes
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
      return { results: final, doc: { seq, doc, bytes, snapshotSeq: row.snapshotSeq } }
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
    const { doc, bytes } = await documentAt(tx, artworkId, art.seq)
    remember(artworkId, { seq: art.seq, doc: cloneDocument(doc), bytes })
    return { seq: art.seq, doc }
  })
}

/** For tests: forget the cached documents, as a fresh process would. */
export function clearDocumentCache() {
  cache.clear()
  foldBudgets.clear()
}
