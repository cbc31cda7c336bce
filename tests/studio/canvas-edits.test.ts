// The ops the studio makes from what happened on the canvas (components/studio/canvas-edits.ts).
import { describe, expect, it } from 'vitest'
import { emptyDocument, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, type CanvasObject } from '../../lib/canvas/objects'
import { applyOp, parseOp } from '../../lib/canvas/ops'
import { hintObject, movedOps, removeSelectionOps, restackOps, textEditedOps, textObject } from '../../components/studio/canvas-edits'

const rect = (id: string, left = 0): CanvasObject => canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 })
const base: CanvasObject = canvasObjectSchema.parse({ id: 'base', type: 'image', left: 512, top: 512, src: `/api/blobs/${'a'.repeat(64)}`, width: 256, height: 256, scaleX: 4, scaleY: 4, locked: true })

function docOf(...objects: CanvasObject[]): CanvasDocument {
  const doc = emptyDocument()
  for (const o of objects) {
    doc.objects[o.id] = o
    doc.order.push(o.id)
  }
  return doc
}

const placement = (left: number, extra: Partial<{ top: number; angle: number; scaleX: number; scaleY: number }> = {}) => ({ left, top: 0, angle: 0, scaleX: 1, scaleY: 1, ...extra })

describe('canvas edits', () => {
  it('a move sends only what changed, one update per object, nothing for objects the document lacks', () => {
    const doc = docOf(rect('a'), rect('b', 50))
    const ops = movedOps(doc, [
      { id: 'a', placement: placement(20, { angle: 15 }) },
      { id: 'b', placement: placement(50) },
      { id: 'gone', placement: placement(5) },
    ])
    expect(ops).toEqual([{ kind: 'update', objectId: 'a', data: { set: { left: 20, angle: 15 } } }])
    for (const op of ops) expect(parseOp(op)).toMatchObject({ ok: true })
  })

  it('a resized text box sends its rounded width', () => {
    const doc = docOf(textObject('t', { x: 10, y: 10 }, { colour: '#112233', size: 4, opacity: 1 }))
    expect(movedOps(doc, [{ id: 't', placement: placement(10, { top: 10 }), width: 400.123456 }])).toEqual([{ kind: 'update', objectId: 't', data: { set: { width: 400.12 } } }])
  })

  it('a text box left empty is removed; one left unchanged sends nothing; a changed one its text and width', () => {
    const doc = docOf(textObject('t', { x: 0, y: 0 }, { colour: '#000000', size: 10, opacity: 1 }), rect('r'))
    expect(textEditedOps(doc, 't', '   ', 320)).toEqual([{ kind: 'remove', objectId: 't', data: {} }])
    expect(textEditedOps(doc, 't', 'Text', 320)).toEqual([])
    expect(textEditedOps(doc, 't', 'Hello', 300)).toEqual([{ kind: 'update', objectId: 't', data: { set: { text: 'Hello', width: 300 } } }])
    expect(textEditedOps(doc, 'r', 'x', 10)).toEqual([])
  })

  it('new text boxes and hints are valid objects of the document', () => {
    expect(canvasObjectSchema.safeParse(textObject('t', { x: 1.23456, y: 2 }, { colour: '#ff0000', size: 2, opacity: 0.5 })).success).toBe(true)
    expect(textObject('t', { x: 0, y: 0 }, { colour: '#ff0000', size: 10, opacity: 1 })).toMatchObject({ fontSize: 40 })
    expect(hintObject('h', { x: 10.004, y: 20 }, '#00ff00')).toMatchObject({ type: 'hint', left: 10, top: 20, fill: '#00ff00' })
    expect(canvasObjectSchema.safeParse(hintObject('h', { x: 10, y: 20 }, '#00ff00')).success).toBe(true)
  })

  it('delete never takes the base layer, nor objects already gone', () => {
    const doc = docOf(base, rect('a'), rect('b'))
    expect(removeSelectionOps(doc, ['base', 'a', 'gone'])).toEqual([{ kind: 'remove', objectId: 'a', data: {} }])
  })

  it('restacking moves one step and never below the base layer', () => {
    const doc = docOf(base, rect('a'), rect('b'), rect('c'))
    expect(restackOps(doc, 'a', -1)).toEqual([])
    expect(restackOps(doc, 'c', 1)).toEqual([])
    const [op] = restackOps(doc, 'a', 1)
    expect(op).toEqual({ kind: 'reorder', objectId: 'a', data: { index: 2 } })
    const applied = applyOp(doc, op!)
    expect(applied.ok && applied.doc.order).toEqual(['base', 'b', 'a', 'c'])
    expect(restackOps(doc, 'missing', 1)).toEqual([])
  })
})
