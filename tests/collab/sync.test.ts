// The client sync engine against a simulated server that orders ops like lib/collab/op-log.ts
// (same apply function), with delayed, reordered and duplicated delivery.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { emptyDocument, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { applyOpInPlace, cloneDocument, parseOp, type CanvasOp } from '../../lib/canvas/ops'
import type { StoredOp } from '../../lib/collab/protocol'
import { SyncEngine, type PendingOp } from '../../lib/collab/sync'

const rect = (id: string, left = 0) => canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 })

/** A server in memory: the same ordering rules as op-log.ts. */
class FakeServer {
  doc = emptyDocument()
  log: StoredOp[] = []
  private byOpId = new Map<string, StoredOp>()
  submit(author: string, p: PendingOp): { ok: true; op: StoredOp } | { ok: false; message: string } {
    const dup = this.byOpId.get(p.opId)
    if (dup) return { ok: true, op: dup }
    const r = applyOpInPlace(this.doc, p.op)
    if (!r.ok) return { ok: false, message: r.message }
    const op: StoredOp = { seq: this.log.length + 1, opId: p.opId, authorId: author, kind: p.op.kind, objectId: p.op.objectId, payload: p.op.data }
    this.log.push(op)
    this.byOpId.set(p.opId, op)
    return { ok: true, op }
  }
}

