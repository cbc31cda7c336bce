// Real socket.io clients running the browser's connection code (ArtworkConnection + SyncEngine)
// against a real server: random concurrent edits with disconnects in the middle end with every
// client's document equal to the server's, and nothing lost or doubled.
import { randomUUID } from 'node:crypto'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import type { CanvasOp } from '../../lib/canvas/ops'
import { ArtworkConnection } from '../../lib/collab/client'
import { currentDocument } from '../../lib/collab/document-cache'
import { submitOp } from '../../lib/collab/op-writer'
import type { SyncEngine } from '../../lib/collab/sync'
import { createArtwork } from '../../lib/db/artworks'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { browserConnection, eventually, startNode, type TestNode } from '../helpers/realtime'
import { forgetProcessCaches } from '../helpers/ops'

let node: TestNode
const sockets: Socket[] = []
const connections: ArtworkConnection[] = []
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  for (const c of connections) c.close()
  for (const s of sockets) s.close()
  await node.close()
  await closeDatabase()
})

async function editor(artworkId: string, cookie: string, token: string | null): Promise<{ socket: Socket; engine: SyncEngine; connection: ArtworkConnection }> {
  const socket = connect(node.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true })
  sockets.push(socket)
  const { connection, engine } = await browserConnection(socket, artworkId, token, {}, 50)
  connections.push(connection)
  return { socket, engine, connection }
}

function randomOp(rand: () => number, ids: string[]): CanvasOp {
  const id = ids[Math.floor(rand() * ids.length)]!
  const r = rand()
  if (r < 0.35) return { kind: 'add', objectId: id, data: { object: canvasObjectSchema.parse({ id, type: 'rect', left: Math.floor(rand() * 900), top: 10, width: 20, height: 20 }) } }
  if (r < 0.7) return { kind: 'update', objectId: id, data: { set: { left: Math.floor(rand() * 900), opacity: Math.round(rand() * 10) / 10 } } }
  if (r < 0.85) return { kind: 'reorder', objectId: id, data: { index: Math.floor(rand() * 4) } }
  return { kind: 'remove', objectId: id, data: {} }
}

describe('convergence over real sockets', () => {
  it('4 editors, random ops, disconnects mid-edit: identical documents equal to the server, no op lost or doubled', async () => {
    const ownerCookie = await guestCookie('Owner')
    const owner = (await sessionUser(new Headers({ cookie: ownerCookie })))!
    const { prisma } = await getDatabase()
    const { id: artworkId } = await createArtwork(prisma, owner.id, 'Converge')
    const token = randomUUID().replace(/-/g, '')
    await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner.id } })
    const people = [await editor(artworkId, ownerCookie, null)]
    for (let i = 0; i < 3; i++) people.push(await editor(artworkId, await guestCookie(`Guest ${i}`), token))

    let seed = 12345
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    let committed = 0
    for (let round = 0; round < 30; round++) {
      for (const [i, p] of people.entries()) {
        if (p.engine.commit([randomOp(rand, ids)])) committed++
        // now and then a connection drops in the middle of editing (the server cuts it)
        if (rand() < 0.08) node.realtime.io.in(p.socket.id ?? '').disconnectSockets(false)
        if (round % 7 === i) p.engine.undo()
      }
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(committed).toBeGreaterThan(40)

    // everyone settles: connected, nothing unsent, same seq
    const serverSeq = async () => (await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId } })).seq
    await eventually(
      async () => ({ seq: await serverSeq(), people: people.map((p) => ({ connected: p.socket.connected, pending: p.engine.pending.length, seq: p.engine.seq })) }),
      (s) => s.people.every((p) => p.connected && p.pending === 0 && p.seq === s.seq),
      30_000,
    )
    forgetProcessCaches()
    const server = await currentDocument(prisma, artworkId)
    for (const p of people) expect(p.engine.document).toEqual(server.doc)

    // the op log has no gaps and no op twice
    const rows = await prisma.op.findMany({ where: { artworkId }, orderBy: { seq: 'asc' }, select: { seq: true, opId: true } })
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1))
    expect(new Set(rows.map((r) => r.opId)).size).toBe(rows.length)
  })

  it('a trailing op whose broadcast was lost arrives once an HTTP answer names its seq', async () => {
    const cookie = await guestCookie('Owner')
    const owner = (await sessionUser(new Headers({ cookie })))!
    const { prisma } = await getDatabase()
    const { id: artworkId } = await createArtwork(prisma, owner.id, 'Lost relay')
    const me = await editor(artworkId, cookie, null)
    // stored but never relayed (as when a node restarts between storing and broadcasting)
    const object = canvasObjectSchema.parse({ id: 'lost', type: 'rect', left: 5, top: 5, width: 10, height: 10 })
    const stored = await submitOp(prisma, { artworkId, authorId: owner.id, opId: randomUUID(), op: { kind: 'add', objectId: 'lost', data: { object } } })
    if (!stored.ok) throw new Error(stored.message)
    await new Promise((r) => setTimeout(r, 2_000))
    expect(me.engine.seq).toBe(0) // no gap to notice: nothing would fetch it
    me.connection.catchUpTo(stored.op.seq)
    await eventually(async () => me.engine.seq, (seq) => seq === stored.op.seq, 10_000)
    expect(me.engine.document.objects['lost']).toEqual(object)
  })
})
