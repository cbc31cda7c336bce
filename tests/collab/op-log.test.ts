// The op log's writer: ops of many artworks queued together are stored in one round (one
// statement for every artwork whose cached document is current), and an artwork that another
// node wrote meanwhile drops out of that statement and is stored on its own, in order, without
// holding back the others.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { foldOps, type CanvasOp } from '../../lib/canvas/ops'
import { emptyDocument } from '../../lib/canvas/document'
import { clearDocumentCache, currentDocument, submitOp, type SubmitResult } from '../../lib/collab/op-log'
import { createArtwork } from '../../lib/db/artworks'
import type { Database } from '../../lib/db/client'
import { createTestUser, openTestDatabase, usingPostgres } from '../helpers/db'

let db: Database
let userId: string
beforeAll(async () => {
  db = await openTestDatabase()
  userId = (await createTestUser(db, 'Writer')).id
})
afterAll(async () => {
  await db.close()
})

const add = (id: string, left = 0): CanvasOp => ({
  kind: 'add',
  objectId: id,
  data: { object: canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 }) },
})

function ok(r: SubmitResult) {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
  return r.op
}

describe('op log writer', () => {
  it('stores the ops of many artworks submitted together, each artwork numbered 1..n in arrival order', async () => {
    const artworks = await Promise.all(Array.from({ length: 6 }, (_, i) => createArtwork(db.prisma, userId, `round ${i}`)))
    // first op of each: cold caches (locked path); then 5 more each, all queued in the same tick
    for (const a of artworks) ok(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('first') }))
    const submitted = artworks.flatMap((a) => Array.from({ length: 5 }, (_, k) => ({ artworkId: a.id, k, promise: submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add(`o${k}`, k) }) })))
    const results = await Promise.all(submitted.map((s) => s.promise))
    submitted.forEach((s, i) => expect(ok(results[i] as SubmitResult).seq).toBe(s.k + 2))
    for (const a of artworks) {
      const stored = await db.prisma.op.findMany({ where: { artworkId: a.id }, orderBy: { seq: 'asc' }, select: { seq: true, objectId: true } })
      expect(stored.map((o) => [o.seq, o.objectId])).toEqual([[1, 'first'], [2, 'o0'], [3, 'o1'], [4, 'o2'], [5, 'o3'], [6, 'o4']])
      expect((await db.prisma.artwork.findUniqueOrThrow({ where: { id: a.id } })).seq).toBe(6)
    }
  })

  it('an artwork written by another node meanwhile is stored after that write; the others are not held back', async () => {
    const [a, b] = await Promise.all([createArtwork(db.prisma, userId, 'mine'), createArtwork(db.prisma, userId, 'shared')])
    ok(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('a1') }))
    ok(await submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: add('b1') }))
    // another node stores b's seq 2 (its own statement; this process's cache still says seq 1)
    const foreign = add('from-elsewhere', 7)
    await db.prisma.$transaction([
      db.prisma.op.create({ data: { artworkId: b.id, seq: 2, opId: randomUUID(), authorId: userId, kind: 'add', objectId: foreign.objectId, payload: foreign.data } }),
      db.prisma.artwork.update({ where: { id: b.id }, data: { seq: 2 } }),
    ])
    const [ra, rb] = await Promise.all([
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('a2') }),
      submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: add('b2') }),
    ])
    expect(ok(ra).seq).toBe(2)
    expect(ok(rb).seq).toBe(3)
    clearDocumentCache()
    const docB = await currentDocument(db.prisma, b.id)
    expect(docB.seq).toBe(3)
    expect(docB.doc).toEqual(foldOps(emptyDocument(), [add('b1'), foreign, add('b2')]))
  })

  it('a resent opId in a round is answered with its stored seq, never stored twice', async () => {
    const a = await createArtwork(db.prisma, userId, 'resend')
    ok(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('x') }))
    const opId = randomUUID()
    const first = ok(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId, op: add('y') }))
    const [again, next] = await Promise.all([
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId, op: add('y') }),
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('z') }),
    ])
    expect(again).toMatchObject({ ok: true, duplicate: true, op: { seq: first.seq } })
    expect(ok(next).seq).toBe(first.seq + 1)
    expect(await db.prisma.op.count({ where: { artworkId: a.id } })).toBe(3)
  })

  // PGlite has one connection: nobody else can hold a row there
  it.runIf(usingPostgres())('a row held by another transaction (a snapshot being written) holds back only its own artwork', async () => {
    const [a, b] = await Promise.all([createArtwork(db.prisma, userId, 'free'), createArtwork(db.prisma, userId, 'held')])
    ok(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('a1') }))
    ok(await submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: add('b1') }))
    const other = await openTestDatabase()
    try {
      let release!: () => void
      const released = new Promise<void>((r) => (release = r))
      let locked!: () => void
      const isLocked = new Promise<void>((r) => (locked = r))
      const holder = other.prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM "Artwork" WHERE "id" = ${b.id} FOR UPDATE`
          locked()
          await released
        },
        { timeout: 20_000 },
      )
      await isLocked
      let bDone = false
      const pb = submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: add('b2') }).then((r) => ((bDone = true), r))
      const ra = await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: add('a2') })
      expect(ok(ra).seq).toBe(2)
      await new Promise((r) => setTimeout(r, 200))
      expect(bDone).toBe(false) // still waiting for the row, not refused
      release()
      await holder
      expect(ok(await pb).seq).toBe(2)
    } finally {
      await other.close()
    }
  })
})
