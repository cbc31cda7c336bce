import { describe, expect, it } from 'vitest'
import { emptyDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, type CanvasObject } from '../../lib/canvas/objects'
import { CLIPBOARD_PREFIX, copyText, MAX_CLIPBOARD_OBJECTS, parseClipboard, pasteOps } from '../../lib/canvas/clipboard'
import { foldOps } from '../../lib/canvas/ops'

const rect = (id: string): CanvasObject => canvasObjectSchema.parse({ id, type: 'rect', left: 100, top: 100, width: 50, height: 20, fill: '#ff0000' })
const line = (id: string): CanvasObject => canvasObjectSchema.parse({ id, type: 'line', left: 15, top: 15, x1: 10, y1: 10, x2: 20, y2: 20, stroke: '#000000' })
const base = canvasObjectSchema.parse({ id: 'base', type: 'image', left: 512, top: 512, src: `/api/blobs/${'a'.repeat(64)}`, width: 64, height: 64, scaleX: 16, scaleY: 16, locked: true })

function docWith(...objects: CanvasObject[]) {
  const doc = emptyDocument()
  for (const o of objects) {
    doc.objects[o.id] = o
    doc.order.push(o.id)
  }
  return doc
}

describe('canvas clipboard', () => {
  it('copies the chosen objects bottom first, never the base layer, and reads them back', () => {
    const doc = docWith(base, rect('a'), line('b'), rect('c'))
    const text = copyText(doc, ['c', 'base', 'a'])!
    expect(text.startsWith(CLIPBOARD_PREFIX)).toBe(true)
    expect(parseClipboard(text)).toEqual([doc.objects.a, doc.objects.c])
    expect(copyText(doc, ['base'])).toBeNull()
    expect(copyText(doc, ['missing'])).toBeNull()
  })

  it('ignores text that is not ours, not JSON, not valid objects or too many', () => {
    expect(parseClipboard('hello')).toBeNull()
    expect(parseClipboard(`${CLIPBOARD_PREFIX}{not json`)).toBeNull()
    expect(parseClipboard(`${CLIPBOARD_PREFIX}[]`)).toBeNull()
    expect(parseClipboard(`${CLIPBOARD_PREFIX}[{"id":"x","type":"rect","left":"far"}]`)).toBeNull()
    expect(parseClipboard(`${CLIPBOARD_PREFIX}[{"id":"x","type":"script"}]`)).toBeNull()
    const many = Array.from({ length: MAX_CLIPBOARD_OBJECTS + 1 }, (_, i) => rect(`r${i}`))
    expect(parseClipboard(CLIPBOARD_PREFIX + JSON.stringify(many))).toBeNull()
  })

  it('pastes copies with new ids, moved by the offset, on top; an image copy is never locked', () => {
    const doc = docWith(base, rect('a'), line('b'))
    let n = 0
    const ops = pasteOps([doc.objects.a!, doc.objects.b!, base], () => `new${++n}`, 10)
    const after = foldOps(doc, ops)
    expect(after.order).toEqual(['base', 'a', 'b', 'new1', 'new2', 'new3'])
    expect(after.objects.new1).toMatchObject({ type: 'rect', left: 110, top: 110, width: 50 })
    expect(after.objects.new2).toMatchObject({ type: 'line', left: 25, top: 25, x1: 20, y1: 20, x2: 30, y2: 30 })
    expect(after.objects.new3).toMatchObject({ type: 'image', locked: false, left: 522 })
    // the originals are untouched
    expect(after.objects.a).toEqual(doc.objects.a)
  })
})
