// Several nodes: each artwork's ops are written by one home node (a lease in Redis); the others
// forward their clients' ops to it. Over real sockets on two nodes, and the router on its own
// for the failure cases: a home that stops answering, an answer that comes too late.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { submitOp, type SubmitResult } from '../../lib/collab/op-writer'
import { createOpRouter, type OpRouter } from '../../lib/collab/op-router'
import type { OpAck, OpsBroadcast, StoredOp } from '../../lib/collab/protocol'
import { restoreVersion } from '../../lib/collab/history'
import { createArtwork } from '../../lib/db/artworks'
import { createArtworkWithBase } from '../../lib/db/versions'
import { submitServerOp } from '../../lib/server/runtime'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { connectClient, eventually, join, startNode, type TestNode } from '../helpers/realtime'
import { addRect, storedOp } from '../helpers/ops'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
let nodeA: TestNode
let nodeB: TestNode
const sockets: Socket[] = []
const connections: Redis[] = []
const routers: OpRouter[] = []
/** what the routers made outside the socket tests asked their room to hear */
const broadcasts: Array<{ artworkId: string; seq: number }> = []

beforeAll(async () => {
  nodeA = await startNode({ redisUrl })
  nodeB = await startNode({ redisUrl })
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await Promise.allSettled(routers.map((r) => r.close()))
  await Promise.all([nodeA.close(), nodeB.close()])
  await Promise.allSettled(connections.map((c) => c.quit()))
  await closeDatabase()
})



const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function sharedArtwork(title: string) {
  const cookie = await guestCookie(`${title} owner`)
  const owner = (await sessionUser(new Headers({ cookie })))!
  const { prisma } = await getDatabase()
  const { id: artworkId } = await createArtwork(prisma, owner.id, title)
  const token = randomUUID().replace(/-/g, '')
  await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner.id } })
  return { artworkId, token, cookie, ownerId: owner.id, prisma }
}

type RouterOptions = { leaseMs?: number; forwardTimeoutMs?: number; heartbeatMs?: number }

/** A router of its own (own connections, own key prefix) on the test database's op log. */
function router(prefix: string, submitLocal?: (input: Parameters<typeof submitOp>[1]) => Promise<SubmitResult>, options: RouterOptions = {}) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null })
  connections.push(redis, subscriber)
  const r = createOpRouter({
    redis,
    subscriber,
    prefix,
    submitLocal: submitLocal ?? (async (input) => submitOp((await getDatabase()).prisma, input)),
    broadcast: (artworkId, op) => broadcasts.push({ artworkId, seq: op.seq }),
    ...options,
  })
  routers.push(r)
  // a crash, as far as the others can tell: no heartbeat, no inbox, no answers
  const crash = async () => {
    const ended = [redis, subscriber].map((c) => new Promise((resolve) => c.once('end', resolve)))
    redis.disconnect()
    subscriber.disconnect()
    await Promise.all(ended)
  }
  return { router: r, crash }
}

