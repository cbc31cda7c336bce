// Ops over the canvas document: every committed user action is one op. The same apply function
// runs in the editor (optimistically), on the server (folding snapshots) and in tests, and every
// applied op yields its inverse, which is how undo works (undo sends the inverse as a new op).
import { z } from 'zod'
import { canvasObjectSchema, objectIdSchema, propertySchemas, type CanvasObject } from './objects'
import { MAX_JSON_DEPTH, MAX_OBJECTS, jsonBytes, nestedDeeperThan, objectOf, utf8Length, type CanvasDocument } from './document'

/**
 * The largest op accepted, as the length of its JSON (UTF-16 code units, so up to ~3x that in
 * UTF-8 bytes: still under socket.io's 1,000,000-byte message cap, MAX_MESSAGE_BYTES in
 * lib/collab/protocol.ts). parseOp checks it for every op a socket sends; a long freehand stroke
 * is well under it. Whole documents have their own limit (document.ts' MAX_DOCUMENT_BYTES).
 */
export const MAX_OP_BYTES = 256 * 1024

const index = z.number().int().min(0).max(MAX_OBJECTS)

export const addOpSchema = z
  .object({ kind: z.literal('add'), objectId: objectIdSchema, data: z.object({ object: canvasObjectSchema, index: index.optional() }).strict() })
  .strict()
export const updateOpSchema = z
  .object({
    kind: z.literal('update'),
    objectId: objectIdSchema,
    // only the changed properties; checked against the object's kind when applied
    data: z.object({ set: z.record(z.string().max(32), z.json()).refine((s) => Object.keys(s).length > 0, 'nothing to update') }).strict(),
  })
  .strict()
export const removeOpSchema = z.object({ kind: z.literal('remove'), objectId: objectIdSchema, data: z.object({}).strict() }).strict()
export const reorderOpSchema = z.object({ kind: z.literal('reorder'), objectId: objectIdSchema, data: z.object({ index }).strict() }).strict()

export const canvasOpSchema = z.discriminatedUnion('kind', [addOpSchema, updateOpSchema, removeOpSchema, reorderOpSchema])
export type CanvasOp = z.infer<typeof canvasOpSchema>
export type OpKind = CanvasOp['kind']

type UpdateSet = Extract<CanvasOp, { kind: 'update' }>['data']['set']

/** Adds `object` (under its own id), on top or at z-index `index`. */
export const addOp = (object: CanvasObject, index?: number): CanvasOp => ({ kind: 'add', objectId: object.id, data: index === undefined ? { object } : { object, index } })
/** Sets these properties of object `id` (only what changed; null or undefined takes a property away). */
export const updateOp = (id: string, set: Record<string, unknown>): CanvasOp => ({ kind: 'update', objectId: id, data: { set: set as UpdateSet } })
export const removeOp = (id: string): CanvasOp => ({ kind: 'remove', objectId: id, data: {} })
/** Moves object `id` to z-index `index` (0: bottom). */
export const reorderOp = (id: string, index: number): CanvasOp => ({ kind: 'reorder', objectId: id, data: { index } })

export type ApplyFailure = { ok: false; reason: 'missing' | 'exists' | 'invalid' | 'full'; message: string }
export type ApplyResult = { ok: true; inverse: CanvasOp } | ApplyFailure

const fail = (reason: ApplyFailure['reason'], message: string): ApplyFailure => ({ ok: false, reason, message })

/**
 * How many bytes applying `op` would add to `doc`'s JSON (negative when it frees some), before
 * applying it: for an add the object, its key and its place in the order; for a remove the same,
 * taken away; for an update each property's value before and after. Counts what JSON.stringify
 * writes, give or take a separator, so that a writer keeps a running total without serialising
 * the whole document at every op.
 */
export function opSizeDelta(doc: CanvasDocument, op: CanvasOp): number {
  const current = objectOf(doc, op.objectId)
  const entry = (object: unknown) => jsonBytes(object) + 2 * (utf8Length(op.objectId) + 3)
  switch (op.kind) {
    case 'add':
      return current ? 0 : entry(op.data.object)
    case 'remove':
      return current ? -entry(current) : 0
    case 'update': {
      if (!current) return 0
      const props = current as unknown as Record<string, unknown>
      let delta = 0
      for (const [key, value] of Object.entries(op.data.set)) {
        const keyBytes = utf8Length(key) + 4
        const before = props[key] === undefined ? 0 : jsonBytes(props[key]) + keyBytes
        const after = value === undefined || value === null ? 0 : jsonBytes(value) + keyBytes
        delta += after - before
      }
      return delta
    }
    case 'reorder':
      return 0
  }
}

