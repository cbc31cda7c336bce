// Rectangles, ellipses and lines drawn by dragging: the document object a drag makes. Pure, so
// the editor's shape tool and the tests share it.
import { roundCoord as round, type CanvasObject } from './objects'

export type ShapeKind = 'rect' | 'ellipse' | 'line'

export interface ShapeStyle {
  color: string
  /** stroke width in canvas pixels */
  size: number
  opacity: number
  /** fill rectangles and ellipses with the colour (lines have no fill) */
  fill: boolean
}

/** Drags shorter than this (in canvas pixels, on both axes) are clicks and make nothing. */
export const MIN_SHAPE_DRAG = 3

/**
 * The object a drag from `start` to `end` makes: a box or ellipse spanning the two corners
 * (stored by its centre, as every object), or a line between them; null for a click.
 */
export function shapeFromDrag(kind: ShapeKind, start: { x: number; y: number }, end: { x: number; y: number }, style: ShapeStyle, id: string): CanvasObject | null {
  const w = round(Math.abs(end.x - start.x))
  const h = round(Math.abs(end.y - start.y))
  if (Math.max(w, h) < MIN_SHAPE_DRAG) return null
  const common = { id, left: round((start.x + end.x) / 2), top: round((start.y + end.y) / 2), angle: 0, scaleX: 1, scaleY: 1, opacity: style.opacity, stroke: style.color, strokeWidth: style.size }
  switch (kind) {
    case 'rect':
      return { ...common, type: 'rect', width: w, height: h, fill: style.fill ? style.color : null }
    case 'ellipse':
      return { ...common, type: 'ellipse', rx: round(w / 2), ry: round(h / 2), fill: style.fill ? style.color : null }
    case 'line':
      return { ...common, type: 'line', x1: round(start.x), y1: round(start.y), x2: round(end.x), y2: round(end.y) }
  }
}