describe('op routing between nodes', () => {
  it('clients on two nodes co-edit: one node stores every op, in one order, and each client hears the other', async () => {
    const { artworkId, token, cookie } = await sharedArtwork('Routed')
    const a = await connectClient(nodeA.url, cookie)
    const b = await connectClient(nodeB.url, await guestCookie('Guest on B'))
    sockets.push(a, b)
    expect((await join(a, { artworkId })).ok).toBe(true)
    expect((await join(b, { artworkId, token })).ok).toBe(true)
    const heardByA: StoredOp[] = []
    const heardByB: StoredOp[] = []
    a.on('ops', (m: OpsBroadcast) => heardByA.push(...m.ops))
    b.on('ops', (m: OpsBroadcast) => heardByB.push(...m.ops))
    const before = [nodeA.realtime.router!.stats(), nodeB.realtime.router!.stats()]

    const send = (s: Socket, id: string) => s.timeout(10_000).emitWithAck('op', { artworkId, opId: randomUUID(), op: addRect(id) }) as Promise<OpAck>
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => [send(a, `a${i}`), send(b, `b${i}`)]).flat())
    for (const ack of acks) expect(ack.ok).toBe(true)
    const seqs = acks.map((x) => (x.ok ? x.seq : -1)).sort((p, q) => p - q)
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))

    await eventually(() => [heardByA.length, heardByB.length], ([x, y]) => x === 20 && y === 20)
    expect(heardByA.map((op) => op.objectId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`).sort())
    expect(heardByB.map((op) => op.objectId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`).sort())

    // one home: it stored its own client's 20 ops and the other node's 20; the other forwarded 20
    const home = await nodeA.realtime.router!.homeOf(artworkId)
    expect(await nodeB.realtime.router!.homeOf(artworkId)).toBe(home)
    const [homeNode, otherNode] = home === nodeA.realtime.router!.nodeId ? [0, 1] : [1, 0]
    const after = [nodeA.realtime.router!.stats(), nodeB.realtime.router!.stats()]
    const delta = (i: number, k: 'local' | 'forwarded' | 'served') => after[i]![k] - before[i]![k]
    expect([delta(homeNode, 'local'), delta(homeNode, 'served'), delta(homeNode, 'forwarded')]).toEqual([20, 20, 0])
    expect([delta(otherNode, 'local'), delta(otherNode, 'served'), delta(otherNode, 'forwarded')]).toEqual([0, 0, 20])

    const { prisma } = await getDatabase()
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId } })).seq).toBe(40)
    expect(await prisma.op.count({ where: { artworkId } })).toBe(40)
  })

  it('a version restore takes the same routed submit and broadcast as a socket op', async () => {
    const cookie = await guestCookie('Restorer')
    const owner = (await sessionUser(new Headers({ cookie })))!
    const { prisma } = await getDatabase()
    const { id: artworkId } = await createArtworkWithBase(prisma, { ownerId: owner.id, title: 'Restored across nodes' })
    const a = await connectClient(nodeA.url, cookie)
    sockets.push(a)
    expect((await join(a, { artworkId })).ok).toBe(true)
    const heard: StoredOp[] = []
    a.on('ops', (m: OpsBroadcast) => heard.push(...m.ops))
    // the socket's op makes node A the artwork's home
    const ack = (await a.timeout(10_000).emitWithAck('op', { artworkId, opId: randomUUID(), op: addRect('r1') })) as OpAck
    expect(ack.ok).toBe(true)
    expect(await nodeB.realtime.router!.homeOf(artworkId)).toBe(nodeA.realtime.router!.nodeId)
    // the route handlers' hooks are the last attached node's: B, which is not the home
    const before = [nodeA.realtime.router!.stats(), nodeB.realtime.router!.stats()]
    const { ops } = await restoreVersion(prisma, (input) => submitServerOp(prisma, input), { artworkId, number: 1, authorId: owner.id })
    expect(ops.map((op) => [op.kind, op.objectId])).toEqual([['remove', 'r1']])
    const after = [nodeA.realtime.router!.stats(), nodeB.realtime.router!.stats()]
    expect(after[1]!.forwarded - before[1]!.forwarded).toBe(1)
    expect(after[0]!.served - before[0]!.served).toBe(1)
    // broadcast by the home to the whole room: the client that sent nothing of it hears it too
    await eventually(() => heard.map((op) => op.seq), (seqs) => seqs.includes(ops[0]!.seq))
    expect(heard.filter((op) => op.kind === 'remove').map((op) => op.objectId)).toEqual(['r1'])
  })

  it('a home that crashes: the op is stored by the forwarding node once the heartbeat lapses, and the lease moves to it', async () => {
    const prefix = `test:${randomUUID()}:`
    const { artworkId, ownerId } = await sharedArtwork('Failover')
    const A = router(prefix, undefined, { leaseMs: 60_000, heartbeatMs: 100 })
    const B = router(prefix, undefined, { leaseMs: 60_000, forwardTimeoutMs: 150 })
    expect(await A.router.homeOf(artworkId)).toBe(A.router.nodeId)
    expect(await B.router.homeOf(artworkId)).toBe(A.router.nodeId)
    await A.crash()

    const first = await B.router.submit({ artworkId, authorId: ownerId, opId: randomUUID(), op: addRect('x') }, 'socket-b')
    expect(storedOp(first).seq).toBe(1)
    expect(first.broadcast).toBe(true) // stored here: this node's caller tells the room
    expect(B.router.stats()).toMatchObject({ forwarded: 1, fallbacks: 1 })
    expect(A.router.stats().served).toBe(0)

    // the dead home's lease was released (not left to lapse for a minute): B takes it
    storedOp(await B.router.submit({ artworkId, authorId: ownerId, opId: randomUUID(), op: addRect('y') }, 'socket-b'))
    expect(await B.router.homeOf(artworkId)).toBe(B.router.nodeId)
    expect(B.router.stats()).toMatchObject({ local: 1, forwarded: 1, fallbacks: 1 })
  })

  it('a home that is alive but slow is waited for: nothing is stored by the forwarder', async () => {
    const prefix = `test:${randomUUID()}:`
    const { artworkId, ownerId, prisma } = await sharedArtwork('Slow home')
    const slowHome = router(prefix, async (input) => {
      await sleep(500)
      return submitOp(prisma, input)
    })
    const B = router(prefix, undefined, { forwardTimeoutMs: 100 })
    expect(await slowHome.router.homeOf(artworkId)).toBe(slowHome.router.nodeId)

    const result = await B.router.submit({ artworkId, authorId: ownerId, opId: randomUUID(), op: addRect('slow') }, 'socket-b')
    expect(result).toMatchObject({ ok: true, duplicate: false, broadcast: false })
    expect(B.router.stats()).toMatchObject({ forwarded: 1, fallbacks: 0, local: 0 })
    expect(broadcasts.filter((b) => b.artworkId === artworkId)).toEqual([{ artworkId, seq: 1 }])
  })

  it('a home that crashes after storing but before answering: the retry finds the op stored and asks for a broadcast; nothing is stored twice', async () => {
    const prefix = `test:${randomUUID()}:`
    const { artworkId, ownerId, prisma } = await sharedArtwork('Crash before answer')
    let crashHome = async () => {}
    const home = router(prefix, async (input) => {
      const result = await submitOp(prisma, input)
      await crashHome()
      await sleep(5_000) // never answers in time
      return result
    }, { heartbeatMs: 100 })
    crashHome = home.crash
    const B = router(prefix, undefined, { forwardTimeoutMs: 100 })
    expect(await home.router.homeOf(artworkId)).toBe(home.router.nodeId)

    const result = await B.router.submit({ artworkId, authorId: ownerId, opId: randomUUID(), op: addRect('stored') }, 'socket-b')
    expect(result).toMatchObject({ ok: true, duplicate: true, broadcast: true })
    expect(storedOp(result).seq).toBe(1)
    expect(await prisma.op.count({ where: { artworkId } })).toBe(1)
    expect(B.router.stats()).toMatchObject({ forwarded: 1, fallbacks: 1 })
  })

  it('a closing node hands its leases back at once', async () => {
    const prefix = `test:${randomUUID()}:`
    const { artworkId } = await sharedArtwork('Hand-over')
    const A = router(prefix, undefined, { leaseMs: 60_000 })
    const B = router(prefix, undefined, { leaseMs: 60_000 })
    expect(await A.router.homeOf(artworkId)).toBe(A.router.nodeId)
    expect(await B.router.homeOf(artworkId)).toBe(A.router.nodeId)
    await A.router.close()
    // B's cached answer still names A; a fresh router asks Redis and takes the free lease
    const C = router(prefix, undefined, { leaseMs: 60_000 })
    expect(await C.router.homeOf(artworkId)).toBe(C.router.nodeId)
  })
})
