// Where the op log's folded documents live. An artwork's document at some seq is either the one
// stored on its Artwork row (snapshot/snapshotSeq, written when the artwork is created) or, once
// the op log has folded ops, the newest row of the Snapshot table: whichever has the higher seq.
// Folds go to their own table so that writing a large document never holds the Artwork row,
// whose lock orders the artwork's ops (lib/collab/op-log.ts).
import { Prisma } from '../db/generated/client'
import { documentFromStore, type CanvasDocument } from '../canvas/document'
import type { PrismaClient } from '../db/client'

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]
type Db = PrismaClient | Tx

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
 * Stores `document` (a canvas document, or its JSON) as the artwork's snapshot at `seq` and drops the older folds, in one
 * statement that touches only the Snapshot table (its foreign key takes a share lock on the
 * Artwork row, which does not conflict with the op log's row updates). A snapshot at that seq
 * already there (another node folded too) is kept.
 */
export async function writeSnapshot(db: Db, artworkId: string, seq: number, document: CanvasDocument | string): Promise<void> {
  const json = typeof document === 'string' ? document : JSON.stringify(document)
  await db.$executeRaw`
    WITH pruned AS (DELETE FROM "Snapshot" WHERE "artworkId" = ${artworkId} AND "seq" < ${seq})
    INSERT INTO "Snapshot" ("artworkId", "seq", "document") VALUES (${artworkId}, ${seq}, ${json}::jsonb)
    ON CONFLICT ("artworkId", "seq") DO NOTHING`
}
