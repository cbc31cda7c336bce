// Copy, cut, paste and duplicate of canvas objects. The clipboard holds them as text (a prefix and
// their JSON), so they paste into another artwork or tab too; what comes back from the clipboard is
// outside input: parsed with the document's own schemas, under a size limit. Pure.
import { z } from 'zod'
import type { CanvasDocument } from './document'
import { canvasObjectSchema, isBaseLayer, roundCoord, type CanvasObject } from './objects'
import { addOp, type CanvasOp } from './ops'

export const CLIPBOARD_PREFIX = 'ganvas-objects:'
/** the most objects one paste adds, and the most text it reads */
export const MAX_CLIPBOARD_OBJECTS = 500
export const MAX_CLIPBOARD_CHARS = 2 * 1024 * 1024
/** how far a pasted or duplicated copy lands from its original, in canvas pixels */
export const PASTE_OFFSET = 24

const clipboardSchema = z.array(canvasObjectSchema).min(1).max(MAX_CLIPBOARD_OBJECTS)

/** The objects with these ids that a copy, cut or duplicate takes: bottom first, never the base layer. */
export function objectsToCopy(doc: CanvasDocument, ids: readonly string[]): CanvasObject[] {
  const wanted = new Set(ids)
  return doc.order.filter((id) => wanted.has(id)).map((id) => doc.objects[id]!).filter((o) => !isBaseLayer(o))
}

/** Those objects as clipboard text, or null when there are none. */
export function copyText(doc: CanvasDocument, ids: readonly string[]): string | null {
  const objects = objectsToCopy(doc, ids)
  return objects.length ? CLIPBOARD_PREFIX + JSON.stringify(objects) : null
}

/** The objects in clipboard text, or null when it is not ours, too large or not valid. */
export function parseClipboard(text: string): CanvasObject[] | null {
  if (!text.startsWith(CLIPBOARD_PREFIX) || text.length > MAX_CLIPBOARD_CHARS) return null
  try {
    const parsed = clipboardSchema.safeParse(JSON.parse(text.slice(CLIPBOARD_PREFIX.length)))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Add ops for copies of `objects` with new ids, moved by `offset` canvas pixels on both axes,
 * on top of everything, in their order. A copy of an image is never locked (one base layer).
 */
export function pasteOps(objects: readonly CanvasObject[], newId: () => string, offset = PASTE_OFFSET): CanvasOp[] {
  return objects.map((o) => {
    const id = newId()
    const moved = { ...o, id, left: roundCoord(o.left + offset), top: roundCoord(o.top + offset) }
    const object: CanvasObject =
      moved.type === 'line'
        ? { ...moved, x1: roundCoord(moved.x1 + offset), y1: roundCoord(moved.y1 + offset), x2: roundCoord(moved.x2 + offset), y2: roundCoord(moved.y2 + offset) }
        : moved.type === 'image'
          ? { ...moved, locked: false }
          : moved
    return addOp(object)
  })
}
