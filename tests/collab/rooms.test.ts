// Joining artwork rooms over real socket.io connections, with identities from the real auth
// library and permissions from the real database.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { PROTOCOL_VERSION, type JoinAck, type Member, type OpAck, type ProtocolError } from '../../lib/collab/protocol'
import { guestCookie } from '../helpers/auth'
import { connectClient, join, nextEvent, startNode, type TestNode } from '../helpers/realtime'

let node: TestNode
let ownerCookie: string
let strangerCookie: string
let artworkId: string
const sockets: Socket[] = []

async function client(cookie?: string) {
  const s = await connectClient(node.url, cookie)
  sockets.push(s)
  return s
}

beforeAll(async () => {
  node = await startNode()
  ownerCookie = await guestCookie('Owner')
  strangerCookie = await guestCookie('Stranger')
  const owner = await sessionUser(new Headers({ cookie: ownerCookie }))
  const { prisma } = await getDatabase()
  artworkId = (await createArtwork(prisma, owner!.id, 'Room test')).id
})

afterAll(async () => {
  for (const s of sockets) s.close()
  await node.close()
  await closeDatabase()
})

const ok = (ack: JoinAck) => {
  if (!ack.ok) throw new Error(`join rejected: ${ack.error.message}`)
  return ack
}

describe('join', () => {
  it('lets the owner in with the snapshot, the ops after it and the members', async () => {
    const s = await client(ownerCookie)
    const ack = ok(await join(s, { artworkId }))
    expect(ack.role).toBe('owner')
    expect(ack.snapshot?.seq).toBe(0)
    expect(ack.snapshot?.document.order).toEqual([])
    expect(ack.ops).toEqual([])
    expect(ack.members.map((m) => m.name)).toContain('Owner')
  })

  it('sends only the ops after sinceSeq, in seq order, without the snapshot', async () => {
    const { prisma } = await getDatabase()
    const owner = await sessionUser(new Headers({ cookie: ownerCookie }))
    const art = await createArtwork(prisma, owner!.id, 'With history')
    for (const seq of [1, 2, 3]) {
      await prisma.op.create({
        data: { artworkId: art.id, seq, opId: randomUUID(), authorId: owner!.id, kind: 'add', objectId: `o${seq}`, payload: { id: `o${seq}`, type: 'rect' } },
      })
    }
    await prisma.artwork.update({ where: { id: art.id }, data: { seq: 3 } })
    const s = await client(ownerCookie)
    const ack = ok(await join(s, { artworkId: art.id, sinceSeq: 1 }))
    expect(ack.snapshot).toBeNull()
    expect(ack.ops.map((o) => o.seq)).toEqual([2, 3])
    expect(ack.seq).toBe(3)
    const fresh = ok(await join(s, { artworkId: art.id }))
    expect(fresh.snapshot?.seq).toBe(0)
    expect(fresh.ops.map((o) => o.seq)).toEqual([1, 2, 3])
  })

  it('tells the others in the room who joined', async () => {
    const a = await client(ownerCookie)
    ok(await join(a, { artworkId }))
    const token = randomBytes(16).toString('base64url')
    const { prisma } = await getDatabase()
    const owner = await sessionUser(new Headers({ cookie: ownerCookie }))
    await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner!.id } })
    const presence = nextEvent<{ artworkId: string; members: Member[] }>(a, 'presence')
    const b = await client(await guestCookie('Visitor B'))
    const ack = ok(await join(b, { artworkId, token }))
    expect(ack.role).toBe('edit')
    const seen = await presence
    expect(seen.members.map((m) => m.name)).toContain('Visitor B')
  })

  it('tells a page older than the server to reload, and a newer one to wait, before sending it anything', async () => {
    const s = await client(ownerCookie)
    const errorEvent = nextEvent<ProtocolError>(s, 'protocol:error')
    // a client from before the version was sent: no protocol field at all
    const old = (await s.timeout(10_000).emitWithAck('join', { artworkId })) as JoinAck
    expect(old).toMatchObject({ ok: false, error: { code: 'client_too_old', message: expect.stringMatching(/reload/) } })
    expect((await errorEvent).event).toBe('join')
    expect(await join(s, { artworkId, protocol: PROTOCOL_VERSION - 1 })).toMatchObject({ ok: false, error: { code: 'client_too_old' } })
    expect(await join(s, { artworkId, protocol: PROTOCOL_VERSION + 1 })).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    // refused joins leave the socket out of the room: its ops are refused too
    const op = (await s.timeout(10_000).emitWithAck('op', { artworkId, opId: randomUUID(), op: { kind: 'remove', objectId: 'x', data: {} } })) as OpAck
    expect(op).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(ok(await join(s, { artworkId })).role).toBe('owner')
  })

  it('keeps strangers out of a private artwork, and ids do not leak', async () => {
    const s = await client(strangerCookie)
    const errorEvent = nextEvent<ProtocolError>(s, 'protocol:error')
    const ack = await join(s, { artworkId })
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect((await errorEvent).event).toBe('join')
    const missing = await join(s, { artworkId: 'c' + 'x'.repeat(24) })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const anonymous = await client()
    expect(await join(anonymous, { artworkId })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('honours view links and ignores revoked ones', async () => {
    const { prisma } = await getDatabase()
    const owner = await sessionUser(new Headers({ cookie: ownerCookie }))
    const view = randomBytes(16).toString('base64url')
    const revoked = randomBytes(16).toString('base64url')
    await prisma.shareLink.create({ data: { artworkId, token: view, role: 'view', createdById: owner!.id } })
    await prisma.shareLink.create({ data: { artworkId, token: revoked, role: 'edit', createdById: owner!.id, revokedAt: new Date() } })
    const s = await client(strangerCookie)
    expect(ok(await join(s, { artworkId, token: view })).role).toBe('view')
    expect(await join(s, { artworkId, token: revoked })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('relays a view link member\'s cursor but not their stroke in progress; an editor\'s both', async () => {
    const { prisma } = await getDatabase()
    const owner = await sessionUser(new Headers({ cookie: ownerCookie }))
    const view = randomBytes(16).toString('base64url')
    await prisma.shareLink.create({ data: { artworkId, token: view, role: 'view', createdById: owner!.id } })
    const watcher = await client(ownerCookie)
    ok(await join(watcher, { artworkId }))
    const viewer = await client(strangerCookie)
    ok(await join(viewer, { artworkId, token: view }))
    const strokes: unknown[] = []
    watcher.on('stroke', (p: unknown) => strokes.push(p))
    const cursor = nextEvent<{ from: { name: string } }>(watcher, 'cursor')
    viewer.emit('stroke', { artworkId, strokeId: 'v1', points: [[1, 1], [50, 50]], color: '#ff0000', width: 4 })
    viewer.emit('cursor', { artworkId, x: 10, y: 20 })
    expect((await cursor).from.name).toBe('Stranger')
    // an editor's stroke in progress still goes through (and arrives after anything sent before it)
    const editor = await client(ownerCookie)
    ok(await join(editor, { artworkId }))
    const edited = nextEvent<{ strokeId: string }>(watcher, 'stroke')
    editor.emit('stroke', { artworkId, strokeId: 'e1', points: [[2, 2]], color: '#00ff00', width: 4 })
    expect((await edited).strokeId).toBe('e1')
    expect(strokes.map((p) => (p as { strokeId: string }).strokeId)).toEqual(['e1'])
  })

  it('answers an op nested 3,000 levels deep with an error, and no handler crashes (issue 22)', async () => {
    const s = await client(ownerCookie)
    ok(await join(s, { artworkId }))
    let deep: unknown = 1
    for (let i = 0; i < 3000; i++) deep = { a: deep }
    const crashes: unknown[] = []
    const onCrash = (e: unknown) => crashes.push(e)
    process.on('unhandledRejection', onCrash)
    try {
      for (const op of [{ kind: 'update', objectId: 'a', data: { set: { left: deep } } }, deep]) {
        const ack = (await s.timeout(5000).emitWithAck('op', { artworkId, opId: randomUUID(), op })) as { ok: boolean; error?: { code: string; message: string } }
        expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } })
      }
      for (const event of ['join', 'cursor', 'stroke', 'leave']) s.emit(event, deep)
      // the connection still answers afterwards
      expect(ok(await join(s, { artworkId })).role).toBe('owner')
      expect(crashes).toEqual([])
    } finally {
      process.off('unhandledRejection', onCrash)
    }
  })

  it('rejects malformed payloads with an error event and joins nothing', async () => {
    const s = await client(ownerCookie)
    const bad: unknown[] = [null, 'artwork', { artworkId: 'NOT AN ID' }, { artworkId, sinceSeq: -1 }, { artworkId, extra: true }, { artworkId, token: '<script>' }]
    for (const payload of bad) {
      const errorEvent = nextEvent<ProtocolError>(s, 'protocol:error')
      const ack = await join(s, payload as Record<string, unknown>)
      expect(ack.ok, JSON.stringify(payload)).toBe(false)
      expect((await errorEvent).code).toBe('invalid')
    }
    const members = await node.realtime.io.in(`artwork:${artworkId}`).fetchSockets()
    expect(members.map((m) => m.id)).not.toContain(s.id)
  })

  it('drops a message over the size limit by closing that connection', async () => {
    const s = await client(ownerCookie)
    const closed = nextEvent<string>(s, 'disconnect', 10_000)
    s.emit('join', { artworkId, padding: 'x'.repeat(1_100_000) })
    expect(await closed).toMatch(/transport/)
  })
})
