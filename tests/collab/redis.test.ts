// Two server nodes sharing rooms through the socket.io Redis adapter: a client on each node joins
// the same artwork and each sees the other, as with sticky sessions behind a load balancer.
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { closeDatabase, getDatabase } from '../../lib/server/runtime'
import type { Member } from '../../lib/collab/protocol'
import { guestCookie } from '../helpers/auth'
import { connectClient, eventually, join, nextEvent, startNode, type TestNode } from '../helpers/realtime'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
let nodeA: TestNode
let nodeB: TestNode
const sockets: Socket[] = []

beforeAll(async () => {
  nodeA = await startNode({ redisUrl })
  nodeB = await startNode({ redisUrl })
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await Promise.all([nodeA.close(), nodeB.close()])
  await closeDatabase()
})

describe('two nodes with the Redis adapter', () => {
  it('share rooms: presence crosses nodes and both see the same members', async () => {
    const cookie = await guestCookie('Owner on A')
    const owner = await sessionUser(new Headers({ cookie }))
    const { prisma } = await getDatabase()
    const { id: artworkId } = await createArtwork(prisma, owner!.id, 'Two nodes')
    const token = 'edit-' + artworkId
    await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner!.id } })

    await eventually(() => nodeA.realtime.io.of('/').adapter.constructor.name, (n) => n === 'RedisAdapter')
    const a = await connectClient(nodeA.url, cookie)
    const b = await connectClient(nodeB.url, await guestCookie('Guest on B'))
    sockets.push(a, b)

    const joinedA = await join(a, { artworkId })
    expect(joinedA.ok).toBe(true)
    const presenceOnA = nextEvent<{ members: Member[] }>(a, 'presence')
    const joinedB = await join(b, { artworkId, token })
    if (!joinedB.ok) throw new Error(joinedB.error.message)
    // B's join answer lists A, who is connected to the other process
    expect(joinedB.members.map((m) => m.name).sort()).toEqual(['Guest on B', 'Owner on A'])
    // and A, on node A, hears about B through Redis
    expect((await presenceOnA).members.map((m) => m.name).sort()).toEqual(['Guest on B', 'Owner on A'])

    // a broadcast from node B reaches the client on node A
    const heard = nextEvent<{ from: string }>(a, 'test:ping')
    nodeB.realtime.io.to(`artwork:${artworkId}`).emit('test:ping', { from: 'B' })
    expect(await heard).toEqual({ from: 'B' })
  })
})
