// The canvas document: what an artwork's canvas holds, shared by the browser editor, the server
// (snapshots, versions) and the tests. Objects are keyed by stable ids; `order` is the z-order,
// bottom first. Ops over this model are in ops.ts.
import { z } from 'zod'
import { canvasObjectSchema, objectIdSchema, type CanvasObject } from './objects'

export { objectIdSchema }
export type { CanvasObject }

export const DOCUMENT_SCHEMA_VERSION = 1
export const DEFAULT_CANVAS_SIZE = 1024
export const MAX_OBJECTS = 5_000

export const canvasDocumentSchema = z
  .object({
    schema: z.literal(DOCUMENT_SCHEMA_VERSION),
    width: z.number().int().min(16).max(4096),
    height: z.number().int().min(16).max(4096),
    background: z.string().max(32),
    objects: z.record(objectIdSchema, canvasObjectSchema),
    order: z.array(objectIdSchema).max(MAX_OBJECTS),
  })
  .refine(
    (d) => d.order.length === Object.keys(d.objects).length && d.order.every((id) => d.objects[id]?.id === id) && new Set(d.order).size === d.order.length,
    { message: 'order must list every object exactly once, under its own id' },
  )

export type CanvasDocument = z.infer<typeof canvasDocumentSchema>

export function emptyDocument(width = DEFAULT_CANVAS_SIZE, height = DEFAULT_CANVAS_SIZE): CanvasDocument {
  return { schema: DOCUMENT_SCHEMA_VERSION, width, height, background: '#ffffff', objects: {}, order: [] }
}
