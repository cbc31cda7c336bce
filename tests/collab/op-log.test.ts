// The op log's writer: ops of many artworks queued together are stored in one round (one
// statement for every artwork whose cached document is current), and an artwork that another
// node wrote meanwhile drops out of that statement and is stored on its own, in order, without
// holding back the others.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldOps, type CanvasOp } from '../../lib/canvas/ops'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { documentBytes, emptyDocument, MAX_DOCUMENT_BYTES } from '../../lib/canvas/document'
import { currentDocument } from '../../lib/collab/document-cache'
import { submitOp, type SubmitResult } from '../../lib/collab/op-writer'
import { createArtwork } from '../../lib/db/artworks'
import type { Database } from '../../lib/db/client'
import { createTestUser, openTestDatabase, usingPostgres } from '../helpers/db'
import { addRect, storedOp, forgetProcessCaches } from '../helpers/ops'

let db: Database
let userId: string
beforeAll(async () => {
  db = await openTestDatabase()
  userId = (await createTestUser(db, 'Writer')).id
})
afterAll(async () => {
  await db.close()
})



describe('op log writer', () => {
  it('stores the ops of many artworks submitted together, each artwork numbered 1..n in arrival order', async () => {
    const artworks = await Promise.all(Array.from({ length: 6 }, (_, i) => createArtwork(db.prisma, userId, `round ${i}`)))
    // first op of each: cold caches (locked path); then 5 more each, all queued in the same tick
    for (const a of artworks) storedOp(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('first') }))
    const submitted = artworks.flatMap((a) => Array.from({ length: 5 }, (_, k) => ({ artworkId: a.id, k, promise: submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect(`o${k}`, k) }) })))
    const results = await Promise.all(submitted.map((s) => s.promise))
    submitted.forEach((s, i) => expect(storedOp(results[i] as SubmitResult).seq).toBe(s.k + 2))
    for (const a of artworks) {
      const stored = await db.prisma.op.findMany({ where: { artworkId: a.id }, orderBy: { seq: 'asc' }, select: { seq: true, objectId: true } })
      expect(stored.map((o) => [o.seq, o.objectId])).toEqual([[1, 'first'], [2, 'o0'], [3, 'o1'], [4, 'o2'], [5, 'o3'], [6, 'o4']])
      expect((await db.prisma.artwork.findUniqueOrThrow({ where: { id: a.id } })).seq).toBe(6)
    }
  })

  it('an artwork written by another node meanwhile is stored after that write; the others are not held back', async () => {
    const [a, b] = await Promise.all([createArtwork(db.prisma, userId, 'mine'), createArtwork(db.prisma, userId, 'shared')])
    storedOp(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('a1') }))
    storedOp(await submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: addRect('b1') }))
    // another node stores b's seq 2 (its own statement; this process's cache still says seq 1)
    const foreign = addRect('from-elsewhere', 7)
    await db.prisma.$transaction([
      db.prisma.op.create({ data: { artworkId: b.id, seq: 2, opId: randomUUID(), authorId: userId, kind: 'add', objectId: foreign.objectId, payload: foreign.data } }),
      db.prisma.artwork.update({ where: { id: b.id }, data: { seq: 2 } }),
    ])
    const [ra, rb] = await Promise.all([
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('a2') }),
      submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: addRect('b2') }),
    ])
    expect(storedOp(ra).seq).toBe(2)
    expect(storedOp(rb).seq).toBe(3)
    forgetProcessCaches()
    const docB = await currentDocument(db.prisma, b.id)
    expect(docB.seq).toBe(3)
    expect(docB.doc).toEqual(foldOps(emptyDocument(), [addRect('b1'), foreign, addRect('b2')]))
  })

  it('a resent opId in a round is answered with its stored seq, never stored twice', async () => {
    const a = await createArtwork(db.prisma, userId, 'resend')
    storedOp(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('x') }))
    const opId = randomUUID()
    const first = storedOp(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId, op: addRect('y') }))
    const [again, next] = await Promise.all([
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId, op: addRect('y') }),
      submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('z') }),
    ])
    expect(again).toMatchObject({ ok: true, duplicate: true, op: { seq: first.seq } })
    expect(storedOp(next).seq).toBe(first.seq + 1)
    expect(await db.prisma.op.count({ where: { artworkId: a.id } })).toBe(3)
  })

  // PGlite has one connection: nobody else can hold a row there
  it.runIf(usingPostgres())('a row held by another transaction (a snapshot being written) holds back only its own artwork', async () => {
    const [a, b] = await Promise.all([createArtwork(db.prisma, userId, 'free'), createArtwork(db.prisma, userId, 'held')])
    storedOp(await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('a1') }))
    storedOp(await submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: addRect('b1') }))
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
      const pb = submitOp(db.prisma, { artworkId: b.id, authorId: userId, opId: randomUUID(), op: addRect('b2') }).then((r) => ((bDone = true), r))
      const ra = await submitOp(db.prisma, { artworkId: a.id, authorId: userId, opId: randomUUID(), op: addRect('a2') })
      expect(storedOp(ra).seq).toBe(2)
      await new Promise((r) => setTimeout(r, 200))
      expect(bDone).toBe(false) // still waiting for the row, not refused
      release()
      await holder
      expect(storedOp(await pb).seq).toBe(2)
    } finally {
      await other.close()
    }
  })

  it('refuses an op that would take the canvas over 5 MB (what a version save would refuse), on the fast and the cold path; a remove makes room again', async () => {
    const art = await createArtwork(db.prisma, userId, 'full canvas')
    // ~200 KB freehand strokes: under the 256 KB op limit, 26 of them over the 5 MB document limit
    const stroke = (id: string) =>
      ({
        kind: 'add',
        objectId: id,
        data: { object: canvasObjectSchema.parse({ id, type: 'path', brush: 'pencil', left: 0, top: 0, path: [['M', 0, 0], ...Array.from({ length: 15_000 }, (_, i) => ['L', i % 997, (i * 7) % 991])] }) },
      }) as const
    const submit = (op: ReturnType<typeof stroke> | CanvasOp) => submitOp(db.prisma, { artworkId: art.id, authorId: userId, opId: randomUUID(), op })
    let stored = 0
    let refused: SubmitResult | null = null
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await submit(stroke(`s${i}`))
      if (r.ok) stored++
      else refused = r
    }
    expect(stored).toBeGreaterThan(20)
    expect(refused).toMatchObject({ ok: false, code: 'rejected', message: expect.stringMatching(/over 5 MB/) })
    const { doc, seq } = await currentDocument(db.prisma, art.id)
    expect(seq).toBe(stored)
    expect(documentBytes(doc)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES)
    // a cold cache (a fresh process) folds the document and refuses it all the same
    forgetProcessCaches()
    expect(await submit(stroke('again'))).toMatchObject({ ok: false, code: 'rejected' })
    // small changes still go through, and a remove frees room for another stroke
    storedOp(await submit(addRect('small')))
    storedOp(await submit({ kind: 'remove', objectId: 's0', data: {} }))
    storedOp(await submit(stroke('fits-now')))
    expect((await db.prisma.artwork.findUniqueOrThrow({ where: { id: art.id } })).seq).toBe(stored + 3)
  })
})
