// Object ids that are names every JavaScript object has (constructor, toString, __proto__, ...)
// once broke an artwork for good: an op on "constructor" found Object's constructor instead of
// no object, and a remove then spliced the last object out of the z-order (issue 22). Such ids
// are refused everywhere, lookups see own properties only, and a document stored with one before
// still opens, repaired.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canvasDocumentSchema, documentFromStore, emptyDocument, objectOf, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, type CanvasObject } from '../../lib/canvas/objects'
import { applyOpInPlace, cloneDocument, parseOp, type CanvasOp } from '../../lib/canvas/ops'
import { currentDocument } from '../../lib/collab/document-cache'
import { latestSnapshot } from '../../lib/db/op-rows'
import { createArtwork } from '../../lib/db/artworks'
import { createTestUser, privatePglite } from '../helpers/db'
import { forgetProcessCaches } from '../helpers/ops'

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype)
const rect = (id: string): CanvasObject => canvasObjectSchema.parse({ id, type: 'rect', left: 1, top: 2, width: 3, height: 4 })

function docWith(...ids: string[]): CanvasDocument {
  const doc = emptyDocument()
  for (const id of ids) {
    doc.objects[id] = rect(id)
    doc.order.push(id)
  }
  return doc
}

describe('object ids named like Object.prototype properties', () => {
  it('covers the names that matter', () => {
    expect(PROTOTYPE_NAMES).toEqual(expect.arrayContaining(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__']))
  })

  it.each(PROTOTYPE_NAMES)('"%s" is refused in every kind of op and in a document', (name) => {
    const ops: unknown[] = [
      { kind: 'add', objectId: name, data: { object: { id: name, type: 'rect', left: 0, top: 0, width: 1, height: 1 } } },
      { kind: 'update', objectId: name, data: { set: { left: 5 } } },
      { kind: 'remove', objectId: name, data: {} },
      { kind: 'reorder', objectId: name, data: { index: 0 } },
    ]
    for (const op of ops) expect(parseOp(op).ok).toBe(false)
    const doc = JSON.parse(`{"schema":1,"width":64,"height":64,"background":"#ffffff","objects":{${JSON.stringify(name)}:${JSON.stringify(rect('x'))}},"order":[${JSON.stringify(name)}]}`) as unknown
    expect(canvasDocumentSchema.safeParse(doc).success).toBe(false)
  })

  it.each(PROTOTYPE_NAMES)('an op on "%s" that skipped validation (stored earlier) changes nothing', (name) => {
    const doc = docWith('a', 'b', 'c')
    const before = JSON.stringify(doc)
    for (const op of [
      { kind: 'remove', objectId: name, data: {} },
      { kind: 'update', objectId: name, data: { set: { left: 5 } } },
      { kind: 'reorder', objectId: name, data: { index: 0 } },
      { kind: 'add', objectId: name, data: { object: { ...rect('a'), id: name } } },
    ] as unknown as CanvasOp[]) {
      const r = applyOpInPlace(doc, op)
      expect(r.ok).toBe(false)
    }
    expect(JSON.stringify(doc)).toBe(before)
    expect(doc.order).toEqual(['a', 'b', 'c'])
    expect(Object.getPrototypeOf(doc.objects)).toBe(Object.prototype)
    expect(objectOf(doc, name)).toBeUndefined()
  })
})

describe('a stored document that no longer parses', () => {
  it('is repaired on read: bad ids and objects dropped, every remaining object once in the z-order', () => {
    const raw = JSON.parse(
      JSON.stringify({
        schema: 1,
        width: 512,
        height: 512,
        background: '#fafafa',
        objects: { a: rect('a'), b: rect('b'), c: rect('c'), bad: { id: 'bad', type: 'rect', left: 'nope' }, mismatch: rect('other') },
        order: ['c', 'a', 'a', 'gone', 'mismatch'],
      }).replace('"objects":{', `"objects":{"constructor":${JSON.stringify({ ...rect('x'), id: 'constructor' })},`),
    ) as unknown
    expect(canvasDocumentSchema.safeParse(raw).success).toBe(false)
    const doc = documentFromStore(raw)
    expect(doc.order).toEqual(['c', 'a', 'b'])
    expect(Object.keys(doc.objects).sort()).toEqual(['a', 'b', 'c'])
    expect(doc).toMatchObject({ width: 512, height: 512, background: '#fafafa' })
    expect(canvasDocumentSchema.safeParse(doc).success).toBe(true)
    // a valid document comes back as it is
    const ok = docWith('x', 'y')
    expect(documentFromStore(cloneDocument(ok))).toEqual(ok)
    expect(() => documentFromStore({ objects: {} })).toThrow()
  })
})

describe('an artwork that stored a reserved id before it was refused', () => {
  const database = privatePglite()

  it('still opens, and an old op under the name folds to nothing', async () => {
    const db = database()
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Broken once')
    const stored = { ...docWith('a', 'b'), objects: { ...docWith('a', 'b').objects } } as CanvasDocument
    const snapshot = JSON.parse(JSON.stringify(stored).replace('"objects":{', `"objects":{"constructor":${JSON.stringify({ ...rect('x'), id: 'constructor' })},`)) as object
    await db.prisma.artwork.update({ where: { id: art.id }, data: { snapshot: { ...snapshot, order: ['constructor', 'a', 'b'] }, seq: 1 } })
    // an op that the old id rule let through, stored at seq 1
    await db.prisma.op.create({ data: { artworkId: art.id, seq: 1, opId: randomUUID(), authorId: user.id, kind: 'remove', objectId: 'constructor', payload: {} } })
    const latest = await latestSnapshot(db.prisma, art.id)
    expect(latest?.document.order).toEqual(['a', 'b'])
    forgetProcessCaches()
    const current = await currentDocument(db.prisma, art.id)
    expect(current.seq).toBe(1)
    expect(current.doc.order).toEqual(['a', 'b'])
  })
})
