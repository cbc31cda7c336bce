// Server-ordered ops over real socket.io connections and the real database.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { emptyDocument, hintsOf, withoutHints } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { foldOps, type CanvasOp } from '../../lib/canvas/ops'
import { currentDocument } from '../../lib/collab/document-cache'
import { toCanvasOp } from '../../lib/collab/op-codec'
import { SNAPSHOT_EVERY } from '../../lib/collab/snapshot-fold'
import { latestSnapshot } from '../../lib/db/op-rows'
import type { OpAck, OpsBroadcast, ProtocolError, StoredOp } from '../../lib/collab/protocol'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { connectClient, eventually, join, nextEvent, startNode, type TestNode } from '../helpers/realtime'
import { forgetProcessCaches } from '../helpers/ops'

let node: TestNode
let ownerCookie: string
let ownerId: string
const sockets: Socket[] = []

beforeAll(async () => {
  node = await startNode()
  ownerCookie = await guestCookie('Owner')
  ownerId = (await sessionUser(new Headers({ cookie: ownerCookie })))!.id
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await node.close()
  await closeDatabase()
})

async function newArtwork(title = 'Ops') {
  const { prisma } = await getDatabase()
  return (await createArtwork(prisma, ownerId, title)).id
}

async function editor(artworkId: string, cookie = ownerCookie, token?: string) {
  const s = await connectClient(node.url, cookie)
  sockets.push(s)
  const ack = await join(s, token ? { artworkId, token } : { artworkId })
  if (!ack.ok) throw new Error(ack.error.message)
  return s
}

const send = (s: Socket, artworkId: string, op: unknown, opId: string = randomUUID()) =>
  s.timeout(10_000).emitWithAck('op', { artworkId, opId, op }) as Promise<OpAck>

const rect = (id: string, left = 0) => canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 })

