// Every SQL statement over the op log's tables: Op rows (an artwork's numbered edits) and its
// snapshots (the document folded up to a seq: on the Artwork row when it is created, then in the
// Snapshot table). The op writer, the document cache, room catch-up and version replay all read
// and write through here, so the row shape and its select exist once. What an op does to a
// document, and when to fold, is not decided here (lib/canvas, lib/collab).
import { Prisma, type OpKind } from './generated/client'
import { documentFromStore, type CanvasDocument } from '../canvas/document'
import { migrateOpPayload } from '../canvas/migrate'
import type { Db, PrismaClient, Tx } from './client'

/** An op as stored: the shape every reader gets (lib/collab's StoredOp on the wire). */
export interface OpRow {
  seq: number
  opId: string
  /** null: the author's account was deleted (a former member) */
  authorId: string | null
  kind: OpKind
  objectId: string
  payload: unknown
}

/** A row to insert (the writer has numbered it). */
export interface NewOpRow {
  artworkId: string
  seq: number
  opId: string
  authorId: string
  kind: OpKind
  objectId: string
  payload: unknown
}

/** The one select of an OpRow. */
export const opRowSelect = { seq: true, opId: true, authorId: true, kind: true, objectId: true, payload: true } as const

/** A row as read: its payload in today's shape (ops stored before a document migration step). */
const asRow = <T extends OpRow>(r: T): T => ({ ...r, payload: migrateOpPayload(r.kind, r.payload) })

// ---------------------------------------------------------------------------------------------
// artwork head

/** An artwork's current seq, or null when there is no such artwork. */
export async function artworkSeq(db: Db, artworkId: string): Promise<number | null> {
  const a = await db.artwork.findUnique({ where: { id: artworkId }, select: { seq: true } })
  return a?.seq ?? null
}

/**
 * Locks the artwork row (in a transaction) for writing its ops, in the same lock mode as
 * storeOpBatches' UPDATE (a snapshot insert's key-share lock does not conflict with it); its seq
 * and newest snapshot's seq, or null when there is no such artwork.
 */
export async function lockArtworkHead(tx: Tx, artworkId: string): Promise<{ seq: number; snapshotSeq: number } | null> {
  const rows = await tx.$queryRaw<Array<{ seq: number; snapshotSeq: number }>>`
    SELECT a."seq", ${snapshotSeqSql('a')} AS "snapshotSeq" FROM "Artwork" a WHERE a."id" = ${artworkId} FOR NO KEY UPDATE OF a`
  return rows[0] ?? null
}

// ---------------------------------------------------------------------------------------------
// reading ops

/** Ops of an artwork with afterSeq < seq <= uptoSeq (default: all after), in order. */
export async function opsAfter(db: Db, artworkId: string, afterSeq: number, uptoSeq?: number): Promise<OpRow[]> {
  const rows = await db.op.findMany({
    where: { artworkId, seq: uptoSeq === undefined ? { gt: afterSeq } : { gt: afterSeq, lte: uptoSeq } },
    orderBy: { seq: 'asc' },
    select: opRowSelect,
  })
  return rows.map(asRow)
}

/**
 * The artwork's seq and newest snapshot seq with the ops after `afterSeq` up to that seq, in one
 * statement (so seq and ops are consistent without a lock); null when there is no such artwork.
 */
export async function headWithOpsAfter(db: Db, artworkId: string, afterSeq: number): Promise<{ seq: number; snapshotSeq: number; ops: OpRow[] } | null> {
  const rows = await db.$queryRaw<Array<{ artworkSeq: number; snapshotSeq: number } & { [K in keyof OpRow]: OpRow[K] | null }>>`
    SELECT a."seq" AS "artworkSeq", ${snapshotSeqSql('a')} AS "snapshotSeq", o."seq", o."opId", o."authorId", o."kind", o."objectId", o."payload"
    FROM "Artwork" a LEFT JOIN "Op" o ON o."artworkId" = a."id" AND o."seq" > ${afterSeq} AND o."seq" <= a."seq"
    WHERE a."id" = ${artworkId}
    ORDER BY o."seq"`
  const head = rows[0]
  if (!head) return null
  const ops = rows.filter((r): r is typeof r & OpRow => r.seq !== null)
  return { seq: head.artworkSeq, snapshotSeq: head.snapshotSeq, ops: ops.map(({ seq, opId, authorId, kind, objectId, payload }) => asRow({ seq, opId, authorId, kind, objectId, payload })) }
}

/** Stored ops with these opIds, in any artwork (resends, and an opId someone else took). */
export async function opsByOpIds(db: Db, opIds: string[]): Promise<Array<OpRow & { artworkId: string }>> {
  const rows = await db.op.findMany({ where: { opId: { in: opIds } }, select: { artworkId: true, ...opRowSelect } })
  return rows.map(asRow)
}

/** The op stored with this opId, and its artwork, or null. */
export async function opByOpId(db: Db, opId: string): Promise<(OpRow & { artworkId: string }) | null> {
  const row = await db.op.findUnique({ where: { opId }, select: { artworkId: true, ...opRowSelect } })
  return row ? asRow(row) : null
}

/** Ops for a replay, from the first up to `uptoSeq` (default: all), at most `limit`, with their time. */
export async function replayRows(db: Db, artworkId: string, uptoSeq: number | undefined, limit: number): Promise<Array<OpRow & { createdAt: Date }>> {
  const rows = await db.op.findMany({
    where: { artworkId, ...(uptoSeq !== undefined ? { seq: { lte: uptoSeq } } : {}) },
    orderBy: { seq: 'asc' },
    take: limit,
    select: { ...opRowSelect, createdAt: true },
  })
  return rows.map(asRow)
}