/** Parses untrusted input into an op, enforcing the size limit first. */
export function parseOp(input: unknown): { ok: true; op: CanvasOp; bytes: number } | { ok: false; message: string } {
  if (nestedDeeperThan(input)) return { ok: false, message: `op nests deeper than ${MAX_JSON_DEPTH} levels` }
  let size: number
  try {
    size = JSON.stringify(input)?.length ?? 0
  } catch {
    return { ok: false, message: 'op is not JSON' }
  }
  if (size > MAX_OP_BYTES) return { ok: false, message: `op is ${size} bytes, over the ${MAX_OP_BYTES} byte limit` }
  const parsed = canvasOpSchema.safeParse(input)
  return parsed.success ? { ok: true, op: parsed.data, bytes: size } : { ok: false, message: z.prettifyError(parsed.error) }
}

/**
 * Applies op to doc in place and returns its inverse, or a failure that leaves doc unchanged.
 * Remove is a tombstone that wins: updates and reorders of a missing object fail ('missing').
 */
export function applyOpInPlace(doc: CanvasDocument, op: CanvasOp): ApplyResult {
  // an own property only: an op under an inherited name (stored before ids were checked for it)
  // finds no object, instead of Object's and then the wrong place in the z-order
  if (op.objectId in Object.prototype) return fail('invalid', `${JSON.stringify(op.objectId)} is not an object id`)
  const current = objectOf(doc, op.objectId)
  switch (op.kind) {
    case 'add': {
      if (current) return fail('exists', `object ${op.objectId} already exists`)
      if (op.data.object.id !== op.objectId) return fail('invalid', 'the object id and the op objectId differ')
      if (doc.order.length >= MAX_OBJECTS) return fail('full', `a canvas holds at most ${MAX_OBJECTS} objects`)
      const at = clampIndex(op.data.index ?? doc.order.length, doc.order.length)
      doc.objects[op.objectId] = op.data.object
      doc.order.splice(at, 0, op.objectId)
      return { ok: true, inverse: removeOp(op.objectId) }
    }
    case 'update': {
      if (!current) return fail('missing', `object ${op.objectId} does not exist (removed?)`)
      const schemas = propertySchemas(current.type)
      const bad = Object.keys(op.data.set).filter((k) => !Object.hasOwn(schemas, k))
      if (bad.length) return fail('invalid', `${current.type} has no updatable ${bad.join(', ')}`)
      const merged: Record<string, unknown> = { ...current }
      for (const [key, value] of Object.entries(op.data.set)) {
        const checked = (schemas[key] as z.ZodType).safeParse(value)
        if (!checked.success) return fail('invalid', `${key}: ${z.prettifyError(checked.error)}`)
        if (checked.data === undefined) delete merged[key]
        else merged[key] = checked.data
      }
      const previous: Record<string, z.core.util.JSONType> = {}
      const currentProps = current as unknown as Record<string, z.core.util.JSONType>
      for (const key of Object.keys(op.data.set)) previous[key] = currentProps[key] ?? null
      doc.objects[op.objectId] = merged as CanvasObject
      return { ok: true, inverse: updateOp(op.objectId, previous) }
    }
    case 'remove': {
      if (!current) return fail('missing', `object ${op.objectId} does not exist`)
      const at = doc.order.indexOf(op.objectId)
      delete doc.objects[op.objectId]
      if (at >= 0) doc.order.splice(at, 1)
      return { ok: true, inverse: addOp(current, at >= 0 ? at : doc.order.length) }
    }
    case 'reorder': {
      if (!current) return fail('missing', `object ${op.objectId} does not exist (removed?)`)
      const from = doc.order.indexOf(op.objectId)
      if (from >= 0) doc.order.splice(from, 1)
      const to = clampIndex(op.data.index, doc.order.length)
      doc.order.splice(to, 0, op.objectId)
      return { ok: true, inverse: reorderOp(op.objectId, from >= 0 ? from : doc.order.length) }
    }
  }
}

/** Pure form of applyOpInPlace: returns a new document (structure shared with the old one). */
export function applyOp(doc: CanvasDocument, op: CanvasOp): ({ ok: true; doc: CanvasDocument; inverse: CanvasOp }) | ApplyFailure {
  const next: CanvasDocument = { ...doc, objects: { ...doc.objects }, order: [...doc.order] }
  const result = applyOpInPlace(next, op)
  return result.ok ? { ok: true, doc: next, inverse: result.inverse } : result
}

/** Folds ops into a copy of doc, skipping ones that fail (as the server would have rejected them). */
export function foldOps(doc: CanvasDocument, ops: Iterable<CanvasOp>): CanvasDocument {
  const next = cloneDocument(doc)
  for (const op of ops) applyOpInPlace(next, op)
  return next
}

export function cloneDocument(doc: CanvasDocument): CanvasDocument {
  return { ...doc, objects: { ...doc.objects }, order: [...doc.order] }
}

function clampIndex(i: number, length: number) {
  return Math.max(0, Math.min(length, Math.floor(i)))
}

export type { CanvasObject }
