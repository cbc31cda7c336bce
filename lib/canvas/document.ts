// The canvas document: what an artwork's canvas holds, shared by the browser editor, the server
// (snapshots, versions) and the tests. Objects are keyed by stable ids; `order` is the z-order,
// bottom first. Ops over this model live beside it (lib/canvas/ops.ts, with the studio).
import { z } from 'zod'

export const DOCUMENT_SCHEMA_VERSION = 1
export const DEFAULT_CANVAS_SIZE = 1024
export const MAX_OBJECTS = 5_000

export const objectIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'object ids are 1-64 characters of A-Z a-z 0-9 _ -')

/** One drawable object; its type-specific properties are validated by the ops module. */
export const canvasObjectSchema = z
  .object({
    id: objectIdSchema,
    type: z.string().min(1).max(32),
  })
  .catchall(z.json())

export const canvasDocumentSchema = z
  .object({
    schema: z.literal(DOCUMENT_SCHEMA_VERSION),
    width: z.number().int().min(16).max(4096),
    height: z.number().int().min(16).max(4096),
    background: z.string().max(32),
    objects: z.record(objectIdSchema, canvasObjectSchema),
    order: z.array(objectIdSchema).max(MAX_OBJECTS),
  })
  .refine((d) => d.order.length === Object.keys(d.objects).length && d.order.every((id) => id in d.objects), {
    message: 'order must list every object exactly once',
  })

export type CanvasObject = z.infer<typeof canvasObjectSchema>
export type CanvasDocument = z.infer<typeof canvasDocumentSchema>

export function emptyDocument(width = DEFAULT_CANVAS_SIZE, height = DEFAULT_CANVAS_SIZE): CanvasDocument {
  return { schema: DOCUMENT_SCHEMA_VERSION, width, height, background: '#ffffff', objects: {}, order: [] }
}
