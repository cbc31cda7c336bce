// What an artist's action on the canvas makes: the ops, from the document and what Fabric
// reported (read off its objects by the editor: placementOf, a text box's text and width). Pure,
// so the rules (only what changed is sent, the base layer stays put, an emptied text box goes
// away) are unit-tested without a canvas (tests/studio/canvas-edits.test.ts).
import { objectOf, type CanvasDocument } from '@/lib/canvas/document'
import { isBaseLayer, roundCoord as round, type CanvasObject } from '@/lib/canvas/objects'
import { removeOp, reorderOp, updateOp, type CanvasOp } from '@/lib/canvas/ops'

export interface Point {
  x: number
  y: number
}

/** A transformed object as the canvas has it now: its placement, and a text box's width. */
export interface MovedObject {
  id: string
  placement: { left: number; top: number; angle: number; scaleX: number; scaleY: number }
  width?: number
}

/** One update per moved object, with only the properties that differ from the document's. */
export function movedOps(doc: CanvasDocument, moved: readonly MovedObject[]): CanvasOp[] {
  const ops: CanvasOp[] = []
  for (const m of moved) {
    const before = objectOf(doc, m.id) as Record<string, unknown> | undefined
    if (!before) continue
    const next: Record<string, number> = { ...m.placement, ...(m.width === undefined ? {} : { width: round(m.width) }) }
    const set = Object.fromEntries(Object.entries(next).filter(([k, v]) => before[k] !== v))
    if (Object.keys(set).length) ops.push(updateOp(m.id, set))
  }
  return ops
}

/** A text box left after editing: removed when emptied, updated when its text changed. */
export function textEditedOps(doc: CanvasDocument, id: string, text: string, width: number): CanvasOp[] {
  const before = objectOf(doc, id)
  if (before?.type !== 'text') return []
  if (!text.trim()) return [removeOp(id)]
  return text === before.text ? [] : [updateOp(id, { text, width: round(width) })]
}

/** A colour hint for the doodle painter at `p`, in `colour`. */
export function hintObject(id: string, p: Point, colour: string): CanvasObject {
  return { id, type: 'hint', left: round(p.x), top: round(p.y), fill: colour, angle: 0, scaleX: 1, scaleY: 1, opacity: 1 }
}

/** A new text box at `p`, its font size following the brush size. */
export function textObject(id: string, p: Point, style: { colour: string; size: number; opacity: number }): CanvasObject {
  return { id, type: 'text', text: 'Text', left: round(p.x), top: round(p.y), fontSize: Math.max(24, style.size * 4), fontFamily: 'sans-serif', fill: style.colour, width: 320, angle: 0, scaleX: 1, scaleY: 1, opacity: style.opacity }
}

/** Removes the selected objects, but never the base layer. */
export function removeSelectionOps(doc: CanvasDocument, ids: readonly string[]): CanvasOp[] {
  return ids.filter((id) => {
    const o = objectOf(doc, id)
    return o && !isBaseLayer(o)
  }).map(removeOp)
}

/** Brings object `id` one step forward (+1) or backward (-1), never under the base layer. */
export function restackOps(doc: CanvasDocument, id: string, delta: 1 | -1): CanvasOp[] {
  const from = doc.order.indexOf(id)
  if (from < 0) return []
  const bottom = doc.order.findIndex((oid) => !isBaseLayer(objectOf(doc, oid)))
  const to = Math.min(doc.order.length - 1, Math.max(Math.max(0, bottom), from + delta))
  return to === from ? [] : [reorderOp(id, to)]
}

