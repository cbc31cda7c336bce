'use client'
// The rectangle, ellipse and line tools on a Fabric canvas: a preview follows the drag, and the
// release gives the document object (lib/canvas/shapes.ts) for the editor to commit.
import { Ellipse, Line, Rect, type Canvas, type FabricObject } from 'fabric'
import type { CanvasObject } from '@/lib/canvas/objects'
import { shapeFromDrag, type ShapeKind, type ShapeStyle } from '@/lib/canvas/shapes'

type P = { x: number; y: number }

export class ShapeTool {
  private draft: { kind: ShapeKind; start: P; preview: FabricObject } | null = null

  constructor(private readonly canvas: Canvas) {}

  get active(): boolean {
    return this.draft !== null
  }

  down(kind: ShapeKind, p: P, style: ShapeStyle): void {
    const look = { stroke: style.color, strokeWidth: style.size, fill: style.fill && kind !== 'line' ? style.color : 'transparent', selectable: false, evented: false, strokeUniform: true }
    const preview = kind === 'rect' ? new Rect({ ...look, left: p.x, top: p.y, width: 1, height: 1 }) : kind === 'ellipse' ? new Ellipse({ ...look, left: p.x, top: p.y, rx: 1, ry: 1 }) : new Line([p.x, p.y, p.x, p.y], look)
    this.canvas.add(preview)
    this.draft = { kind, start: p, preview }
  }

  move(p: P): void {
    if (!this.draft) return
    const { start, preview } = this.draft
    const [cx, cy, w, h] = [(start.x + p.x) / 2, (start.y + p.y) / 2, Math.abs(p.x - start.x), Math.abs(p.y - start.y)]
    if (preview instanceof Rect) preview.set({ left: cx, top: cy, width: w, height: h })
    else if (preview instanceof Ellipse) preview.set({ left: cx, top: cy, rx: w / 2, ry: h / 2 })
    else if (preview instanceof Line) preview.set({ x2: p.x, y2: p.y })
    preview.setCoords()
    this.canvas.requestRenderAll()
  }

  /** Ends the drag: the preview goes, and the shape to add comes back (null for a click). */
  up(p: P, style: ShapeStyle, id: string): CanvasObject | null {
    if (!this.draft) return null
    const { kind, start, preview } = this.draft
    this.draft = null
    this.canvas.remove(preview)
    return shapeFromDrag(kind, start, p, style, id)
  }
}
