// The canvas document: what an artwork's canvas holds, shared by the browser editor, the server
// (snapshots, versions) and the tests. Objects are keyed by stable ids; `order` is the z-order,
// bottom first. Ops over this model are in ops.ts.
import { z } from 'zod'
import { DOCUMENT_SCHEMA_VERSION, migrateDocument } from './migrate'
import { canvasObjectSchema, isBaseLayer, objectIdSchema, type CanvasObject } from './objects'

export { DOCUMENT_SCHEMA_VERSION, objectIdSchema }
export type { CanvasObject }

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

/**
 * The largest document stored, as UTF-8 bytes of its JSON (issue 4: document <= 5 MB). Ops are
 * capped one by one (ops.ts' MAX_OP_BYTES), but 5,000 objects of up to 256 KB each could add up to
 * far more, so whatever stores a whole document (a version, a restore, a fork) checks it too.
 */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

/**
 * The largest PNG an image object of an artwork may point to (a painted base layer, a picture the
 * artist added): the blob route refuses more, the studio scales a picture down until it fits.
 */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024

/** Thrown when a document is over MAX_DOCUMENT_BYTES; route handlers answer it with 413. */
export class DocumentTooLargeError extends Error {
  override readonly name = 'DocumentTooLargeError'
  constructor(readonly bytes: number) {
    super(
      `The canvas document is ${(bytes / 1024 / 1024).toFixed(1)} MB, over the ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB limit: ` +
        'remove or simplify some objects (long freehand strokes are the largest), then try again.',
    )
  }
}

/** UTF-8 bytes of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff) i++ // a surrogate pair: 4 bytes for 2 UTF-16 units
    else n += 2
  }
  return n
}

/** No JSON from outside nests deeper than this (a document is ~6 levels deep). */
export const MAX_JSON_DEPTH = 32

/**
 * Whether a parsed JSON value nests deeper than `limit`, checked without recursion: validating
 * a value nested thousands of levels deep overflowed the stack (issue 22), so it is refused first.
 */
export function nestedDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (v === null || typeof v !== 'object') continue
    if (depth >= limit) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}

/** UTF-8 bytes of a value's JSON (0 for undefined, which JSON leaves out). */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) as string | undefined
  return json === undefined ? 0 : utf8Length(json)
}

/** The document's size as it is stored: UTF-8 bytes of its JSON. */
export function documentBytes(doc: CanvasDocument): number {
  return jsonBytes(doc)
}

/** Throws DocumentTooLargeError when doc is over MAX_DOCUMENT_BYTES; the one size check. */
export function assertDocumentSize(doc: CanvasDocument): void {
  const bytes = documentBytes(doc)
  if (bytes > MAX_DOCUMENT_BYTES) throw new DocumentTooLargeError(bytes)
}

/** The object with this id, only if the document itself holds it (never an inherited property). */
export function objectOf(doc: CanvasDocument, id: string): CanvasObject | undefined {
  return Object.hasOwn(doc.objects, id) ? doc.objects[id] : undefined
}

/**
 * A document read from the database (an artwork's snapshot, a version): brought to today's shape
 * (migrate.ts: the steps from the version it was stored in), then parsed, or, if
 * it no longer parses (written before a rule existed, e.g. an object under a reserved id),
 * repaired rather than refused, so that an artwork always opens: objects whose id or content is
 * invalid are dropped, the z-order keeps each remaining object once (objects it missed go on top).
 * Throws only when not even the canvas' size can be read, or when a newer server wrote it.
 */
export function documentFromStore(stored: unknown): CanvasDocument {
  const raw = migrateDocument(stored)
  const parsed = canvasDocumentSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const r = (raw ?? {}) as Partial<Record<keyof CanvasDocument, unknown>>
  const objects: Record<string, CanvasObject> = {}
  if (r.objects && typeof r.objects === 'object') {
    for (const [id, value] of Object.entries(r.objects)) {
      const object = canvasObjectSchema.safeParse(value)
      if (objectIdSchema.safeParse(id).success && object.success && object.data.id === id) objects[id] = object.data
    }
  }
  const order: string[] = []
  for (const id of Array.isArray(r.order) ? r.order : []) if (typeof id === 'string' && Object.hasOwn(objects, id) && !order.includes(id)) order.push(id)
  for (const id of Object.keys(objects)) if (!order.includes(id)) order.push(id)
  return canvasDocumentSchema.parse({
    schema: DOCUMENT_SCHEMA_VERSION,
    width: r.width,
    height: r.height,
    background: typeof r.background === 'string' && r.background.length <= 32 ? r.background : '#ffffff',
    objects,
    order: order.slice(0, MAX_OBJECTS),
  })
}

/** The id of the document's base layer (the first locked image in z-order), if it has one. */
export function baseLayerId(doc: CanvasDocument): string | undefined {
  return doc.order.find((id) => isBaseLayer(objectOf(doc, id)))
}

export function emptyDocument(width = DEFAULT_CANVAS_SIZE, height = DEFAULT_CANVAS_SIZE): CanvasDocument {
  return { schema: DOCUMENT_SCHEMA_VERSION, width, height, background: '#ffffff', objects: {}, order: [] }
}

/**
 * The document without its colour hints (objects of type 'hint'): what every picture rendered
 * from it shows (PNG and SVG export, version renders and thumbnails, the doodle the painter
 * reads). The hints stay in the document itself: the studio and the replay draw them.
 */
export function withoutHints(doc: CanvasDocument): CanvasDocument {
  if (!doc.order.some((id) => doc.objects[id]?.type === 'hint')) return doc
  const order = doc.order.filter((id) => doc.objects[id]?.type !== 'hint')
  return { ...doc, objects: Object.fromEntries(order.map((id) => [id, doc.objects[id] as CanvasObject])), order }
}

/** The document's colour hints, bottom first. */
export function hintsOf(doc: CanvasDocument): Array<Extract<CanvasObject, { type: 'hint' }>> {
  return doc.order.map((id) => doc.objects[id]).filter((o): o is Extract<CanvasObject, { type: 'hint' }> => o?.type === 'hint')
}
