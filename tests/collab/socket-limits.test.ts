// Issue 22, point 8 (third part): per-connection budgets. A flood of ops is refused past the
// budget with how long to wait and nothing stored; other people in the room are not held back;
// the browser's connection code waits and resends, so nothing a user drew is lost; cursor and
// stroke floods are dropped. Real sockets, small budgets.
import { io as connect } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { EVENTS, type OpAck } from '../../lib/collab/protocol'
import type { SocketLimits } from '../../lib/collab/socket-limits'
import { addRect } from '../helpers/ops'
import { browserConnection, connectClient, eventually, join, newArtworkEditor, oneNode } from '../helpers/realtime'

const LIMITS: SocketLimits = {
  ops: { points: 20, seconds: 2, blockSeconds: 1 },
  opBytes: { points: 1_000_000, seconds: 2 },
  relay: { points: 5, seconds: 1 },
}

const env = oneNode({ limits: LIMITS })
const artworkWithEditor = () => newArtworkEditor('Flooder', 'Limits')

describe('per-connection budgets', () => {
  it('refuses ops past the budget with a wait, stores none of them, and does not hold back others', async () => {
    const { cookie, user, artwork, prisma } = await artworkWithEditor()
    const flood = await connectClient(env.node.url, cookie)
    const calm = await connectClient(env.node.url, cookie) // the same person in another tab: its own budget
    env.sockets.push(flood, calm)
    expect(await join(flood, { artworkId: artwork.id })).toMatchObject({ ok: true })
    expect(await join(calm, { artworkId: artwork.id })).toMatchObject({ ok: true })

    const acks = (await Promise.all(
      Array.from({ length: 30 }, (_, i) => flood.timeout(10_000).emitWithAck(EVENTS.op, { artworkId: artwork.id, opId: crypto.randomUUID(), op: addRect(`r${i}`) })),
    )) as OpAck[]
    const ok = acks.filter((a) => a.ok)
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited')
    expect(ok).toHaveLength(LIMITS.ops.points)
    expect(limited).toHaveLength(30 - LIMITS.ops.points)
    for (const a of limited) if (!a.ok) expect(a.error.retryAfterMs).toBeGreaterThan(0)
    expect(await prisma.op.count({ where: { artworkId: artwork.id, authorId: user.id } })).toBe(LIMITS.ops.points)

    const other = (await calm.timeout(10_000).emitWithAck(EVENTS.op, { artworkId: artwork.id, opId: crypto.randomUUID(), op: addRect('calm') })) as OpAck
    expect(other.ok).toBe(true)
  })

  it('the browser connection waits when told and resends: every op lands, in order', async () => {
    const { cookie, artwork, prisma } = await artworkWithEditor()
    const socket = connect(env.node.url, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true })
    env.sockets.push(socket)
    const throttled: number[] = []
    const { connection, engine } = await browserConnection(socket, artwork.id, null, { onThrottled: (ms) => throttled.push(ms) })
    const ids = Array.from({ length: 45 }, (_, i) => `s${i}`)
    for (const id of ids) expect(engine.commit([addRect(id)])).toBe(true)
    await eventually(() => engine.pending.length, (n) => n === 0, 20_000)
    connection.close()
    expect(throttled.length).toBeGreaterThan(0)
    const stored = await prisma.op.findMany({ where: { artworkId: artwork.id }, orderBy: { seq: 'asc' }, select: { objectId: true } })
    expect(stored.map((o) => o.objectId)).toEqual(ids)
    expect(engine.document.order).toEqual(ids)
  })

  it('drops cursor messages past the budget', async () => {
    const { cookie, artwork } = await artworkWithEditor()
    const sender = await connectClient(env.node.url, cookie)
    const watcher = await connectClient(env.node.url, cookie)
    env.sockets.push(sender, watcher)
    await join(sender, { artworkId: artwork.id })
    await join(watcher, { artworkId: artwork.id })
    let seen = 0
    watcher.on(EVENTS.cursor, () => seen++)
    for (let i = 0; i < 40; i++) sender.emit(EVENTS.cursor, { artworkId: artwork.id, x: i, y: i })
    await new Promise((r) => setTimeout(r, 500))
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThanOrEqual(LIMITS.relay.points)
  })
})
