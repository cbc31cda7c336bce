'use client'
// The object eraser on the Fabric canvas: a drag marks (fades) every user object its disc
// touches, release removes them all as one op batch (one undo step, synced and stored like any
// edit), Escape cancels. Shapes come from Fabric's own geometry (each object's transform matrix,
// a path's pathOffset, a line's calcLinePoints); the hit testing is eraser.ts.
import { type Canvas, type FabricObject, Line, Path } from 'fabric'
import type { CanvasDocument } from '@/lib/canvas/document'
import { HINT_MARKER_RADIUS, isBaseLayer, type CanvasObject } from '@/lib/canvas/objects'
import type { CanvasOp } from '@/lib/canvas/ops'
import { boxOutline, type Candidate, EraseGesture, eraseOps, erasable, ellipseOutline, flattenPath, type HitShape, makeShape, type Mat, matrixScale, type Pt, transformPoint } from './eraser'
import type { FabricScene } from './fabric-scene'

/** Marked objects are drawn at this fraction of their opacity until the drag ends. */
const MARKED_OPACITY = 0.25
const TRAIL = 'rgba(107, 114, 128, 0.25)'

/** What an object looks like to the eraser, in scene coordinates; null when it is never erased. */
export function hitShapeOf(fo: FabricObject, obj: CanvasObject): HitShape | null {
  const m: Mat = fo.calcTransformMatrix()
  const toScene = (pts: Pt[]) => pts.map((p) => transformPoint(m, p))
  switch (obj.type) {
    case 'path': {
      if (!(fo instanceof Path)) return null
      // a path's commands are in its own plane, offset by pathOffset (how Fabric renders them)
      const { x: ox, y: oy } = fo.pathOffset
      const lines = flattenPath(fo.path).map((line) => toScene(line.map((p) => ({ x: p.x - ox, y: p.y - oy }))))
      return makeShape(lines, { closed: false, filled: false, halfWidth: (fo.strokeWidth / 2) * matrixScale(m) })
    }
    case 'line': {
      if (!(fo instanceof Line)) return null
      const { x1, y1, x2, y2 } = fo.calcLinePoints()
      return makeShape([toScene([{ x: x1, y: y1 }, { x: x2, y: y2 }])], { closed: false, filled: false, halfWidth: (fo.strokeWidth / 2) * matrixScale(m) })
    }
    case 'rect':
    case 'ellipse': {
      const outline = obj.type === 'rect' ? boxOutline(fo.width, fo.height) : ellipseOutline(obj.rx, obj.ry)
      // shapes are drawn with strokeUniform: their stroke keeps its width whatever the scale
      return makeShape([toScene(outline)], { closed: true, filled: obj.fill !== null, halfWidth: obj.stroke ? obj.strokeWidth / 2 : 0 })
    }
    case 'hint':
      // the marker as drawn: a filled disc of its radius (it never scales)
      return makeShape([toScene(ellipseOutline(HINT_MARKER_RADIUS, HINT_MARKER_RADIUS))], { closed: true, filled: true, halfWidth: 0 })
    case 'text':
    case 'image':
      if (isBaseLayer(obj)) return null
      return makeShape([toScene(boxOutline(fo.width, fo.height))], { closed: true, filled: true, halfWidth: 0 })
  }
}

export interface EraserDeps {
  canvas: Canvas
  scene: FabricScene
  /** the document as this user sees it now (with their unacknowledged edits) */
  document: () => CanvasDocument | null
  /** commits ops as one undoable action; false when nothing was applied */
  commit: (ops: CanvasOp[]) => boolean
}

export class EraserTool {
  private gesture: EraseGesture | null = null
  /** shapes computed during this drag, per object id, valid while the document object is the same */
  private shapes = new Map<string, { obj: CanvasObject; fo: FabricObject; shape: HitShape | null }>()

  constructor(private readonly deps: EraserDeps) {}

  get active(): boolean {
    return this.gesture !== null
  }

  /** Press: starts a drag at p (scene coordinates) with an eraser disc of `radius`. */
  down(p: Pt, radius: number) {
    this.cancel()
    this.gesture = new EraseGesture(p, radius)
    this.mark(this.gesture.begin(this.candidates()))
    this.drawTrail()
  }

  move(p: Pt) {
    if (!this.gesture) return
    this.mark(this.gesture.moveTo(p, this.candidates()))
    this.drawTrail()
  }

  /** Release: removes every marked object in one action. */
  up() {
    const gesture = this.gesture
    if (!gesture) return
    this.gesture = null
    this.clearTrail()
    const doc = this.deps.document()
    const ops = doc ? eraseOps(doc, gesture.marked) : []
    // committed: the document sync removes the faded objects; refused: show them again
    if (!(ops.length > 0 && this.deps.commit(ops))) this.unfade(gesture.marked)
    this.shapes.clear()
  }

  /** Escape, a tool change or unmount: nothing is erased. */
  cancel() {
    const gesture = this.gesture
    if (!gesture) return
    this.gesture = null
    this.clearTrail()
    this.unfade(gesture.marked)
    this.shapes.clear()
  }

  private *candidates(): Generator<Candidate> {
    const doc = this.deps.document()
    if (!doc) return
    for (const id of doc.order) {
      if (!erasable(doc, id)) continue
      const obj = doc.objects[id]!
      const fo = this.deps.scene.objectOf(id)
      if (!fo) continue
      let cached = this.shapes.get(id)
      if (!cached || cached.obj !== obj || cached.fo !== fo) {
        // a collaborator changed or rebuilt an object this drag already marked: it moved, and
        // the scene's update showed it at full opacity again
        if (cached && this.gesture?.marked.includes(id)) this.mark([id])
        cached = { obj, fo, shape: hitShapeOf(fo, obj) }
        this.shapes.set(id, cached)
      }
      yield { id, shape: cached.shape }
    }
  }

  private mark(ids: string[]) {
    if (!ids.length) return
    const doc = this.deps.document()
    for (const id of ids) this.deps.scene.objectOf(id)?.set({ opacity: (doc?.objects[id]?.opacity ?? 1) * MARKED_OPACITY })
    this.deps.canvas.requestRenderAll()
  }

  /** Back to the opacity the document has now (a collaborator may have changed it meanwhile). */
  private unfade(ids: string[]) {
    const doc = this.deps.document()
    for (const id of ids) {
      const obj = doc?.objects[id]
      if (obj) this.deps.scene.objectOf(id)?.set({ opacity: obj.opacity })
    }
    this.deps.canvas.requestRenderAll()
  }

  /** The swept path, translucent, on Fabric's top layer (not an object: never in the document). */
  private drawTrail() {
    const { canvas } = this.deps
    const gesture = this.gesture
    if (!gesture) return
    const ctx = canvas.contextTop
    canvas.clearContext(ctx)
    const v = canvas.viewportTransform
    ctx.save()
    ctx.transform(v[0], v[1], v[2], v[3], v[4], v[5])
    ctx.strokeStyle = TRAIL
    ctx.lineWidth = gesture.radius * 2
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    ctx.beginPath()
    const [first, ...rest] = gesture.points
    ctx.moveTo(first!.x, first!.y)
    // a press without a drag still shows the disc
    if (!rest.length) ctx.lineTo(first!.x + 0.01, first!.y)
    for (const p of rest) ctx.lineTo(p.x, p.y)
    ctx.stroke()
    ctx.restore()
  }

  private clearTrail() {
    this.deps.canvas.clearContext(this.deps.canvas.contextTop)
  }
}
