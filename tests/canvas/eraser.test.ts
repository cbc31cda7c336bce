// The object eraser's geometry and bookkeeping (components/studio/eraser.ts), with plain numbers:
// a freehand stroke is hit near its line only, never anywhere in its bounding box; a fast drag
// misses nothing in between; the locked base is never taken; the removal is one undo step.
import { describe, expect, it } from 'vitest'
import { emptyDocument, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { SyncEngine } from '../../lib/collab/sync'
import {
  boxOutline,
  distanceToSegment,
  EraseGesture,
  eraseOps,
  eraserCursor,
  eraserRadius,
  flattenPath,
  hitsShape,
  insidePolygon,
  makeShape,
  type Mat,
  matrixScale,
  sweep,
  transformPoint,
} from '../../components/studio/eraser'

// a stroke that runs along the diagonal of the box (0,0)-(100,100), 4 units wide
const diagonal = makeShape(flattenPath([['M', 0, 0], ['Q', 50, 50, 100, 100]]), { closed: false, filled: false, halfWidth: 2 })

describe('flattenPath', () => {
  it('follows M, L, Q, C and Z, one polyline per sub-path', () => {
    const lines = flattenPath(
      [
        ['M', 0, 0],
        ['L', 10, 0],
        ['Q', 20, 0, 20, 10],
        ['Z'],
        ['M', 100, 100],
        ['C', 100, 110, 110, 120, 120, 120],
      ],
      4,
    )
    expect(lines).toHaveLength(2)
    const [first, second] = lines as [Array<{ x: number; y: number }>, Array<{ x: number; y: number }>]
    expect(first[0]).toEqual({ x: 0, y: 0 })
    expect(first[1]).toEqual({ x: 10, y: 0 })
    // the quadratic's midpoint (t = 1/2) and end, then Z back to the start
    expect(first[3]).toEqual({ x: 17.5, y: 2.5 })
    expect(first[5]).toEqual({ x: 20, y: 10 })
    expect(first[6]).toEqual({ x: 0, y: 0 })
    expect(second).toHaveLength(5)
    expect(second[4]).toEqual({ x: 120, y: 120 })
  })
})

describe('hitsShape', () => {
  it('hits a freehand stroke only near its line, not anywhere in its bounding box', () => {
    expect(hitsShape(diagonal, { x: 50, y: 50 }, 1)).toBe(true)
    // inside the bounding box, far from the line
    expect(hitsShape(diagonal, { x: 90, y: 10 }, 5)).toBe(false)
    expect(hitsShape(diagonal, { x: 10, y: 90 }, 5)).toBe(false)
    // the reach is the eraser's radius plus half the stroke's width
    const d = (v: number) => ({ x: 50 + v / Math.SQRT2, y: 50 - v / Math.SQRT2 }) // v from the line
    expect(hitsShape(diagonal, d(6.9), 5)).toBe(true)
    expect(hitsShape(diagonal, d(7.1), 5)).toBe(false)
    // beyond the ends
    expect(hitsShape(diagonal, { x: 105, y: 105 }, 6)).toBe(true)
    expect(hitsShape(diagonal, { x: 110, y: 110 }, 6)).toBe(false)
  })

  it('hits a single dot', () => {
    const dot = makeShape(flattenPath([['M', 10, 10]]), { closed: false, filled: false, halfWidth: 3 })
    expect(hitsShape(dot, { x: 14, y: 10 }, 2)).toBe(true)
    expect(hitsShape(dot, { x: 16, y: 10 }, 2)).toBe(false)
  })

  it('hits an unfilled outline on its edge only, a filled one (text, images) inside too', () => {
    const outline = boxOutline(100, 50).map((p) => ({ x: p.x + 200, y: p.y + 200 }))
    const hollow = makeShape([outline], { closed: true, filled: false, halfWidth: 1 })
    const solid = makeShape([outline], { closed: true, filled: true, halfWidth: 0 })
    expect(hitsShape(hollow, { x: 200, y: 200 }, 5)).toBe(false)
    expect(hitsShape(solid, { x: 200, y: 200 }, 5)).toBe(true)
    // the closing edge (left side: last corner back to the first)
    expect(hitsShape(hollow, { x: 147, y: 200 }, 3)).toBe(true)
    expect(hitsShape(hollow, { x: 140, y: 200 }, 3)).toBe(false)
    expect(hitsShape(solid, { x: 140, y: 200 }, 3)).toBe(false)
  })

  it('measures distance to segments and insideness exactly', () => {
    expect(distanceToSegment({ x: 5, y: 5 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5)
    expect(distanceToSegment({ x: -3, y: 4 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5)
    expect(distanceToSegment({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5)
    const triangle = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }]
    expect(insidePolygon({ x: 2, y: 2 }, triangle)).toBe(true)
    expect(insidePolygon({ x: 8, y: 8 }, triangle)).toBe(false)
  })
})

describe('transforms', () => {
  it('applies Fabric-order matrices and measures their scale', () => {
    // rotate 90 degrees, scale 2, move to (100, 50): x' = a*x + c*y + e, y' = b*x + d*y + f
    const m: Mat = [0, 2, -2, 0, 100, 50]
    expect(transformPoint(m, { x: 10, y: 0 })).toEqual({ x: 100, y: 70 })
    expect(transformPoint(m, { x: 0, y: 10 })).toEqual({ x: 80, y: 50 })
    expect(matrixScale(m)).toBe(2)
    expect(matrixScale([3, 0, 0, 3, 7, 7])).toBe(3)
  })
})

describe('EraseGesture', () => {
  const vertical = makeShape(flattenPath([['M', 100, 0], ['L', 100, 100]]), { closed: false, filled: false, halfWidth: 1 })
  const other = makeShape(flattenPath([['M', 300, 0], ['L', 300, 100]]), { closed: false, filled: false, halfWidth: 1 })

  it('a fast drag marks what lies between two pointer events', () => {
    expect(sweep({ x: 0, y: 0 }, { x: 10, y: 0 }, 2.5)).toEqual([
      { x: 2.5, y: 0 },
      { x: 5, y: 0 },
      { x: 7.5, y: 0 },
      { x: 10, y: 0 },
    ])
    // the two pointer positions are 100 units either side of the stroke
    const candidates = [{ id: 'v', shape: vertical }]
    expect(hitsShape(vertical, { x: 0, y: 50 }, 4) || hitsShape(vertical, { x: 200, y: 50 }, 4)).toBe(false)
    const g = new EraseGesture({ x: 0, y: 50 }, 4)
    expect(g.begin(candidates)).toEqual([])
    expect(g.moveTo({ x: 200, y: 50 }, candidates)).toEqual(['v'])
    expect(g.points).toHaveLength(2)
  })

  it('marks each object once, in the order touched, and never one without a shape (the base)', () => {
    const candidates = [
      { id: 'base', shape: null },
      { id: 'far', shape: other },
      { id: 'v', shape: vertical },
    ]
    const g = new EraseGesture({ x: 100, y: 10 }, 4)
    expect(g.begin(candidates)).toEqual(['v'])
    expect(g.moveTo({ x: 100, y: 90 }, candidates)).toEqual([])
    expect(g.moveTo({ x: 300, y: 90 }, candidates)).toEqual(['far'])
    expect(g.marked).toEqual(['v', 'far'])
  })

  it('uses a disc of at least 3 units and a cursor as wide as the disc on screen', () => {
    expect(eraserRadius(1)).toBe(3)
    expect(eraserRadius(20)).toBe(20)
    const cursor = eraserCursor(10)
    expect(cursor).toMatch(/^url\("data:image\/svg\+xml,.+"\) 12 12, crosshair$/)
    expect(decodeURIComponent(cursor)).toContain('r="10"')
    // browsers refuse cursors over 128 px
    expect(decodeURIComponent(eraserCursor(500))).toContain('width="124"')
  })
})

describe('eraseOps', () => {
  const rect = (id: string, left: number) => canvasObjectSchema.parse({ id, type: 'rect', left, top: 10, width: 10, height: 10 })
  function docWith(): CanvasDocument {
    const doc = emptyDocument()
    const base = canvasObjectSchema.parse({ id: 'base', type: 'image', left: 512, top: 512, src: `/api/blobs/${'a'.repeat(64)}`, width: 64, height: 64, locked: true })
    for (const o of [base, rect('a', 10), rect('b', 20), rect('c', 30)]) {
      doc.objects[o.id] = o
      doc.order.push(o.id)
    }
    return doc
  }

  it('removes the marked objects still there, never the locked base, as one undoable action', () => {
    const start = docWith()
    const ops = eraseOps(start, ['c', 'base', 'a', 'gone', 'a'])
    expect(ops).toEqual([
      { kind: 'remove', objectId: 'c', data: {} },
      { kind: 'remove', objectId: 'a', data: {} },
    ])
    // the editor commits them through the sync engine: one undo brings both back in place
    const sent: unknown[] = []
    const engine = new SyncEngine({ document: start, seq: 0 }, { send: (p) => sent.push(p) }, { onChange: () => {} })
    expect(engine.commit(ops)).toBe(true)
    expect(engine.document.order).toEqual(['base', 'b'])
    expect(sent).toHaveLength(2)
    expect(engine.undo()).toBe(true)
    expect(engine.document).toEqual(start)
    expect(engine.canUndo).toBe(false)
  })
})
