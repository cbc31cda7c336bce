// Issue 19: a node refuses ops past its bound of unanswered ones (admission control) instead of
// queueing them without bound; nothing refused is stored, what is admitted is, and the browser's
// connection waits and resends so that every op lands, in order. Real sockets, a small bound.
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionUser } from '../../lib/auth/auth'
import { createAdmission, type AdmissionLimits } from '../../lib/collab/admission'
import { ArtworkConnection } from '../../lib/collab/client'
import { EVENTS, type OpAck } from '../../lib/collab/protocol'
import type { SyncEngine } from '../../lib/collab/sync'
import { createArtwork } from '../../lib/db/artworks'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { addRect } from '../helpers/ops'
import { connectClient, eventually, join, startNode, type TestNode } from '../helpers/realtime'

const ADMISSION: AdmissionLimits = { maxOpsInFlight: 3, retryAfterMs: 100 }

describe('admission bookkeeping', () => {
  it('admits up to the bound, refuses past it with a spread wait, and admits again once one is answered', () => {
    let r = 0
    const a = createAdmission({ maxOpsInFlight: 2, retryAfterMs: 400 }, () => [0, 0.5, 0.999][r++ % 3] as number)
    expect(a.enter()).toEqual({ ok: true })
    expect(a.enter()).toEqual({ ok: true })
    const waits = [a.enter(), a.enter(), a.enter()].map((v) => (v.ok ? 0 : v.retryAfterMs))
    expect(waits).toEqual([400, 600, 800])
    expect(a.inFlight).toBe(2)
    a.leave()
    expect(a.enter().ok).toBe(true)
    a.leave()
    a.leave()
    a.leave() // more leaves than entries never go below zero
    expect(a.inFlight).toBe(0)
  })
})

let node: TestNode
const sockets: Socket[] = []
beforeAll(async () => {
  node = await startNode({ admission: ADMISSION })
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await node.close()
  await closeDatabase()
})

async function artworkWithEditor() {
  const cookie = await guestCookie('Crowd')
  const user = (await sessionUser(new Headers({ cookie })))!
  const { prisma } = await getDatabase()
  const artwork = await createArtwork(prisma, user.id, 'Admission')
  return { cookie, user, artwork, prisma }
}

describe('a node past its bound of unanswered ops', () => {
  it('refuses the rest with rate_limited and a wait, and stores exactly the admitted ones', async () => {
    const { cookie, user, artwork, prisma } = await artworkWithEditor()
    const socket = await connectClient(node.url, cookie)
    sockets.push(socket)
    expect(await join(socket, { artworkId: artwork.id })).toMatchObject({ ok: true })
    const acks = (await Promise.all(
      Array.from({ length: 30 }, (_, i) => socket.timeout(10_000).emitWithAck(EVENTS.op, { artworkId: artwork.id, opId: crypto.randomUUID(), op: addRect(`a${i}`) })),
    )) as OpAck[]
    const ok = acks.filter((a) => a.ok)
    const refused = acks.filter((a) => !a.ok)
    expect(ok.length).toBeGreaterThanOrEqual(ADMISSION.maxOpsInFlight)
    expect(refused.length).toBeGreaterThan(0)
    for (const a of refused) {
      if (a.ok) continue
      expect(a.error.code).toBe('rate_limited')
      expect(a.error.message).toMatch(/busy/)
      expect(a.error.retryAfterMs).toBeGreaterThanOrEqual(ADMISSION.retryAfterMs)
    }
    expect(await prisma.op.count({ where: { artworkId: artwork.id, authorId: user.id } })).toBe(ok.length)
    // once answered, the node admits again
    const later = (await socket.timeout(10_000).emitWithAck(EVENTS.op, { artworkId: artwork.id, opId: crypto.randomUUID(), op: addRect('later') })) as OpAck
    expect(later.ok).toBe(true)
  })

  it('the browser connection waits when told and resends: every op lands, in order', async () => {
    const { cookie, artwork, prisma } = await artworkWithEditor()
    const socket = connect(node.url, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true })
    sockets.push(socket)
    const throttled: number[] = []
    let ready: (e: SyncEngine) => void
    const engineReady = new Promise<SyncEngine>((r) => (ready = r))
    const connection = new ArtworkConnection(socket, artwork.id, null, {
      onReady: (e) => ready(e),
      onDocument: () => {},
      onMembers: () => {},
      onConnection: () => {},
      onError: (m) => {
        throw new Error(m)
      },
      onThrottled: (ms) => throttled.push(ms),
    })
    const engine = await engineReady
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`)
    for (const id of ids) expect(engine.commit([addRect(id)])).toBe(true)
    await eventually(() => engine.pending.length, (n) => n === 0, 20_000)
    connection.close()
    expect(throttled.length).toBeGreaterThan(0)
    const stored = await prisma.op.findMany({ where: { artworkId: artwork.id }, orderBy: { seq: 'asc' }, select: { objectId: true } })
    expect(stored.map((o) => o.objectId)).toEqual(ids)
    expect(engine.document.order).toEqual(ids)
  })
})
