// Stored documents and ops of every past shape read as today's: the migration steps alone (pure),
// and through the real read paths (snapshot, Snapshot table, version, op rows, replay) on PGlite.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canvasDocumentSchema, documentFromStore, DOCUMENT_SCHEMA_VERSION } from '../../lib/canvas/document'
import { DocumentFromNewerServerError, migrateDocument, migrateOpPayload, PAPER_COLOUR } from '../../lib/canvas/migrate'
import { parseOp } from '../../lib/canvas/ops'
import { currentDocument } from '../../lib/collab/document-cache'
import { createArtwork } from '../../lib/db/artworks'
import { latestSnapshot, opsAfter } from '../../lib/db/op-rows'
import { replayData } from '../../lib/db/versions'
import { createTestUser, privatePglite } from '../helpers/db'
import { forgetProcessCaches } from '../helpers/ops'

const stroke = (id: string, brush: string, colour = '#ff0000') => ({
  id,
  type: 'path',
  left: 10,
  top: 10,
  stroke: colour,
  strokeWidth: 8,
  path: [
    ['M', 0, 0],
    ['L', 40, 20],
  ],
  brush,
})

/** A document as version 1 stored it: an old eraser stroke over a pencil one, and a marker. */
const version1 = () => ({
  schema: 1,
  width: 1024,
  height: 1024,
  background: '#ffffff',
  objects: { p: stroke('p', 'pencil'), e: stroke('e', 'eraser', '#000000'), m: stroke('m', 'marker', '#00ff00') },
  order: ['p', 'e', 'm'],
})

describe('document migrations', () => {
  it('a version-1 document reads as today’s: old eraser strokes become paper-coloured pencil strokes, nothing else changes', () => {
    expect(canvasDocumentSchema.safeParse(version1()).success).toBe(false)
    const doc = documentFromStore(version1())
    expect(doc.schema).toBe(DOCUMENT_SCHEMA_VERSION)
    expect(doc.order).toEqual(['p', 'e', 'm'])
    expect(doc.objects.e).toMatchObject({ type: 'path', brush: 'pencil', stroke: PAPER_COLOUR, strokeWidth: 8 })
    expect(doc.objects.p).toMatchObject({ brush: 'pencil', stroke: '#ff0000' })
    expect(doc.objects.m).toMatchObject({ brush: 'marker', stroke: '#00ff00' })
  })

  it('a document with no version is a version-1 one; today’s comes back as it is', () => {
    const { schema: _dropped, ...unversioned } = version1()
    expect(documentFromStore(unversioned).objects.e).toMatchObject({ brush: 'pencil', stroke: PAPER_COLOUR })
    const today = documentFromStore(version1())
    expect(migrateDocument(today)).toBe(today)
  })

  it('a document from a newer server is refused, not read wrongly (nothing would then save the damage)', () => {
    expect(() => documentFromStore({ ...version1(), schema: DOCUMENT_SCHEMA_VERSION + 1 })).toThrow(DocumentFromNewerServerError)
  })

  it('stored ops: an added eraser stroke and an update to the eraser brush read as today’s; other payloads are untouched', () => {
    const added = migrateOpPayload('add', { object: stroke('e', 'eraser', '#123456'), index: 2 })
    expect(parseOp({ kind: 'add', objectId: 'e', data: added })).toMatchObject({ ok: true })
    expect(added).toMatchObject({ index: 2, object: { brush: 'pencil', stroke: PAPER_COLOUR } })
    expect(migrateOpPayload('update', { set: { brush: 'eraser' } })).toEqual({ set: { brush: 'pencil', stroke: PAPER_COLOUR } })
    const pencil = { object: stroke('p', 'pencil') }
    expect(migrateOpPayload('add', pencil)).toBe(pencil)
    const move = { set: { left: 3 } }
    expect(migrateOpPayload('update', move)).toBe(move)
  })
})

describe('stored data of the old shape, read through the database', () => {
  const database = privatePglite()

  it('artwork snapshot, folded snapshot, version and op rows all read as today’s shape', async () => {
    const db = database()
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Drawn before the object eraser')
    await db.prisma.artwork.update({ where: { id: art.id }, data: { snapshot: version1(), seq: 2 } })
    await db.prisma.version.create({ data: { artworkId: art.id, number: 1, document: version1(), seq: 0, authorId: user.id, message: 'old' } })
    // ops the old studio stored: an eraser stroke added, then a stroke switched to the eraser
    await db.prisma.op.create({ data: { artworkId: art.id, seq: 1, opId: randomUUID(), authorId: user.id, kind: 'add', objectId: 'e2', payload: { object: stroke('e2', 'eraser') } } })
    await db.prisma.op.create({ data: { artworkId: art.id, seq: 2, opId: randomUUID(), authorId: user.id, kind: 'update', objectId: 'p', payload: { set: { brush: 'eraser' } } } })

    expect((await latestSnapshot(db.prisma, art.id))?.document.objects.e).toMatchObject({ brush: 'pencil', stroke: PAPER_COLOUR })
    const rows = await opsAfter(db.prisma, art.id, 0)
    expect(rows.map((r) => r.payload)).toEqual([
      { object: { ...stroke('e2', 'eraser'), brush: 'pencil', stroke: PAPER_COLOUR } },
      { set: { brush: 'pencil', stroke: PAPER_COLOUR } },
    ])
    forgetProcessCaches()
    const { seq, doc } = await currentDocument(db.prisma, art.id)
    expect(seq).toBe(2)
    expect(canvasDocumentSchema.safeParse(doc).success).toBe(true)
    for (const id of ['e', 'e2', 'p']) expect(doc.objects[id]).toMatchObject({ brush: 'pencil', stroke: PAPER_COLOUR })

    // a fold written by the old code in the Snapshot table
    await db.prisma.snapshot.create({ data: { artworkId: art.id, seq: 2, document: { ...version1(), order: ['e', 'p', 'm'] } } })
    expect((await latestSnapshot(db.prisma, art.id))?.document).toMatchObject({ schema: DOCUMENT_SCHEMA_VERSION, order: ['e', 'p', 'm'] })

    const replay = await replayData(db.prisma, art.id)
    expect(replay.base.objects.e).toMatchObject({ brush: 'pencil', stroke: PAPER_COLOUR })
    expect(replay.ops.map((o) => o.payload)).toEqual(rows.map((r) => r.payload))
  })
})
