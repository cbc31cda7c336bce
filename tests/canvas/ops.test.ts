import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canvasDocumentSchema, documentBytes, emptyDocument, hintsOf, withoutHints, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, type CanvasObject } from '../../lib/canvas/objects'
import { applyOp, applyOpInPlace, cloneDocument, foldOps, opSizeDelta, parseOp, MAX_OP_BYTES, type CanvasOp } from '../../lib/canvas/ops'

const rect = (id: string, extra: Partial<Record<string, unknown>> = {}): CanvasObject =>
  canvasObjectSchema.parse({ id, type: 'rect', left: 10, top: 20, width: 30, height: 40, fill: '#ff0000', ...extra })

function must<T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`op failed: ${JSON.stringify(r)}`)
  return r as Extract<T, { ok: true }>
}

describe('applyOp', () => {
  it('adds at an index, updates only the given properties, reorders and removes', () => {
    let doc = emptyDocument()
    doc = must(applyOp(doc, { kind: 'add', objectId: 'a', data: { object: rect('a') } })).doc
    doc = must(applyOp(doc, { kind: 'add', objectId: 'b', data: { object: rect('b'), index: 0 } })).doc
    expect(doc.order).toEqual(['b', 'a'])
    const upd = must(applyOp(doc, { kind: 'update', objectId: 'a', data: { set: { left: 99, fill: '#00ff00' } } }))
    expect(upd.doc.objects.a).toMatchObject({ left: 99, top: 20, fill: '#00ff00' })
    expect(upd.inverse).toEqual({ kind: 'update', objectId: 'a', data: { set: { left: 10, fill: '#ff0000' } } })
    doc = must(applyOp(upd.doc, { kind: 'reorder', objectId: 'a', data: { index: 0 } })).doc
    expect(doc.order).toEqual(['a', 'b'])
    const rem = must(applyOp(doc, { kind: 'remove', objectId: 'a', data: {} }))
    expect(rem.doc.order).toEqual(['b'])
    expect(rem.inverse).toEqual({ kind: 'add', objectId: 'a', data: { object: doc.objects.a, index: 0 } })
    expect(canvasDocumentSchema.safeParse(rem.doc).success).toBe(true)
  })

  it('never changes the input document', () => {
    const doc = must(applyOp(emptyDocument(), { kind: 'add', objectId: 'a', data: { object: rect('a') } })).doc
    const frozen = JSON.stringify(doc)
    applyOp(doc, { kind: 'update', objectId: 'a', data: { set: { left: 1 } } })
    applyOp(doc, { kind: 'remove', objectId: 'a', data: {} })
    expect(JSON.stringify(doc)).toBe(frozen)
  })

  it('remove wins: later updates and reorders of a removed object fail and change nothing', () => {
    let doc = must(applyOp(emptyDocument(), { kind: 'add', objectId: 'a', data: { object: rect('a') } })).doc
    doc = must(applyOp(doc, { kind: 'remove', objectId: 'a', data: {} })).doc
    expect(applyOp(doc, { kind: 'update', objectId: 'a', data: { set: { left: 5 } } })).toMatchObject({ ok: false, reason: 'missing' })
    expect(applyOp(doc, { kind: 'reorder', objectId: 'a', data: { index: 0 } })).toMatchObject({ ok: false, reason: 'missing' })
    expect(applyOp(doc, { kind: 'remove', objectId: 'a', data: {} })).toMatchObject({ ok: false, reason: 'missing' })
  })

  it('rejects duplicate adds, foreign properties and invalid values without a change', () => {
    const doc = must(applyOp(emptyDocument(), { kind: 'add', objectId: 'a', data: { object: rect('a') } })).doc
    const before = JSON.stringify(doc)
    expect(applyOpInPlace(doc, { kind: 'add', objectId: 'a', data: { object: rect('a') } })).toMatchObject({ ok: false, reason: 'exists' })
    expect(applyOpInPlace(doc, { kind: 'add', objectId: 'x', data: { object: rect('y') } })).toMatchObject({ ok: false, reason: 'invalid' })
    expect(applyOpInPlace(doc, { kind: 'update', objectId: 'a', data: { set: { text: 'hi' } } })).toMatchObject({ ok: false, reason: 'invalid' })
    expect(applyOpInPlace(doc, { kind: 'update', objectId: 'a', data: { set: { opacity: 7 } } })).toMatchObject({ ok: false, reason: 'invalid' })
    expect(applyOpInPlace(doc, { kind: 'update', objectId: 'a', data: { set: { type: 'text' } } })).toMatchObject({ ok: false, reason: 'invalid' })
    expect(JSON.stringify(doc)).toBe(before)
  })
})

