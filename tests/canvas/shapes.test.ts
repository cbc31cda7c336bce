import { describe, expect, it } from 'vitest'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { shapeFromDrag, type ShapeStyle } from '../../lib/canvas/shapes'

const style: ShapeStyle = { color: '#ff00ff', size: 6, opacity: 0.5, fill: false }

describe('shapeFromDrag', () => {
  it('spans a rectangle between the two corners, stored by its centre, in either drag direction', () => {
    const a = shapeFromDrag('rect', { x: 100, y: 50 }, { x: 300, y: 150 }, style, 'r1')
    const b = shapeFromDrag('rect', { x: 300, y: 150 }, { x: 100, y: 50 }, style, 'r1')
    expect(a).toEqual({ id: 'r1', type: 'rect', left: 200, top: 100, width: 200, height: 100, angle: 0, scaleX: 1, scaleY: 1, opacity: 0.5, stroke: '#ff00ff', strokeWidth: 6, fill: null })
    expect(b).toEqual(a)
    expect(canvasObjectSchema.parse(a)).toEqual(a)
  })

  it('fills rectangles and ellipses with the colour when asked, never lines', () => {
    const filled = { ...style, fill: true }
    expect(shapeFromDrag('rect', { x: 0, y: 0 }, { x: 10, y: 10 }, filled, 'r')).toMatchObject({ fill: '#ff00ff' })
    expect(shapeFromDrag('ellipse', { x: 0, y: 0 }, { x: 40, y: 20 }, filled, 'e')).toMatchObject({ type: 'ellipse', left: 20, top: 10, rx: 20, ry: 10, fill: '#ff00ff' })
    const line = shapeFromDrag('line', { x: 1.234, y: 2 }, { x: 50, y: 60.5678 }, filled, 'l')
    expect(line).toMatchObject({ type: 'line', x1: 1.23, y1: 2, x2: 50, y2: 60.57 })
    expect(line).not.toHaveProperty('fill')
    expect(canvasObjectSchema.safeParse(line).success).toBe(true)
  })

  it('makes nothing for a click or a drag of under 3 px, but a thin long line is a line', () => {
    expect(shapeFromDrag('rect', { x: 10, y: 10 }, { x: 10, y: 10 }, style, 'x')).toBeNull()
    expect(shapeFromDrag('ellipse', { x: 10, y: 10 }, { x: 12.9, y: 12 }, style, 'x')).toBeNull()
    expect(shapeFromDrag('line', { x: 10, y: 10 }, { x: 10, y: 200 }, style, 'x')).toMatchObject({ type: 'line' })
  })
})
