import { describe, expect, it } from 'vitest'
import { emptyDocument } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { foldOps } from '../../lib/canvas/ops'
import { nudgeOps, placeImage } from '../../lib/canvas/placement'

const doc = { width: 1024, height: 1024 }

describe('placeImage', () => {
  it('centres a small image at its own size', () => {
    expect(placeImage(doc, 200, 100)).toEqual({ left: 512, top: 512, scaleX: 1, scaleY: 1 })
  })

  it('scales a large image down to half the canvas on its longer side, keeping its aspect', () => {
    const p = placeImage(doc, 2048, 1024)
    expect(p.scaleX).toBe(0.25)
    expect(p.scaleY).toBe(0.25)
    expect(2048 * p.scaleX).toBe(512)
  })

  it('lands where it was dropped, but never hangs over the edge', () => {
    expect(placeImage(doc, 100, 100, { at: { x: 300, y: 700 } })).toMatchObject({ left: 300, top: 700 })
    expect(placeImage(doc, 100, 100, { at: { x: 10, y: 2000 } })).toMatchObject({ left: 50, top: 974 })
    expect(placeImage(doc, 100, 100, { at: { x: -500, y: -500 } })).toMatchObject({ left: 50, top: 50 })
  })

  it('takes another share of the canvas', () => {
    expect(placeImage(doc, 1024, 1024, { maxShare: 1 }).scaleX).toBe(1)
    expect(placeImage(doc, 1024, 512, { maxShare: 0.25 }).scaleX).toBe(0.25)
  })
})

describe('nudgeOps', () => {
  it('moves the chosen objects, never the base layer, and skips missing ids', () => {
    const doc = emptyDocument()
    doc.objects = {
      base: canvasObjectSchema.parse({ id: 'base', type: 'image', left: 512, top: 512, src: `/api/blobs/${'a'.repeat(64)}`, width: 64, height: 64, locked: true }),
      r: canvasObjectSchema.parse({ id: 'r', type: 'rect', left: 10.5, top: 20, width: 5, height: 5 }),
    }
    doc.order = ['base', 'r']
    const ops = nudgeOps(doc, ['base', 'r', 'gone'], -10, 1)
    expect(ops).toEqual([{ kind: 'update', objectId: 'r', data: { set: { left: 0.5, top: 21 } } }])
    expect(foldOps(doc, ops).objects.r).toMatchObject({ left: 0.5, top: 21 })
  })
})
