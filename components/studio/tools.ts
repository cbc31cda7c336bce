// The editor's tools and keyboard shortcuts, shown in the toolbar.
import type { ShapeKind } from '@/lib/canvas/shapes'

export type ToolId = 'select' | 'pencil' | 'marker' | 'eraser' | 'rect' | 'ellipse' | 'line' | 'text' | 'hint' | 'pan'

export interface Tool {
  id: ToolId
  label: string
  key: string
}

export const TOOLS: Tool[] = [
  { id: 'select', label: 'Select and move', key: 'V' },
  { id: 'pan', label: 'Pan', key: 'H' },
  { id: 'pencil', label: 'Pencil', key: 'P' },
  { id: 'marker', label: 'Marker', key: 'M' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
  { id: 'rect', label: 'Rectangle', key: 'R' },
  { id: 'ellipse', label: 'Ellipse', key: 'O' },
  { id: 'line', label: 'Line', key: 'L' },
  { id: 'text', label: 'Text', key: 'T' },
  { id: 'hint', label: 'Colour hint for Paint it', key: 'K' },
]

/** Tools that draw with Fabric's free-drawing brush (the eraser removes whole objects instead). */
export const BRUSH_TOOLS: ToolId[] = ['pencil', 'marker']
export const SHAPE_TOOLS: readonly ShapeKind[] = ['rect', 'ellipse', 'line']
export const isShapeTool = (t: ToolId): t is ShapeKind => (SHAPE_TOOLS as readonly ToolId[]).includes(t)

export const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z', 'Redo'],
  ['Delete', 'Delete selection'],
  [']', 'Bring forward'],
  ['[', 'Send backward'],
  ['+ / −', 'Zoom'],
  ['0', 'Fit to screen'],
  ['Esc', 'Cancel erasing'],
  ['Shift+P', 'Paint the doodle'],
  ['Ctrl+C / X / V', 'Copy, cut, paste'],
  ['Ctrl+D', 'Duplicate'],
  ['← ↑ → ↓', 'Nudge (Shift: 10 px)'],
  ['I', 'Add a picture (or drop / paste one)'],
]

export const newObjectId = () => globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 20)

/** Inputs that take no typed text: with one focused (a checkbox just ticked) the shortcuts still work. */
const UNTYPED_INPUTS = new Set(['checkbox', 'radio', 'range', 'color', 'button', 'submit', 'reset', 'file', 'image'])

/** Whether a key event goes to something the user types into (the studio's shortcuts stay out of it). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const t = target as (HTMLElement & { type?: string }) | null
  if (!t || typeof t.tagName !== 'string') return false
  if (t.tagName === 'INPUT') return !UNTYPED_INPUTS.has(String(t.type ?? 'text').toLowerCase())
  return t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable === true
}
