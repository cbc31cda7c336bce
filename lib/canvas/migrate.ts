// Documents and ops as they were stored in earlier shapes, brought to today's. Every stored
// document is read through migrateDocument (document.ts documentFromStore: artworks' snapshots,
// the Snapshot table's folds, versions) and every stored op through migrateStoredOp (lib/db's
// op rows: folding, catch-up, replay), so the rest of the code knows one shape only: the schemas
// in objects.ts and document.ts. A step changes a document of version n into one of version n + 1.
//
// Adding a step: bump DOCUMENT_SCHEMA_VERSION, append a step whose `from` is the old version, and
// add a stored document of the old shape to tests/canvas/migrate.test.ts. Ops carry no version,
// so a step's `object` change must leave an object already in the new shape as it is.

/** The shape of documents this code writes (document.ts' schema accepts this version only). */
export const DOCUMENT_SCHEMA_VERSION = 2

/** A JSON object as read from the database, before it is validated. */
type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The paper the studio draws on: what strokes of the old painting eraser put back. */
export const PAPER_COLOUR = '#ffffff'

interface Step {
  from: number
  /** what it changes, for the reader of this file */
  why: string
  /** an object (a document's, or an added object of an op) */
  object?: (o: Json) => Json
  /** the properties an update op sets on an object of unknown type */
  update?: (set: Json) => Json
}

const STEPS: Step[] = [
  {
    from: 1,
    why:
      "The studio's eraser once painted paper-coloured strokes (path brush 'eraser'); it now removes objects. Those strokes " +
      'become what they looked like: pencil strokes in the paper colour (round caps, as the eraser had).',
    object: (o) => (o.type === 'path' && o.brush === 'eraser' ? { ...o, brush: 'pencil', stroke: PAPER_COLOUR } : o),
    update: (set) => (set.brush === 'eraser' ? { ...set, brush: 'pencil', stroke: PAPER_COLOUR } : set),
  },
]

export class DocumentFromNewerServerError extends Error {
  override readonly name = 'DocumentFromNewerServerError'
  constructor(readonly version: number) {
    super(`This canvas was saved by a newer GANvas (document version ${version}, this server reads up to ${DOCUMENT_SCHEMA_VERSION}): update the server.`)
  }
}

/**
 * A stored document in today's shape (still to be validated): the steps from its version (1 when
 * it has none: the first documents) up to DOCUMENT_SCHEMA_VERSION, in order. Leaves what is not
 * an object as it is (the caller's validation refuses it); throws DocumentFromNewerServerError
 * for a version this code does not know, rather than reading it wrongly and saving the damage.
 */
export function migrateDocument(raw: unknown): unknown {
  if (!isObject(raw)) return raw
  const version = typeof raw.schema === 'number' && Number.isInteger(raw.schema) ? raw.schema : 1
  if (version > DOCUMENT_SCHEMA_VERSION) throw new DocumentFromNewerServerError(version)
  if (version === DOCUMENT_SCHEMA_VERSION) return raw
  let doc: Json = raw
  for (const step of STEPS) {
    if (step.from < version) continue
    const change = step.object
    if (change && isObject(doc.objects)) {
      doc = { ...doc, objects: Object.fromEntries(Object.entries(doc.objects).map(([id, o]) => [id, isObject(o) ? change(o) : o])) }
    }
    doc = { ...doc, schema: step.from + 1 }
  }
  return doc
}

/**
 * A stored op's payload (its `data`) in today's shape. Ops carry no version, so every step's
 * object and update changes apply (each leaves today's shapes alone).
 */
export function migrateOpPayload(kind: string, payload: unknown): unknown {
  if (!isObject(payload)) return payload
  if (kind === 'add' && isObject(payload.object)) {
    let object: Json = payload.object
    for (const step of STEPS) if (step.object) object = step.object(object)
    return object === payload.object ? payload : { ...payload, object }
  }
  if (kind === 'update' && isObject(payload.set)) {
    let set: Json = payload.set
    for (const step of STEPS) if (step.update) set = step.update(set)
    return set === payload.set ? payload : { ...payload, set }
  }
  return payload
}