describe('ops over sockets', () => {
  it('are numbered 1, 2, 3... in arrival order, acked to the sender and broadcast to the others', async () => {
    const artworkId = await newArtwork()
    const a = await editor(artworkId)
    const b = await editor(artworkId)
    const heard = nextEvent<OpsBroadcast>(b, 'ops')
    const ack = await send(a, artworkId, { kind: 'add', objectId: 'r1', data: { object: rect('r1') } })
    expect(ack).toMatchObject({ ok: true, seq: 1, duplicate: false })
    const broadcast = await heard
    expect(broadcast.ops).toHaveLength(1)
    expect(broadcast.ops[0]).toMatchObject({ seq: 1, kind: 'add', objectId: 'r1', authorId: ownerId })
    expect(await send(b, artworkId, { kind: 'update', objectId: 'r1', data: { set: { left: 5 } } })).toMatchObject({ ok: true, seq: 2 })
  })

  it('concurrent clients converge: folding the server order gives the server document', async () => {
    const artworkId = await newArtwork('Concurrent')
    const clients = await Promise.all([0, 1, 2, 3].map(() => editor(artworkId)))
    const seen = clients.map(() => new Map<number, StoredOp>())
    clients.forEach((c, i) => c.on('ops', (b: OpsBroadcast) => b.ops.forEach((op) => seen[i]!.set(op.seq, op))))
    const ids = ['a', 'b', 'c', 'd', 'e']
    const randomOp = (n: number): CanvasOp => {
      const id = ids[n % ids.length]!
      switch (n % 4) {
        case 0: return { kind: 'add', objectId: id, data: { object: rect(id, n) } }
        case 1: return { kind: 'update', objectId: id, data: { set: { left: n, opacity: (n % 10) / 10 } } }
        case 2: return { kind: 'reorder', objectId: id, data: { index: n % 3 } }
        default: return { kind: 'remove', objectId: id, data: {} }
      }
    }
    const acks = await Promise.all(
      clients.map(async (c, i) => {
        const mine: Array<{ ack: OpAck; op: CanvasOp }> = []
        for (let k = 0; k < 20; k++) {
          const op = randomOp(i * 7 + k * 3 + ((k * i) % 5))
          mine.push({ ack: await send(c, artworkId, op), op })
        }
        return mine
      }),
    )
    const accepted = acks.flat().filter((x) => x.ack.ok)
    const seqs = accepted.map((x) => (x.ack.ok ? x.ack.seq : 0)).sort((p, q) => p - q)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)) // no gaps, no repeats
    const { prisma } = await getDatabase()
    const rows = await prisma.op.findMany({ where: { artworkId }, orderBy: { seq: 'asc' } })
    expect(rows.length).toBe(accepted.length)
    // each client rebuilds the document from its own acks plus the broadcasts: all equal the server's
    forgetProcessCaches()
    const server = await currentDocument(prisma, artworkId)
    await new Promise((r) => setTimeout(r, 200))
    clients.forEach((_, i) => {
      const own = acks[i]!.filter((x) => x.ack.ok).map((x) => [x.ack.ok ? x.ack.seq : 0, x.op] as const)
      const all = new Map<number, CanvasOp>(own)
      for (const [seq, op] of seen[i]!) all.set(seq, toCanvasOp(op))
      expect(all.size).toBe(rows.length)
      const doc = foldOps(emptyDocument(), [...all.entries()].sort(([p], [q]) => p - q).map(([, op]) => op))
      expect(doc).toEqual(server.doc)
    })
  })

  it('a resent opId is answered with its stored seq and applied once', async () => {
    const artworkId = await newArtwork('Resend')
    const a = await editor(artworkId)
    const opId = randomUUID()
    const op = { kind: 'add', objectId: 'x', data: { object: rect('x') } }
    const [first, second] = await Promise.all([send(a, artworkId, op, opId), send(a, artworkId, op, opId)])
    expect([first, second].map((r) => r.ok && r.seq)).toEqual([1, 1])
    expect([first, second].filter((r) => r.ok && r.duplicate)).toHaveLength(1)
    const third = await send(a, artworkId, op, opId)
    expect(third).toMatchObject({ ok: true, seq: 1, duplicate: true })
    const { prisma } = await getDatabase()
    expect(await prisma.op.count({ where: { artworkId } })).toBe(1)
  })

  it('an update after a remove is rejected (remove wins), with an error event', async () => {
    const artworkId = await newArtwork('Tombstone')
    const a = await editor(artworkId)
    await send(a, artworkId, { kind: 'add', objectId: 'gone', data: { object: rect('gone') } })
    await send(a, artworkId, { kind: 'remove', objectId: 'gone', data: {} })
    const errorEvent = nextEvent<ProtocolError>(a, 'protocol:error')
    const late = await send(a, artworkId, { kind: 'update', objectId: 'gone', data: { set: { left: 1 } } })
    expect(late).toMatchObject({ ok: false, error: { code: 'rejected' } })
    expect((await errorEvent).event).toBe('op')
    const { prisma } = await getDatabase()
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId } })).seq).toBe(2)
  })

  it('view links, strangers and sockets that never joined cannot write', async () => {
    const artworkId = await newArtwork('Read only')
    const token = randomBytes(16).toString('base64url')
    const { prisma } = await getDatabase()
    await prisma.shareLink.create({ data: { artworkId, token, role: 'view', createdById: ownerId } })
    const viewer = await editor(artworkId, await guestCookie('Viewer'), token)
    expect(await send(viewer, artworkId, { kind: 'add', objectId: 'v', data: { object: rect('v') } })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const outsider = await connectClient(node.url, await guestCookie('Outsider'))
    sockets.push(outsider)
    expect(await send(outsider, artworkId, { kind: 'add', objectId: 'o', data: { object: rect('o') } })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await prisma.op.count({ where: { artworkId } })).toBe(0)
  })

  it('colour hints travel as ops: a collaborator hears them, moves and recolours are stored, bad ones refused, and renders leave them out', async () => {
    const artworkId = await newArtwork('Hints')
    const a = await editor(artworkId)
    const b = await editor(artworkId)
    const hint = { id: 'h1', type: 'hint', left: 300, top: 320, fill: '#ff8800' }
    const heard = nextEvent<OpsBroadcast>(b, 'ops')
    expect(await send(a, artworkId, { kind: 'add', objectId: 'r', data: { object: rect('r') } })).toMatchObject({ ok: true })
    expect((await heard).ops[0]).toMatchObject({ kind: 'add', objectId: 'r' })
    const heardHint = nextEvent<OpsBroadcast>(b, 'ops')
    expect(await send(a, artworkId, { kind: 'add', objectId: 'h1', data: { object: hint } })).toMatchObject({ ok: true, seq: 2 })
    expect(toCanvasOp((await heardHint).ops[0]!)).toMatchObject({ kind: 'add', objectId: 'h1', data: { object: { type: 'hint', fill: '#ff8800' } } })
    // moved and recoloured by the collaborator
    expect(await send(b, artworkId, { kind: 'update', objectId: 'h1', data: { set: { left: 310, fill: '#0055ff' } } })).toMatchObject({ ok: true, seq: 3 })
    // a hint is a dot of colour, nothing more: unknown fields and non-colours are refused
    for (const bad of [
      { kind: 'add', objectId: 'h2', data: { object: { ...hint, id: 'h2', text: 'x' } } },
      { kind: 'add', objectId: 'h3', data: { object: { ...hint, id: 'h3', fill: 'url(javascript:1)' } } },
      { kind: 'update', objectId: 'h1', data: { set: { radius: 40 } } },
    ]) expect((await send(a, artworkId, bad)).ok).toBe(false)
    const { prisma } = await getDatabase()
    forgetProcessCaches()
    const { doc } = await currentDocument(prisma, artworkId)
    expect(doc.order).toEqual(['r', 'h1'])
    expect(doc.objects.h1).toMatchObject({ type: 'hint', left: 310, top: 320, fill: '#0055ff' })
    expect(hintsOf(doc).map((h) => h.id)).toEqual(['h1'])
    expect(withoutHints(doc).order).toEqual(['r'])
    expect(withoutHints(doc).objects.h1).toBeUndefined()
    // undo of the add is its inverse, a remove: stored like any op
    expect(await send(a, artworkId, { kind: 'remove', objectId: 'h1', data: {} })).toMatchObject({ ok: true, seq: 4 })
    forgetProcessCaches()
    expect((await currentDocument(prisma, artworkId)).doc.order).toEqual(['r'])
  })

  it('malformed and oversized ops are rejected and nothing is stored', async () => {
    const artworkId = await newArtwork('Bad input')
    const a = await editor(artworkId)
    const bad: unknown[] = [
      { kind: 'add', objectId: 'x' },
      { kind: 'add', objectId: 'x', data: { object: { id: 'x', type: 'virus' } } },
      { kind: 'update', objectId: 'x', data: { set: { left: 'far' } } },
      { kind: 'add', objectId: 'big', data: { object: { id: 'big', type: 'text', left: 0, top: 0, text: 'x'.repeat(300_000), fontSize: 12, fill: '#000', width: 10 } } },
    ]
    for (const op of bad) expect((await send(a, artworkId, op)).ok).toBe(false)
    const notUuid = (await a.timeout(5000).emitWithAck('op', { artworkId, opId: 'nope', op: bad[0] })) as OpAck
    expect(notUuid).toMatchObject({ ok: false, error: { code: 'invalid' } })
    const { prisma } = await getDatabase()
    expect(await prisma.op.count({ where: { artworkId } })).toBe(0)
  })

  it(`folds a snapshot every ${SNAPSHOT_EVERY} ops with the clients' apply function`, async () => {
    const artworkId = await newArtwork('Snapshots')
    const a = await editor(artworkId)
    const ops: CanvasOp[] = []
    for (let i = 0; i < SNAPSHOT_EVERY + 5; i++) {
      const op: CanvasOp = i % 2 === 0 ? { kind: 'add', objectId: `o${i}`, data: { object: rect(`o${i}`, i) } } : { kind: 'update', objectId: `o${i - 1}`, data: { set: { top: i } } }
      ops.push(op)
      expect((await send(a, artworkId, op)).ok).toBe(true)
    }
    const { prisma } = await getDatabase()
    // written in the background after the 100th op's answer
    const snapshot = await eventually(() => latestSnapshot(prisma, artworkId), (s) => s?.seq === SNAPSHOT_EVERY, 10_000)
    expect(snapshot?.document).toEqual(foldOps(emptyDocument(), ops.slice(0, SNAPSHOT_EVERY)))
    // in its own table: the Artwork row keeps the document it was created with
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId } })).snapshotSeq).toBe(0)
    // a fresh joiner gets the snapshot plus the 5 ops after it
    const late = await connectClient(node.url, ownerCookie)
    sockets.push(late)
    const ack = await join(late, { artworkId })
    if (!ack.ok) throw new Error(ack.error.message)
    expect(ack.snapshot?.seq).toBe(SNAPSHOT_EVERY)
    expect(ack.ops.map((o) => o.seq)).toEqual([101, 102, 103, 104, 105])
  })
})