let counter = 0
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`

function client(name: string, start: { document: CanvasDocument; seq: number } = { document: emptyDocument(), seq: 0 }) {
  const sent: PendingOp[] = []
  const rejected: string[] = []
  let changes = 0
  const engine = new SyncEngine(start, { send: (p) => sent.push(p) }, { onChange: () => changes++, onRejected: (_p, m) => rejected.push(m) }, newId)
  return { name, engine, sent, rejected, changes: () => changes }
}

describe('SyncEngine', () => {
  it('keeps its own op in the form the server stores (defaults filled), so its document matches the room', () => {
    const a = client('a')
    const b = client('b')
    // built by hand without the defaulted fields (angle, scale, opacity, stroke, fill...)
    const bare = { kind: 'add', objectId: 'r', data: { object: { id: 'r', type: 'rect', left: 5, top: 6, width: 10, height: 10 } } }
    expect(a.engine.commit([bare as unknown as CanvasOp])).toBe(true)
    const sent = a.sent[0]!
    // what the server does: parse what arrived over the wire, store and broadcast that
    const stored = parseOp(JSON.parse(JSON.stringify(sent.op)))
    if (!stored.ok) throw new Error(stored.message)
    expect(sent.op).toEqual(stored.op)
    a.engine.acknowledge(sent.opId, 1)
    b.engine.receive({ seq: 1, opId: sent.opId, authorId: 'a', kind: 'add', objectId: 'r', payload: stored.op.data })
    expect(a.engine.document).toEqual(b.engine.document)
    expect(a.engine.document.objects.r).toMatchObject({ angle: 0, scaleX: 1, opacity: 1, fill: null })
  })

  it('refuses locally, changing nothing, an op the server would refuse', () => {
    const a = client('a')
    for (const object of [{ id: 'r', type: 'rect', left: 5, top: 6, width: -10, height: 10 }, { id: 'r', type: 'rect', left: 5, top: 6, width: 10, height: 10, extra: 1 }]) {
      expect(a.engine.commit([{ kind: 'add', objectId: 'r', data: { object } } as unknown as CanvasOp])).toBe(false)
    }
    expect(a.sent).toHaveLength(0)
    expect(a.engine.document.order).toEqual([])
  })

  it('applies local ops at once and confirms them on ack', () => {
    const c = client('a')
    expect(c.engine.commit([{ kind: 'add', objectId: 'r', data: { object: rect('r') } }])).toBe(true)
    expect(c.engine.document.order).toEqual(['r'])
    expect(c.sent).toHaveLength(1)
    c.engine.acknowledge(c.sent[0]!.opId, 1)
    expect(c.engine.seq).toBe(1)
    expect(c.engine.pending).toHaveLength(0)
    expect(c.engine.document.order).toEqual(['r'])
  })

  it('applies remote ops in seq order even when they arrive out of order, keeping local ops on top', () => {
    const c = client('a')
    c.engine.commit([{ kind: 'add', objectId: 'mine', data: { object: rect('mine') } }])
    const remote = (seq: number, id: string): StoredOp => ({ seq, opId: newId(), authorId: 'b', kind: 'add', objectId: id, payload: { object: rect(id) } })
    c.engine.receive(remote(2, 'two'))
    expect(c.engine.document.order).toEqual(['mine']) // seq 1 is missing: wait
    c.engine.receive(remote(1, 'one'))
    expect(c.engine.document.order).toEqual(['one', 'two', 'mine'])
    c.engine.receive(remote(1, 'one')) // duplicate delivery is ignored
    expect(c.engine.seq).toBe(2)
  })

  it('drops a rejected op and shows the document without it', () => {
    const c = client('a')
    c.engine.commit([{ kind: 'add', objectId: 'x', data: { object: rect('x') } }])
    c.engine.reject(c.sent[0]!.opId, 'nope')
    expect(c.engine.document.order).toEqual([])
    expect(c.rejected).toEqual(['nope'])
  })

  it('undo reverts only this user\u2019s own action, never a collaborator\u2019s', () => {
    const c = client('a')
    c.engine.commit([{ kind: 'add', objectId: 'mine', data: { object: rect('mine') } }])
    c.engine.acknowledge(c.sent[0]!.opId, 1)
    c.engine.receive({ seq: 2, opId: newId(), authorId: 'b', kind: 'add', objectId: 'theirs', payload: { object: rect('theirs') } })
    expect(c.engine.undo()).toBe(true)
    expect(c.engine.document.order).toEqual(['theirs'])
    expect(c.sent.at(-1)!.op).toEqual({ kind: 'remove', objectId: 'mine', data: {} })
    expect(c.engine.redo()).toBe(true)
    expect(c.engine.document.order).toEqual(['mine', 'theirs']) // back at its old z-position
  })

  it('resync after a reconnect applies what was missed and resends unacknowledged ops with the same opIds', () => {
    const c = client('a')
    c.engine.commit([{ kind: 'add', objectId: 'offline', data: { object: rect('offline') } }])
    const first = c.sent[0]!
    c.engine.resync(null, [{ seq: 1, opId: newId(), authorId: 'b', kind: 'add', objectId: 'while-away', payload: { object: rect('while-away') } }])
    expect(c.engine.document.order).toEqual(['while-away', 'offline'])
    expect(c.sent.at(-1)!.opId).toBe(first.opId)
  })

  it('N clients with random ops, delays, reordering and duplicates converge on the server document', () => {
    const ids = ['a', 'b', 'c', 'd']
    const opArb: fc.Arbitrary<CanvasOp> = fc.constantFrom(...ids).chain((id) =>
      fc.oneof(
        fc.integer({ min: 0, max: 500 }).map((left): CanvasOp => ({ kind: 'add', objectId: id, data: { object: rect(id, left) } })),
        fc.integer({ min: 0, max: 500 }).map((left): CanvasOp => ({ kind: 'update', objectId: id, data: { set: { left } } })),
        fc.constant<CanvasOp>({ kind: 'remove', objectId: id, data: {} }),
        fc.integer({ min: 0, max: 4 }).map((index): CanvasOp => ({ kind: 'reorder', objectId: id, data: { index } })),
      ),
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), opArb, fc.boolean()), { maxLength: 40 }), fc.integer(), (script, seed) => {
        const server = new FakeServer()
        const clients = [client('0'), client('1'), client('2')]
        // network: messages to each client, delivered in a shuffled order
        const inbox = clients.map(() => [] as Array<() => void>)
        let rnd = seed >>> 0
        const rand = (n: number) => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) % n)
        const flush = (i: number) => {
          const q = inbox[i]!
          while (q.length) q.splice(rand(q.length), 1)[0]!()
        }
        for (const [who, op, undo] of script) {
          const c = clients[who]!
          const before = c.sent.length
          if (undo) c.engine.undo()
          else c.engine.commit([op])
          for (const p of c.sent.slice(before)) {
            const res = server.submit(c.name, p)
            if (res.ok) {
              inbox[who]!.push(() => c.engine.acknowledge(p.opId, res.op.seq))
              if (rand(3) === 0) inbox[who]!.push(() => c.engine.acknowledge(p.opId, res.op.seq)) // duplicate ack
              clients.forEach((other, j) => j !== who && inbox[j]!.push(() => other.engine.receive(res.op)))
            } else inbox[who]!.push(() => c.engine.reject(p.opId, res.message))
          }
          if (rand(2) === 0) flush(rand(3))
        }
        clients.forEach((_, i) => flush(i))
        for (const c of clients) {
          expect(c.engine.pending).toHaveLength(0)
          expect(c.engine.document).toEqual(server.doc)
          expect(c.engine.seq).toBe(server.log.length)
        }
        expect(cloneDocument(server.doc)).toEqual(server.doc)
      }),
      { numRuns: 1500 },
    )
  })
})

describe('SyncEngine after a lost ack', () => {
  it('recognises its own op in a catch-up and does not apply or keep it twice', () => {
    const c = client('a')
    c.engine.commit([{ kind: 'update', objectId: 'x', data: { set: { left: 1 } } }]) // fails: no object
    c.engine.commit([{ kind: 'add', objectId: 'x', data: { object: rect('x') } }])
    const sent = c.sent.at(-1)!
    // the server stored it as seq 1 but the ack never came; the rejoin's catch-up carries it
    c.engine.resync(null, [{ seq: 1, opId: sent.opId, authorId: 'a', kind: 'add', objectId: 'x', payload: { object: rect('x') } }])
    expect(c.engine.pending).toHaveLength(0)
    expect(c.engine.document.order).toEqual(['x'])
    // a late duplicate ack changes nothing
    c.engine.acknowledge(sent.opId, 1)
    expect(c.engine.seq).toBe(1)
  })
})
