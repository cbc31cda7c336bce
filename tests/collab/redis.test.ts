// Two server nodes sharing rooms through the socket.io Redis adapter: a client on each node joins
// the same artwork and each sees the other, as with sticky sessions behind a load balancer.
import { describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { getDatabase } from '../../lib/db/process-database'
import type { Member } from '../../lib/collab/protocol'
import { guestCookie } from '../helpers/auth'
import { eventually, join, nextEvent, twoRedisNodes } from '../helpers/realtime'

const nodes = twoRedisNodes()

describe('two nodes with the Redis adapter', () => {
  it('share rooms: presence crosses nodes and both see the same members', async () => {
    const cookie = await guestCookie('Owner on A')
    const owner = await sessionUser(new Headers({ cookie }))
    const { prisma } = await getDatabase()
    const { id: artworkId } = await createArtwork(prisma, owner!.id, 'Two nodes')
    const token = 'edit-' + artworkId
    await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner!.id } })

    await eventually(() => nodes.a.realtime.io.of('/').adapter.constructor.name, (n) => n === 'RedisAdapter')
    const a = await nodes.connect(nodes.a, cookie)
    const b = await nodes.connect(nodes.b, await guestCookie('Guest on B'))

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
    nodes.b.realtime.io.to(`artwork:${artworkId}`).emit('test:ping', { from: 'B' })
    expect(await heard).toEqual({ from: 'B' })
  })
})