describe('parseOp', () => {
  it('accepts a valid op and rejects malformed or oversized ones with a message', () => {
    expect(parseOp({ kind: 'remove', objectId: 'a', data: {} }).ok).toBe(true)
    for (const bad of [null, {}, { kind: 'explode', objectId: 'a', data: {} }, { kind: 'remove', objectId: 'bad id!', data: {} }, { kind: 'update', objectId: 'a', data: { set: {} } }]) {
      const r = parseOp(bad)
      expect(r.ok, JSON.stringify(bad)).toBe(false)
      if (!r.ok) expect(r.message.length).toBeGreaterThan(3)
    }
    const huge = { kind: 'update', objectId: 'a', data: { set: { text: 'x'.repeat(MAX_OP_BYTES) } } }
    const r = parseOp(huge)
    expect(r).toMatchObject({ ok: false })
    if (!r.ok) expect(r.message).toMatch(/limit/)
  })

  it('rejects images that do not come from the blob store (no arbitrary URLs on the canvas)', () => {
    const r = parseOp({ kind: 'add', objectId: 'i', data: { object: { id: 'i', type: 'image', left: 0, top: 0, src: 'https://evil.example/x.png', width: 64, height: 64 } } })
    expect(r.ok).toBe(false)
  })
})

// ---- property-based: random op sequences
const ids = ['a', 'b', 'c', 'd', 'e', 'f']
const colorArb = fc.constantFrom('#000000', '#ff0000', '#00ff00', '#123456', null)
const objectArb = (id: string): fc.Arbitrary<CanvasObject> =>
  fc.oneof(
    fc.record({ left: fc.integer({ min: -50, max: 1000 }), top: fc.integer({ min: -50, max: 1000 }), width: fc.integer({ min: 0, max: 500 }), height: fc.integer({ min: 0, max: 500 }), fill: colorArb }).map((p) => canvasObjectSchema.parse({ id, type: 'rect', ...p })),
    fc.record({ left: fc.integer({ min: 0, max: 1000 }), top: fc.integer({ min: 0, max: 1000 }), rx: fc.integer({ min: 0, max: 200 }), ry: fc.integer({ min: 0, max: 200 }) }).map((p) => canvasObjectSchema.parse({ id, type: 'ellipse', ...p })),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { minLength: 1, maxLength: 8 }).map((pts) =>
      canvasObjectSchema.parse({ id, type: 'path', left: 0, top: 0, brush: 'pencil', stroke: '#000000', strokeWidth: 4, path: pts.map(([x, y], i) => [i === 0 ? 'M' : 'L', x, y]) }),
    ),
    fc.string({ maxLength: 20 }).map((text) => canvasObjectSchema.parse({ id, type: 'text', left: 5, top: 5, text, fontSize: 24, fill: '#111111', width: 200 })),
  )
const opArb: fc.Arbitrary<CanvasOp> = fc.constantFrom(...ids).chain((objectId) =>
  fc.oneof(
    fc.record({ object: objectArb(objectId), index: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }) }).map(({ object, index }) => ({ kind: 'add' as const, objectId, data: index === undefined ? { object } : { object, index } })),
    fc.record({ left: fc.integer({ min: 0, max: 900 }), opacity: fc.double({ min: 0, max: 1, noNaN: true }), angle: fc.integer({ min: -360, max: 360 }) }, { requiredKeys: [] })
      .filter((s) => Object.keys(s).length > 0)
      .map((set) => ({ kind: 'update' as const, objectId, data: { set } })),
    fc.constant({ kind: 'remove' as const, objectId, data: {} }),
    fc.integer({ min: 0, max: 10 }).map((index) => ({ kind: 'reorder' as const, objectId, data: { index } })),
  ),
)

