import { describe, expect, it } from 'vitest'
import { baseLayerId, emptyDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, isBaseLayer, type CanvasObject } from '../../lib/canvas/objects'
import { applyOp } from '../../lib/canvas/ops'

const image = (id: string, locked: boolean): CanvasObject =>
  canvasObjectSchema.parse({ id, type: 'image', left: 512, top: 512, src: `/api/blobs/${'a'.repeat(64)}`, width: 64, height: 64, locked })
const rect = (id: string): CanvasObject => canvasObjectSchema.parse({ id, type: 'rect', left: 1, top: 1, width: 2, height: 2 })

describe('the base layer', () => {
  it('is a locked image: not an unlocked one, not another kind, not a missing object', () => {
    expect(isBaseLayer(image('b', true))).toBe(true)
    expect(isBaseLayer(image('i', false))).toBe(false)
    expect(isBaseLayer(rect('r'))).toBe(false)
    expect(isBaseLayer(undefined)).toBe(false)
  })

  it('is found as the first locked image in z-order, or not at all', () => {
    const doc = emptyDocument()
    doc.objects = { r: rect('r'), i: image('i', false), b: image('b', true), c: image('c', true) }
    doc.order = ['r', 'i', 'b', 'c']
    expect(baseLayerId(doc)).toBe('b')
    doc.order = ['r', 'i']
    expect(baseLayerId(doc)).toBeUndefined()
    expect(baseLayerId(emptyDocument())).toBeUndefined()
  })

  it("takes opacity and smoothing updates, each undone by its inverse", () => {
    const doc = emptyDocument()
    doc.objects = { base: image('base', true) }
    doc.order = ['base']
    const faded = applyOp(doc, { kind: 'update', objectId: 'base', data: { set: { opacity: 0.25 } } })
    if (!faded.ok) throw new Error('update refused')
    expect(faded.doc.objects.base).toMatchObject({ opacity: 0.25, smooth: true })
    expect(faded.inverse).toEqual({ kind: 'update', objectId: 'base', data: { set: { opacity: 1 } } })
    const sharp = applyOp(faded.doc, { kind: 'update', objectId: 'base', data: { set: { smooth: false } } })
    if (!sharp.ok) throw new Error('update refused')
    expect(sharp.doc.objects.base).toMatchObject({ opacity: 0.25, smooth: false })
    // out of range or of the wrong type: refused, nothing changes
    expect(applyOp(doc, { kind: 'update', objectId: 'base', data: { set: { opacity: 2 } } }).ok).toBe(false)
    expect(applyOp(doc, { kind: 'update', objectId: 'base', data: { set: { smooth: 'no' } } }).ok).toBe(false)
  })
})
