// The studio's Fabric canvas wired to the document: what each pointer and Fabric event does
// (draw, move, edit text, place shapes, hints and text, erase, pan, zoom) and the presence it
// sends (cursor, stroke in progress). The ops themselves come from canvas-edits.ts (pure,
// unit-tested); this module only reads Fabric's objects and events. Set up once per canvas by
// Editor.tsx, which keeps React state; the handlers read the current settings through `live`.
import { Point, Textbox, type Canvas, type Path, type TPointerEventInfo } from 'fabric'
import type { CanvasDocument } from '@/lib/canvas/document'
import { roundCoord as round } from '@/lib/canvas/objects'
import { addOp, type CanvasOp } from '@/lib/canvas/ops'
import type { SyncEngine } from '@/lib/collab/sync'
import { hintObject, movedOps, textEditedOps, textObject, type MovedObject } from './canvas-edits'
import { eraserRadius } from './eraser'
import { EraserTool } from './eraser-tool'
import { pathFromBrush, placementOf, type FabricScene } from './fabric-scene'
import { ShapeTool } from './shape-tool'
import { isShapeTool, newObjectId, type ToolId } from './tools'

/** What the handlers read when an event comes (a ref the editor keeps current). */
export interface LiveSettings {
  tool: ToolId
  color: string
  size: number
  opacity: number
  fillShapes: boolean
  canWrite: boolean
  engine: SyncEngine | null
  emitVolatile: (event: 'cursor' | 'stroke', payload: object) => void
}

export interface CanvasWiring {
  live: { readonly current: LiveSettings }
  /** the one document the handlers read */
  currentDoc: () => CanvasDocument | null
  /** applies ops locally and sends them; false when they were not taken */
  commit: (ops: CanvasOp[]) => boolean
  setSelected: (ids: string[]) => void
  setTool: (tool: ToolId) => void
  /** the zoom as a factor of the fitted view */
  setZoom: (zoom: number) => void
  setVpt: (vpt: number[]) => void
  /** the canvas' size in CSS pixels at zoom 1 */
  view: number
}

