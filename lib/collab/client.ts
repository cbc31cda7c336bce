// The browser's (and the tests') connection to one artwork: joins on every (re)connect with the
// last seq it has, feeds the sync engine, sends its ops with acks, and resends what was not
// acknowledged. Socket-agnostic enough to run in Node against a real server.
import type { Socket } from 'socket.io-client'
import type { CanvasDocument } from '../canvas/document'
import { EVENTS, PROTOCOL_VERSION, type JoinAck, type Member, type OpAck, type OpsBroadcast, type ProtocolError, type StoredOp } from './protocol'
import { SyncEngine, type PendingOp } from './sync'

export interface ConnectionEvents {
  onReady(engine: SyncEngine): void
  onDocument(doc: CanvasDocument): void
  onMembers(members: Member[], role: 'owner' | 'edit' | 'view' | null): void
  onConnection(state: 'live' | 'offline'): void
  /** `code`: the protocol error's, when the server refused (client_too_old: the page must reload) */
  onError(message: string, code?: ProtocolError['code']): void
  onRejected?(pending: PendingOp, message: string): void
  /** the server asked this connection to slow down; its ops go again after `ms` */
  onThrottled?(ms: number): void
}

const ACK_TIMEOUT_MS = 15_000

/** How often a missing op (a gap in seqs) is looked for; two checks in a row trigger a catch-up. */
const GAP_CHECK_MS = 1_500

export class ArtworkConnection {
  engine: SyncEngine | null = null
  /** broadcasts that arrive before the first join answer */
  private beforeReady: StoredOp[] = []
  private gapSeen = false
  private readonly gapTimer: ReturnType<typeof setInterval>

  constructor(
    private readonly socket: Socket,
    private readonly artworkId: string,
    private readonly token: string | null,
    private readonly events: ConnectionEvents,
    /** after the server closed the connection (restart, deploy), reconnect after this long */
    private readonly serverDisconnectRetryMs = 1_000,
  ) {
    socket.on('connect', this.join)
    socket.on('disconnect', (reason) => {
      events.onConnection('offline')
      // socket.io retries by itself after network failures, but not after a server-side
      // disconnect: a restarting or draining node must not leave editors stranded
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), this.serverDisconnectRetryMs)
    })
    socket.on('connect_error', () => events.onConnection('offline'))
    socket.on(EVENTS.ops, (b: OpsBroadcast) => {
      if (b.artworkId !== artworkId) return
      for (const op of b.ops) {
        if (this.engine) this.engine.receive(op)
        else this.beforeReady.push(op)
      }
    })
    if (socket.connected) this.join()
    // a broadcast can be lost (a node restart between store and relay): ask for what is missing
    this.gapTimer = setInterval(() => {
      const gap = !!this.engine?.hasGap && this.socket.connected
      if (gap && this.gapSeen) this.join()
      this.gapSeen = gap
    }, GAP_CHECK_MS)
  }

  close() {
    clearInterval(this.gapTimer)
    if (this.holdTimer) clearTimeout(this.holdTimer)
    if (this.headTimer) clearTimeout(this.headTimer)
  }

  /**
   * Joins again (the server answers with what was missed, and the ops not yet acknowledged go
   * again): after the server says this socket is now another user (EVENTS.identity).
   */
  rejoin() {
    if (this.socket.connected) this.join()
  }

  private headTimer: ReturnType<typeof setTimeout> | null = null
  private headSeq = 0

  /**
   * Told by an HTTP answer (a restore, say) that the artwork has reached `seq`: a trailing
   * broadcast that was lost leaves no gap to notice, so if the ops have not arrived shortly,
   * catch up through a join.
   */
  catchUpTo(seq: number) {
    this.headSeq = Math.max(this.headSeq, seq) // a later, lower hint must not hide a higher one
    if (this.headTimer) clearTimeout(this.headTimer)
    this.headTimer = setTimeout(() => {
      this.headTimer = null
      if (this.engine && this.engine.seq < this.headSeq && this.socket.connected) this.join()
    }, GAP_CHECK_MS)
  }

  private readonly join = () => {
    this.probe = null // the join resends the whole outbox
    this.events.onConnection('live')
    const sinceSeq = this.engine ? { sinceSeq: this.engine.seq } : {}
    const request = { artworkId: this.artworkId, protocol: PROTOCOL_VERSION, ...(this.token ? { token: this.token } : {}), ...sinceSeq }
    this.socket.emit(EVENTS.join, request, (ack: JoinAck) => {
      if (!ack.ok) return this.events.onError(ack.error.message, ack.error.code)
      this.events.onMembers(ack.members, ack.role)
      if (this.engine) return this.engine.resync(ack.snapshot, ack.ops)
      if (!ack.snapshot) return this.events.onError('the server sent no snapshot')
      const engine = new SyncEngine(ack.snapshot, { send: this.send }, {
        onChange: (doc) => this.events.onDocument(doc),
        onRejected: (p, m) => this.events.onRejected?.(p, m),
      })
      this.engine = engine
      engine.resync(null, [...ack.ops, ...this.beforeReady])
      this.beforeReady = []
      this.events.onReady(engine)
    })
  }

  /** set while the server asks this connection to wait (rate_limited): ops queue in the outbox */
  private holdTimer: ReturnType<typeof setTimeout> | null = null
  /**
   * After a wait, the one op sent to see whether the server takes ops again (its opId); the rest
   * of the outbox goes when it is answered, so that a busy server is not answered with a burst.
   */
  private probe: string | null = null

  private readonly send = (p: PendingOp) => {
    if (!this.socket.connected) return // resent by resync after the next join
    if (this.holdTimer) return // resent, in order, when the hold ends
    if (this.probe !== null && this.probe !== p.opId) return // sent when the probe is answered
    this.socket.timeout(ACK_TIMEOUT_MS).emit(EVENTS.op, { artworkId: this.artworkId, opId: p.opId, op: p.op }, (err: Error | null, ack: OpAck) => {
      const engine = this.engine
      const probing = this.probe === p.opId
      if (!engine) return
      // no answer: it stays in the outbox and goes again on reconnect (a probe: again in a while)
      if (err) return probing ? this.hold(1_000) : undefined
      if (ack.ok) engine.acknowledge(p.opId, ack.seq)
      else if (ack.error.code === 'rate_limited') return this.hold(ack.error.retryAfterMs ?? 1_000)
      else if (ack.error.code === 'unavailable') {
        // the server could not store it: try again in a while (not at once, and not in a loop)
        if (probing) return this.hold(1_000)
      } else engine.reject(p.opId, ack.error.message)
      if (probing) {
        this.probe = null
        this.sendAll()
      }
    })
  }

  /** Everything in the outbox not yet acknowledged, in order (the server ignores a repeat by opId). */
  private sendAll() {
    const engine = this.engine
    if (!engine || !this.socket.connected) return // the next join resends them
    for (const p of engine.pending) if (p.seq === undefined) this.send(p)
  }

  /**
   * Too many ops too fast (this connection's budget, or a busy server): the server stored none
   * past its limit. Send nothing until it said to wait, then the first op not yet acknowledged,
   * then the rest once that one is answered.
   */
  private hold(ms: number) {
    this.probe = null
    if (this.holdTimer) return
    this.events.onThrottled?.(ms)
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null
      const first = this.engine?.pending.find((p) => p.seq === undefined)
      if (!first || !this.socket.connected) return // nothing waiting, or the next join resends it
      this.probe = first.opId
      this.send(first)
    }, ms)
  }
}
