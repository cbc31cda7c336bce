// The op writer: gives each accepted op the artwork's next seq in the database (under the
// artwork row's lock, so ops of one artwork are strictly ordered even across server processes)
// and stores it. Ops queue in this process and are committed in rounds (see Writer): the ops of
// every artwork whose cached document (document-cache.ts) is current, the usual case, in one
// conditional statement, the others each in a transaction that locks the row (see submitBatch).
// After a round, snapshot-fold.ts may fold. The SQL is lib/db/op-rows.ts'.
import type { CanvasOp } from '../canvas/ops'
import type { PrismaClient } from '../db/client'
import { insertOpsLocked, lockArtworkHead, opByOpId, opsByOpIds, storeOpBatches, type NewOpRow, type OpRow } from '../db/op-rows'
import type { StoredOp } from './protocol'
import { applyBounded, cachedDocument, catchUpCache, documentAt, remember, type CachedDoc } from './document-cache'
import { countStoredOps, startFold } from './snapshot-fold'

export type SubmitResult =
  | { ok: true; duplicate: boolean; op: StoredOp }
  | { ok: false; code: 'rejected' | 'not_found' | 'conflict'; message: string }

export interface SubmitInput {
  artworkId: string
  authorId: string
  opId: string
  op: CanvasOp
}

/** The row that stores `input` as the artwork's op number `seq`. */
const rowOf = (artworkId: string, seq: number, input: SubmitInput): NewOpRow => ({
  artworkId,
  seq,
  opId: input.opId,
  authorId: input.authorId,
  kind: input.op.kind,
  objectId: input.op.objectId,
  payload: input.op.data,
})

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
    if (!writer) writers.set(prisma, (writer = { queues: new Map(), running: false }))
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
    for (const artworkId of round.keys()) if (!busy.has(artworkId)) startFold(prisma, artworkId)
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
  rows: NewOpRow[]
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
  const entry = cachedDocument(artworkId)
  if (!entry || entry.snapshotSeq === undefined || entry.pending) return null
  const doc = entry.doc
  const order = doc.order.slice()
  const replaced = new Map<string, CachedDoc['doc']['objects'][string] | undefined>()
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
    rows.push(rowOf(artworkId, seq, input))
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
 * The prepared batches of several artworks in one statement (storeOpBatches: it advances an
 * artwork's seq only if it still is the cached one and no opId of its batch is stored yet, and
 * skips rows another transaction holds). A stored batch's cache entry moves forward; the others'
 * documents are put back, for the caller to retry on its own. Throws (all put back) when the
 * statement fails as a whole.
 */
async function commitFast(prisma: PrismaClient, batches: ReadonlyMap<string, PreparedBatch>): Promise<FastOutcome> {
  // each artwork's rows as JSON once: the statement's input, and the size its fold budget counts
  const json = new Map([...batches].map(([id, b]) => [id, JSON.stringify(b.rows)]))
  let answer: Awaited<ReturnType<typeof storeOpBatches>>
  try {
    answer = await storeOpBatches(prisma, new Map([...batches].map(([id, b]) => [id, { from: b.from, to: b.to, rows: b.rows, json: json.get(id) as string }])))
  } catch (e) {
    for (const b of batches.values()) b.undo()
    throw e
  }
  const stored = new Map<string, SubmitResult[]>()
  for (const [artworkId, b] of batches) {
    const got = answer.stored.get(artworkId)
    if (!got) {
      b.undo()
      continue
    }
    if (got.size !== b.rows.length) throw new Error(`op log: stored ${got.size} of ${b.rows.length} ops of ${artworkId} in one statement`)
    b.keep()
    remember(artworkId, b.entry)
    countStoredOps(artworkId, (json.get(artworkId) as string).length)
    stored.set(artworkId, b.rows.map((row): SubmitResult => ({ ok: true, duplicate: false, op: got.get(row.seq) as OpRow })))
  }
  return { stored, busy: answer.busy }
}

/** One artwork's batch in one statement; 'unchanged' when it changed nothing, 'locked' without trying. */
async function submitFast(prisma: PrismaClient, artworkId: string, inputs: SubmitInput[]): Promise<SubmitResult[] | 'unchanged' | 'locked'> {
  const prepared = prepareFast(artworkId, inputs)
  if (!prepared) return 'locked'
  // a busy row here (outside the writer's rounds) counts as unchanged: the caller catches up or locks
  return (await commitFast(prisma, new Map([[artworkId, prepared]]))).stored.get(artworkId) ?? 'unchanged'
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
      const row = await lockArtworkHead(tx, artworkId)
      if (!row) return { results: inputs.map((): SubmitResult => ({ ok: false, code: 'not_found', message: 'no such artwork' })), doc: null }
      // opIds stored before (resends; also one that waited on the lock behind its own first copy)
      const known = await opsByOpIds(tx, inputs.map((i) => i.opId))
      const stored = new Map<string, { artworkId: string; op: StoredOp }>(known.map(({ artworkId: owner, ...op }) => [op.opId, { artworkId: owner, op }]))
      const { doc, bytes: before } = await documentAt(tx, artworkId, row.seq)
      let bytes = before
      let seq = row.seq
      const results: Array<SubmitResult | { pending: string }> = []
      const rows: NewOpRow[] = []
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
        rows.push(rowOf(artworkId, seq, input))
        results.push({ pending: key })
      }
      if (rows.length > 0) {
        for (const op of await insertOpsLocked(tx, artworkId, rows, seq)) stored.set(op.opId, { artworkId, op })
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
      const raced = await opByOpId(prisma, input.opId)
      if (raced) {
        const { artworkId: owner, ...op } = raced
        return [
          owner === artworkId
            ? { ok: true, duplicate: true, op }
            : { ok: false, code: 'conflict', message: 'this opId belongs to another artwork' },
        ]
      }
    }
    throw e
  }
}

