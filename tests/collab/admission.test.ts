// Issue 19: a node refuses ops past its bound of unanswered ones (admission control) instead of
// queueing them without bound; nothing refused is stored, what is admitted is, a connection
// refused again and again waits longer each time, and the browser's connection waits and resends
// so that every op lands, in order. Real sockets, a small bound.
import { io as connect, type Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createAdmission, type AdmissionLimits } from '../../lib/collab/admission'
import { EVENTS, type OpAck } from '../../lib/collab/protocol'
import { addRect } from '../helpers/ops'
import { browserConnection, connectClient, eventually, join, newArtworkEditor, oneNode } from '../helpers/realtime'

const ADMISSION: AdmissionLimits = { maxOpsInFlight: 3, minRetryAfterMs: 100, maxRetryAfterMs: 400 }

describe('admission bookkeeping', () => {
  it('admits up to the bound, then asks for a wait of the time the node needs to answer what it holds down to half the bound, spread at random', () => {
    let t = 0
    // the spread: each wait times (1 + random), random 0.5 here
    const a = createAdmission({ maxOpsInFlight: 4, minRetryAfterMs: 100, maxRetryAfterMs: 5_000 }, () => 0.5, () => t)
    for (let i = 0; i < 4; i++) expect(a.enter()).toEqual({ ok: true })
    const wait = () => {
      const v = a.enter()
      return v.ok ? 0 : v.retryAfterMs
    }
    // nothing answered yet: the shortest wait
    expect(wait()).toBe(150)
    // 2 answered in the first second: 2 in flight drain in 1 s
    t = 500
    a.leave()
    a.leave()
    expect(a.inFlight).toBe(2)
    for (let i = 0; i < 2; i++) expect(a.enter().ok).toBe(true)
    t = 1_000
    // 4 in flight, down to half the bound (2) at 2 answers / s: 1 s, x 1.5
    expect(wait()).toBe(1_500)
    // a faster node: 40 answers in the next second; the wait is never under the shortest
    for (let i = 0; i < 40; i++) {
      a.leave()
      expect(a.enter().ok).toBe(true)
    }
    t = 2_000
    expect(wait()).toBe(150)
    a.leave()
    a.leave()
    a.leave()
    a.leave()
    a.leave() // more leaves than entries never go below zero
    expect(a.inFlight).toBe(0)
  })
})

const env = oneNode({ admission: ADMISSION })
const artworkWithEditor = () => newArtworkEditor('Crowd', 'Admission')

describe('a node past its bound of unanswered ops', () => {
  it('refuses the rest with rate_limited and a wait, and stores exactly the admitted ones', async () => {
    const { cookie, user, artwork, prisma } = await artworkWithEditor()
    const socket = await connectClient(env.node.url, cookie)
    env.sockets.push(socket)
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
      expect(a.error.retryAfterMs).toBeGreaterThanOrEqual(ADMISSION.minRetryAfterMs)
    }
    expect(await prisma.op.count({ where: { artworkId: artwork.id, authorId: user.id } })).toBe(ok.length)
    // once answered, the node admits again
    const later = (await socket.timeout(10_000).emitWithAck(EVENTS.op, { artworkId: artwork.id, opId: crypto.randomUUID(), op: addRect('later') })) as OpAck
    expect(later.ok).toBe(true)
  })

  it('the browser connection waits when told and resends: every op lands, in order', async () => {
    const { cookie, artwork, prisma } = await artworkWithEditor()
    const socket = connect(env.node.url, { transports: ['websocket'], extraHeaders: { cookie }, forceNew: true })
    env.sockets.push(socket)
    // what the connection sends and hears, in order: after a wait it must send one op (the probe)
    // and nothing else until that one is answered, not the whole outbox at once
    const log: ({ sent: string } | { answered: string; code: string })[] = []
    // (socket.timeout(ms) returns the socket itself: its emit is wrapped once)
    const emit = socket.emit.bind(socket) as (...a: unknown[]) => Socket
    const spy = (event: string, ...args: unknown[]): Socket => {
      const [payload, cb] = args as [{ opId: string }, (err: Error | null, ack: OpAck) => void]
      if (event !== EVENTS.op) return emit(event, ...args)
      log.push({ sent: payload.opId })
      return emit(event, payload, (err: Error | null, ack: OpAck) => {
        log.push({ answered: payload.opId, code: err ? 'timeout' : ack.ok ? 'ok' : ack.error.code })
        cb(err, ack)
      })
    }
    socket.emit = spy as typeof socket.emit
    const throttled: number[] = []
    const { connection, engine } = await browserConnection(socket, artwork.id, null, { onThrottled: (ms) => throttled.push(ms) })
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`)
    for (const id of ids) expect(engine.commit([addRect(id)])).toBe(true)
    await eventually(() => engine.pending.length, (n) => n === 0, 20_000)
    connection.close()
    expect(throttled.length).toBeGreaterThan(0)
    let mode: 'free' | 'held' | 'probing' = 'free'
    let probe = ''
    let probes = 0
    for (const e of log) {
      if ('answered' in e) {
        if (e.code === 'rate_limited') mode = 'held'
        else if (mode === 'probing' && e.answered === probe) mode = 'free'
      } else if (mode === 'held') {
        mode = 'probing'
        probe = e.sent
        probes++
      } else {
        expect(mode, `op ${e.sent} sent while the probe ${probe} was unanswered`).toBe('free')
      }
    }
    expect(probes).toBeGreaterThan(0)
    const stored = await prisma.op.findMany({ where: { artworkId: artwork.id }, orderBy: { seq: 'asc' }, select: { objectId: true } })
    expect(stored.map((o) => o.objectId)).toEqual(ids)
    expect(engine.document.order).toEqual(ids)
  })
})