// ---------------------------------------------------------------------------------------------
// writing ops

/**
 * Inserts one artwork's numbered rows and moves its seq to `seq`, inside the transaction that
 * holds its row (lockArtworkHead); the stored rows as the database has them.
 */
export async function insertOpsLocked(tx: Tx, artworkId: string, rows: NewOpRow[], seq: number): Promise<OpRow[]> {
  const created = await tx.op.createManyAndReturn({ data: rows.map((r) => ({ ...r, payload: r.payload as Prisma.InputJsonValue })), select: opRowSelect })
  await tx.artwork.update({ where: { id: artworkId }, data: { seq }, select: { seq: true } })
  // just written in today's shape: nothing to migrate
  return created
}

/** One artwork's rows for storeOpBatches, numbered from `from` + 1 to `to`. */
export interface OpBatchRows {
  from: number
  to: number
  rows: NewOpRow[]
  /** the rows as JSON, when the caller has it already (else it is made here) */
  json?: string
}

export interface StoredBatches {
  /** per artwork whose rows were stored: the stored rows by seq */
  stored: Map<string, Map<number, OpRow>>
  /** artworks whose row another transaction held locked: skipped, nothing stored */
  busy: Set<string>
}

/**
 * The rows of several artworks in one statement (one round trip, no explicit transaction). It
 * locks the artworks' rows in id order (so two nodes' rounds cannot deadlock), skipping rows
 * another transaction holds (busy). Per locked artwork, it advances the seq only if it still is
 * `from` and no opId of its rows is stored yet, and inserts that artwork's rows; an artwork whose
 * condition fails (a writer on another node got there first, or a resend) changes nothing and is
 * in neither part of the answer. Throws when the statement fails as a whole.
 */
export async function storeOpBatches(prisma: PrismaClient, batches: ReadonlyMap<string, OpBatchRows>): Promise<StoredBatches> {
  const parts = [...batches.values()].map((b) => (b.json ?? JSON.stringify(b.rows)).slice(1, -1)).filter((j) => j.length > 0)
  const input = `[${parts.join(',')}]`
  const arts = [...batches].map(([id, b]) => ({ id, from: b.from, to: b.to }))
  const answer = await prisma.$queryRaw<Array<{ artworkId: string; busy: boolean } & { [K in keyof OpRow]: OpRow[K] }>>`
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
  const out: StoredBatches = { stored: new Map(), busy: new Set() }
  for (const { artworkId, busy, ...row } of answer) {
    if (busy) {
      out.busy.add(artworkId)
      continue
    }
    let m = out.stored.get(artworkId)
    if (!m) out.stored.set(artworkId, (m = new Map()))
    m.set(row.seq, row)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// snapshots: the Artwork row's own (written when it is created) and the Snapshot table's folds,
// in their own table so that writing a large document never holds the Artwork row, whose lock
// orders the artwork's ops

/** SQL for the seq of an artwork's newest snapshot; `artwork` is the alias of its Artwork row. */
export function snapshotSeqSql(artwork: string): Prisma.Sql {
  const a = Prisma.raw(`"${artwork}"`)
  return Prisma.sql`GREATEST(${a}."snapshotSeq", COALESCE((SELECT max(s."seq") FROM "Snapshot" s WHERE s."artworkId" = ${a}."id"), 0))`
}

/** The newest snapshot of an artwork at or before `atMost` (default: any), or null when there is no such artwork. */
export async function latestSnapshot(db: Db, artworkId: string, atMost = 2 ** 31 - 1): Promise<{ seq: number; document: CanvasDocument } | null> {
  const rows = await db.$queryRaw<Array<{ seq: number; document: unknown }>>`
    SELECT "seq", "document" FROM (
      SELECT "snapshotSeq" AS "seq", "snapshot" AS "document" FROM "Artwork" WHERE "id" = ${artworkId} AND "snapshotSeq" <= ${atMost}
      UNION ALL
      (SELECT "seq", "document" FROM "Snapshot" WHERE "artworkId" = ${artworkId} AND "seq" <= ${atMost} ORDER BY "seq" DESC LIMIT 1)
    ) AS candidates
    ORDER BY "seq" DESC LIMIT 1`
  const row = rows[0]
  return row ? { seq: row.seq, document: documentFromStore(row.document) } : null
}

/**
 * Stores `document` (a canvas document, or its JSON) as the artwork's snapshot at `seq` and drops
 * the older folds, in one statement that touches only the Snapshot table (its foreign key takes a
 * share lock on the Artwork row, which does not conflict with the op writer's row updates). A
 * snapshot at that seq already there (another node folded too) is kept.
 */
export async function writeSnapshot(db: Db, artworkId: string, seq: number, document: CanvasDocument | string): Promise<void> {
  const json = typeof document === 'string' ? document : JSON.stringify(document)
  await db.$executeRaw`
    WITH pruned AS (DELETE FROM "Snapshot" WHERE "artworkId" = ${artworkId} AND "seq" < ${seq})
    INSERT INTO "Snapshot" ("artworkId", "seq", "document") VALUES (${artworkId}, ${seq}, ${json}::jsonb)
    ON CONFLICT ("artworkId", "seq") DO NOTHING`
}