describe('ops (property-based)', () => {
  it('undoing every applied op in reverse order restores the starting document', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const start = emptyDocument()
        const doc = cloneDocument(start)
        const inverses: CanvasOp[] = []
        for (const op of ops) {
          const r = applyOpInPlace(doc, op)
          if (r.ok) inverses.push(r.inverse)
        }
        expect(canvasDocumentSchema.safeParse(doc).success).toBe(true)
        for (const inv of inverses.reverse()) must(applyOpInPlace(doc, inv))
        expect(doc).toEqual(start)
      }),
      { numRuns: 300 },
    )
  })

  it('op then inverse is the identity, from any reachable document', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), opArb, (prefix, op) => {
        const base: CanvasDocument = foldOps(emptyDocument(), prefix)
        const r = applyOp(base, op)
        if (!r.ok) return
        const back = must(applyOp(r.doc, r.inverse))
        expect(back.doc).toEqual(base)
      }),
      { numRuns: 300 },
    )
  })

  it('opSizeDelta: what each op adds to the JSON size, within a few bytes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const doc = emptyDocument()
        for (const op of ops) {
          const before = documentBytes(doc)
          const delta = opSizeDelta(doc, op)
          if (!applyOpInPlace(doc, op).ok) continue
          // separators (the first member of an object or array has no comma) and properties set
          // to null are the slack: a few bytes an op, never a value or an object
          expect(Math.abs(before + delta - documentBytes(doc))).toBeLessThanOrEqual(12)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('folding is deterministic: the same ops give the same document everywhere', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        expect(JSON.stringify(foldOps(emptyDocument(), ops))).toBe(JSON.stringify(foldOps(emptyDocument(), ops)))
      }),
      { numRuns: 100 },
    )
  })
})

describe('diffDocuments', () => {
  it('turns any reachable document into any other with ops', async () => {
    const { diffDocuments } = await import('../../lib/canvas/diff')
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 30 }), (p, q) => {
        const from = foldOps(emptyDocument(), p)
        const to = foldOps(emptyDocument(), q)
        const ops = diffDocuments(from, to)
        expect(foldOps(from, ops)).toEqual(to)
        expect(diffDocuments(to, to)).toEqual([])
      }),
      { numRuns: 300 },
    )
  })
})

describe('colour hints in the document', () => {
  it('are objects like any other, and every rendered picture leaves them out', () => {
    const hint = canvasObjectSchema.parse({ id: 'h', type: 'hint', left: 10, top: 20, fill: '#ff0000' })
    const r = canvasObjectSchema.parse({ id: 'r', type: 'rect', left: 0, top: 0, width: 5, height: 5 })
    const doc = foldOps(emptyDocument(), [
      { kind: 'add', objectId: 'r', data: { object: r } },
      { kind: 'add', objectId: 'h', data: { object: hint } },
    ])
    expect(hint).toMatchObject({ angle: 0, scaleX: 1, scaleY: 1, opacity: 1 })
    expect(hintsOf(doc)).toEqual([hint])
    const picture = withoutHints(doc)
    expect(picture.order).toEqual(['r'])
    expect(Object.keys(picture.objects)).toEqual(['r'])
    expect(doc.order).toEqual(['r', 'h']) // the document itself keeps them
    expect(withoutHints(picture)).toBe(picture)
    // undo of the add removes it; its inverse puts it back where it was
    const removed = must(applyOp(doc, { kind: 'remove', objectId: 'h', data: {} }))
    expect(removed.doc.order).toEqual(['r'])
    expect(must(applyOp(removed.doc, removed.inverse)).doc).toEqual(doc)
    expect(canvasObjectSchema.safeParse({ ...hint, fill: 'url(x)' }).success).toBe(false)
    expect(canvasObjectSchema.safeParse({ ...hint, radius: 3 }).success).toBe(false)
  })
})