/** Wires `canvas` (showing `sc`); returns the object eraser and what undoes the wiring. */
export function wireCanvas(canvas: Canvas, sc: FabricScene, { live, currentDoc, commit, setSelected, setTool, setZoom, setVpt, view }: CanvasWiring): { eraser: EraserTool; dispose: () => void } {
  // the object eraser: drag over objects to mark them, release to remove them in one action
  const er = new EraserTool({ canvas, scene: sc, document: currentDoc, commit })

  canvas.on('path:created', ({ path }) => {
    const { tool: t, opacity: o } = live.current
    const brush = t === 'marker' ? 'marker' : 'pencil'
    const id = newObjectId()
    const obj = pathFromBrush(path as Path, id, brush, brush === 'marker' ? Math.min(o, 0.6) : o)
    sc.adopt(id, path)
    if (!commit([addOp(obj)])) canvas.remove(path)
  })

  canvas.on('object:modified', () => {
    const current = currentDoc()
    const targets = canvas.getActiveObjects()
    const moved: MovedObject[] = []
    for (const fo of targets) {
      const id = sc.idOf(fo)
      // read before the selection is let go: a multi-selection's objects are group-relative until then
      if (id) moved.push({ id, placement: placementOf(fo), ...(fo instanceof Textbox ? { width: fo.width } : {}) })
    }
    // objects in a multi-selection have group-relative coordinates: let go of the group first
    if (targets.length > 1) canvas.discardActiveObject()
    if (current) commit(movedOps(current, moved))
  })

  canvas.on('text:editing:exited', ({ target }) => {
    const id = sc.idOf(target)
    const current = currentDoc()
    if (id && current) commit(textEditedOps(current, id, target.text, target.width))
  })

  const updateSelection = () => setSelected(canvas.getActiveObjects().map((o) => sc.idOf(o)).filter((x): x is string => !!x))
  canvas.on('selection:created', updateSelection)
  canvas.on('selection:updated', updateSelection)
  canvas.on('selection:cleared', updateSelection)

  // shapes and text are placed by dragging / clicking; pan drags the view
  const shapes = new ShapeTool(canvas)
  const shapeStyle = () => ({ color: live.current.color, size: live.current.size, opacity: live.current.opacity, fill: live.current.fillShapes })
  let panning: { x: number; y: number } | null = null
  const syncVpt = () => setVpt([...canvas.viewportTransform])
  // presence: my cursor, and my stroke while I draw it, at most every 40 ms
  let lastCursor = 0
  let stroke: { id: string; buffer: Array<[number, number]> } | null = null
  const flushStroke = (done: boolean) => {
    if (!stroke) return
    const { tool: t, color: c, size: s } = live.current
    live.current.emitVolatile('stroke', { strokeId: stroke.id, points: stroke.buffer, color: c, width: t === 'marker' ? s * 2.5 : s, ...(done ? { done: true } : {}) })
    stroke.buffer = []
  }
  canvas.on('mouse:down:before', (opt: TPointerEventInfo) => {
    if (canvas.isDrawingMode) stroke = { id: newObjectId(), buffer: [[round(opt.scenePoint.x), round(opt.scenePoint.y)]] }
  })
  // at most one message per 40 ms, and the last position always goes out (a trailing send): a
  // pen that stops moving would otherwise leave its peers' view one step behind
  let trailing: ReturnType<typeof setTimeout> | null = null
  let latest: { x: number; y: number } | null = null
  const sendPresence = () => {
    trailing = null
    lastCursor = Date.now()
    if (stroke && stroke.buffer.length) flushStroke(false)
    if (latest) live.current.emitVolatile('cursor', latest)
    latest = null
  }
  canvas.on('mouse:move:before', (opt: TPointerEventInfo) => {
    const p = opt.scenePoint
    if (stroke) stroke.buffer.push([round(p.x), round(p.y)])
    latest = { x: round(p.x), y: round(p.y) }
    const wait = 40 - (Date.now() - lastCursor)
    if (wait <= 0) sendPresence()
    else trailing ??= setTimeout(sendPresence, wait)
  })
  canvas.on('mouse:up:before', () => {
    flushStroke(true)
    stroke = null
  })
  canvas.on('mouse:down', (opt: TPointerEventInfo) => {
    const { tool: t, color: c, size: s, canWrite: w } = live.current
    const p = opt.scenePoint
    if (t === 'pan' || (opt.e as MouseEvent).button === 1) {
      panning = { x: (opt.e as MouseEvent).clientX, y: (opt.e as MouseEvent).clientY }
      return
    }
    if (!w) return
    if (t === 'eraser') {
      if ((opt.e as MouseEvent).button === 0) er.down(p, eraserRadius(s))
      return
    }
    if (isShapeTool(t)) shapes.down(t, p, shapeStyle())
    else if (t === 'hint') {
      // a colour hint for the doodle painter, in the current colour; it stays under the pointer
      commit([addOp(hintObject(newObjectId(), p, c))])
    } else if (t === 'text') {
      const id = newObjectId()
      if (commit([addOp(textObject(id, p, { colour: c, size: s, opacity: live.current.opacity }))])) {
        const e = live.current.engine
        void sc.sync(e!.document).then(() => {
          const fo = sc.objectOf(id)
          if (!(fo instanceof Textbox)) return
          setTool('select')
          canvas.setActiveObject(fo)
          fo.enterEditing()
          fo.selectAll()
        })
      }
    }
  })
  canvas.on('mouse:move', (opt: TPointerEventInfo) => {
    const ev = opt.e as MouseEvent
    if (panning) {
      canvas.relativePan(new Point(ev.clientX - panning.x, ev.clientY - panning.y))
      panning = { x: ev.clientX, y: ev.clientY }
      syncVpt()
      return
    }
    if (er.active) return er.move(opt.scenePoint)
    shapes.move(opt.scenePoint)
  })
  canvas.on('mouse:up', (opt: TPointerEventInfo) => {
    panning = null
    er.up()
    const id = newObjectId()
    const obj = shapes.up(opt.scenePoint, shapeStyle(), id)
    if (obj) commit([addOp(obj)])
  })
  canvas.on('mouse:wheel', (opt) => {
    const ev = opt.e as WheelEvent
    if (!ev.ctrlKey && !ev.metaKey) return
    ev.preventDefault()
    const next = Math.min(8, Math.max(0.25, canvas.getZoom() * (ev.deltaY < 0 ? 1.1 : 1 / 1.1)))
    canvas.zoomToPoint(new Point(ev.offsetX, ev.offsetY), next)
    setZoom(next / (view / 1024))
    syncVpt()
  })
  return {
    eraser: er,
    dispose: () => {
      if (trailing) clearTimeout(trailing)
      er.cancel()
    },
  }
}
