// Server side of the room protocol: who a socket is, joining an artwork's room with a permission
// check, catch-up (snapshot + ops after the client's seq), and presence. Ordering and storing of
// new ops arrives with the real-time issue on top of this.
import type { Server, Socket } from 'socket.io'
import { z } from 'zod'
import { artworkRole, type ArtworkRole } from '../auth/permissions'
import type { SessionUser } from '../auth/auth'
import type { PrismaClient } from '../db/client'
import { parseOp } from '../canvas/ops'
import { canWrite } from '../auth/permissions'
import { cursorSchema, EVENTS, joinRequestSchema, opRequestSchema, PROTOCOL_VERSION, strokePreviewSchema, roomName, type JoinAck, type Member, type OpAck, type OpsBroadcast, type ProtocolError, type Relink, type StoredOp } from './protocol'
import { submitOp, type SubmitInput, type SubmitResult } from './op-writer'
import type { RoutedResult } from './op-router'
import { artworkSeq, latestSnapshot, opsAfter } from '../db/op-rows'
import { colorFor } from './presence-colors'
import { createSocketLimiter, type SocketLimits } from './socket-limits'
import { createAdmission, type AdmissionLimits } from './admission'

/** Per-socket state; plain JSON so that other nodes can read it through the Redis adapter. */
export interface SocketData {
  user: SessionUser | null
  /** the artworks this socket joined: its role and the share token it came with */
  joined: Record<string, { role: ArtworkRole; token: string | null }>
}

export interface RoomDeps {
  prisma: () => Promise<PrismaClient>
  /** resolves the signed-in user from the handshake headers (cookies) */
  identify: (headers: Headers) => Promise<SessionUser | null>
  /**
   * stores an op that passed every check (default: this process's op log; with several nodes,
   * lib/collab/op-router.ts sends it to the artwork's home node)
   */
  submit?: (input: SubmitInput, socketId: string) => Promise<RoutedResult>
  /** per-connection budgets for ops and relayed messages (default DEFAULT_SOCKET_LIMITS) */
  limits?: SocketLimits
  /** this node's bound on ops accepted and not yet answered (default DEFAULT_ADMISSION) */
  admission?: AdmissionLimits
}

/** At most this many ops are sent on join; a client further behind gets the snapshot instead. */
const MAX_CATCH_UP_OPS = 2_000

type Ack = (answer: JoinAck) => void

export interface Rooms {
  /**
   * Stops presence traffic before the server closes its sockets and adapter, and waits for the
   * room queries in flight (the Redis adapter's requests would fail on a closed connection, where
   * nobody listens).
   */
  stop(): Promise<void>
  /**
   * Sends a stored op to its artwork's room (on every node), except to the socket that sent it
   * ('' for an op the server made: the whole room); nothing once stopping (the room's sockets
   * catch up when they rejoin).
   */
  broadcastOp(artworkId: string, op: StoredOp, exceptSocketId: string): void
  /**
   * The one way an op is stored: routed to the artwork's home node when there are several, then
   * broadcast to the room (except `fromSocketId`, '' when the server made the op: a restore).
   * Sockets' ops and the server's own take this same path.
   */
  submit(input: SubmitInput, fromSocketId: string): Promise<SubmitResult>
  /**
   * This node's sockets of user `fromId` act as `to` from now on, and are told so (EVENTS.identity:
   * they rejoin, which shows the room the new name and resends an op that failed meanwhile).
   * Called on every node when a guest's work moved to an account. Returns how many sockets.
   */
  relinkLocal(relink: Relink): number
}

export function registerRooms(io: Server, deps: RoomDeps): Rooms {
  let stopping = false
  // one message per op, sent at once: holding a round's ops back to send them together (until
  // the loop's check phase) delayed every broadcast behind the I/O of the whole loop turn and
  // merged few (1.03-1.3 ops a message at 1,000 ops/s in 20 rooms): measured, not worth it
  const broadcastOp = (artworkId: string, op: StoredOp, exceptSocketId: string) => {
    if (stopping) return
    const message: OpsBroadcast = { artworkId, ops: [op] }
    const room = io.to(roomName(artworkId))
    ;(exceptSocketId ? room.except(exceptSocketId) : room).emit(EVENTS.ops, message)
  }
  const inFlight = new Set<Promise<Member[]>>()
  const membersOf = (room: string): Promise<Member[]> => {
    const query = roomMembers(io, room)
    inFlight.add(query)
    const done = () => inFlight.delete(query)
    query.then(done, done)
    return query
  }
  const store =
    deps.submit ??
    (async (input: SubmitInput): Promise<RoutedResult> => {
      const result = await submitOp(await deps.prisma(), input)
      return { ...result, broadcast: result.ok && !result.duplicate }
    })
  const submit = async (input: SubmitInput, fromSocketId: string): Promise<SubmitResult> => {
    const { broadcast, ...result } = await store(input, fromSocketId)
    if (broadcast && result.ok) broadcastOp(input.artworkId, result.op, fromSocketId)
    return result
  }
  const limiter = createSocketLimiter(deps.limits)
  const admission = createAdmission(deps.admission)
  io.use(async (socket, next) => {
    try {
      const headers = new Headers()
      for (const [k, v] of Object.entries(socket.handshake.headers)) {
        if (typeof v === 'string') headers.set(k, v)
        else if (Array.isArray(v)) headers.set(k, v.join(', '))
      }
      const data: SocketData = { user: await deps.identify(headers), joined: {} }
      socket.data = data
      next()
    } catch (e) {
      next(new Error(`identity unavailable: ${e instanceof Error ? e.message : String(e)}`))
    }
  })

  io.on('connection', (socket: Socket) => {
    const data = socket.data as SocketData
    const reject = (event: string, error: Omit<ProtocolError, 'event'>, ack?: (answer: { ok: false; error: ProtocolError }) => void) => {
      const full: ProtocolError = { ...error, event }
      socket.emit(EVENTS.error, full)
      ack?.({ ok: false, error: full })
    }

    socket.on(EVENTS.join, async (payload: unknown, maybeAck: unknown) => {
      const ack = typeof maybeAck === 'function' ? (maybeAck as Ack) : undefined
      const parsed = joinRequestSchema.safeParse(payload)
      if (!parsed.success) {
        return reject(EVENTS.join, { code: 'invalid', message: z.prettifyError(parsed.error) }, ack)
      }
      const { artworkId, token, sinceSeq } = parsed.data
      const protocol = parsed.data.protocol ?? 1
      if (protocol < PROTOCOL_VERSION) {
        return reject(EVENTS.join, { code: 'client_too_old', message: 'GANvas has been updated since this page was opened: reload the page to keep working on this canvas.' }, ack)
      }
      if (protocol > PROTOCOL_VERSION) {
        // a page newer than this server: an update is rolling out and this node has not got it yet
        return reject(EVENTS.join, { code: 'unavailable', message: 'This server is still being updated; try again in a minute.' }, ack)
      }
      try {
        const prisma = await deps.prisma()
        const role = await artworkRole(prisma, artworkId, data.user?.id ?? null, token)
        if (!role) return reject(EVENTS.join, { code: 'not_found', message: 'No such artwork, or no access to it.' }, ack)
        // join the room before reading the catch-up: an op stored meanwhile then reaches this
        // client as a broadcast (or twice, which the client ignores), never not at all
        const room = roomName(artworkId)
        await socket.join(room)
        data.joined[artworkId] = { role, token: token ?? null }
        const catchUp = await loadCatchUp(prisma, artworkId, sinceSeq)
        const members = await membersOf(room)
        if (!stopping) socket.to(room).emit(EVENTS.presence, { artworkId, members })
        ack?.({ ok: true, role, ...catchUp, members })
      } catch (e) {
        console.error('[collab] join failed', e)
        reject(EVENTS.join, { code: 'unavailable', message: 'Could not join right now; try again.' }, ack)
      }
    })

    // one op: validated, checked, stored and acknowledged (admitted by the handler below)
    const handleOp = async (payload: unknown, ack: ((a: OpAck) => void) | undefined) => {
      const parsed = opRequestSchema.safeParse(payload)
      if (!parsed.success) return reject(EVENTS.op, { code: 'invalid', message: z.prettifyError(parsed.error) }, ack)
      const { artworkId, opId } = parsed.data
      const role = data.joined[artworkId]?.role ?? null
      // membership of the room is re-checked on every op: a revoked link leaves the room at once
      if (!role || !socket.rooms.has(roomName(artworkId))) return reject(EVENTS.op, { code: 'forbidden', message: 'Join the artwork before editing it.' }, ack)
      if (!canWrite(role) || !data.user) return reject(EVENTS.op, { code: 'forbidden', message: 'This link is view-only.' }, ack)
      let op: ReturnType<typeof parseOp>
      try {
        op = parseOp(parsed.data.op)
      } catch (e) {
        // every op gets an answer, whatever its content does to the validator
        console.warn('[collab] op validation failed:', e instanceof Error ? e.message : e)
        return reject(EVENTS.op, { code: 'invalid', message: 'The op could not be read.' }, ack)
      }
      if (!op.ok) return reject(EVENTS.op, { code: 'invalid', message: op.message }, ack)
      // past this connection's budget: nothing is stored; the client resends after retryAfterMs
      const verdict = await limiter.op(socket.id, op.bytes)
      if (!verdict.ok) return reject(EVENTS.op, { code: 'rate_limited', message: verdict.message, retryAfterMs: verdict.retryAfterMs }, ack)
      try {
        const result = await submit({ artworkId, authorId: data.user.id, opId, op: op.op }, socket.id)
        if (!result.ok) return reject(EVENTS.op, { code: result.code, message: result.message }, ack)
        ack?.({ ok: true, opId, seq: result.op.seq, duplicate: result.duplicate })
      } catch (e) {
        console.error('[collab] op failed', e)
        reject(EVENTS.op, { code: 'unavailable', message: 'Could not store the op; it will be resent.' }, ack)
      }
    }

    socket.on(EVENTS.op, async (payload: unknown, maybeAck: unknown) => {
      const ack = typeof maybeAck === 'function' ? (maybeAck as (a: OpAck) => void) : undefined
      // this node already holds as many unanswered ops as it may: refused before anything is
      // parsed (a refusal must cost less than an op); nothing is stored, the client sends it again
      const admitted = admission.enter()
      if (!admitted.ok) return reject(EVENTS.op, { code: 'rate_limited', message: admitted.message, retryAfterMs: admitted.retryAfterMs }, ack)
      try {
        await handleOp(payload, ack)
      } finally {
        admission.leave()
      }
    })

    // cursors and strokes in progress: volatile (may be dropped), relayed to the room only; a
    // stroke in progress only from someone who may draw (a view link could otherwise draw on
    // everyone's screen, issue 22)
    for (const [event, schema] of [
      [EVENTS.cursor, cursorSchema],
      [EVENTS.stroke, strokePreviewSchema],
    ] as const) {
      socket.on(event, async (payload: unknown) => {
        if (!(await limiter.relay(socket.id))) return // past the budget: dropped, as volatile messages may be
        const parsed = schema.safeParse(payload)
        if (!parsed.success) return
        const room = roomName(parsed.data.artworkId)
        if (!socket.rooms.has(room) || !data.user) return
        if (event === EVENTS.stroke && !canWrite(data.joined[parsed.data.artworkId]?.role ?? null)) return
        const from = { socketId: socket.id, userId: data.user.id, name: data.user.name, color: colorFor(data.user.id) }
        socket.volatile.to(room).emit(event, { ...parsed.data, from })
      })
    }

    socket.on(EVENTS.leave, async (payload: unknown) => {
      const parsed = z.object({ artworkId: joinRequestSchema.shape.artworkId }).safeParse(payload)
      if (!parsed.success) return reject(EVENTS.leave, { code: 'invalid', message: z.prettifyError(parsed.error) })
      const room = roomName(parsed.data.artworkId)
      await socket.leave(room)
      delete data.joined[parsed.data.artworkId]
      const members = await membersOf(room)
      if (!stopping) io.to(room).emit(EVENTS.presence, { artworkId: parsed.data.artworkId, members })
    })

    socket.on('disconnecting', () => {
      limiter.forget(socket.id)
      if (stopping) return
      const rooms = Object.keys(data.joined)
      // after the socket has left, tell the others who is still there
      setImmediate(() => {
        for (const artworkId of rooms) {
          const room = roomName(artworkId)
          if (stopping) continue
          membersOf(room)
            .then((members) => {
              // the server began closing meanwhile: its Redis connections may be gone (a publish
              // on a closed one rejects where nobody listens)
              if (!stopping) io.to(room).emit(EVENTS.presence, { artworkId, members })
            })
            .catch((e: unknown) => console.warn('[collab] presence update failed:', e instanceof Error ? e.message : e))
        }
      })
    })
  })

  const relinkLocal = ({ fromId, to }: Relink): number => {
    let n = 0
    for (const socket of io.of('/').sockets.values()) {
      const data = socket.data as SocketData
      if (data.user?.id !== fromId) continue
      data.user = { ...to }
      socket.emit(EVENTS.identity, to)
      n++
    }
    return n
  }

  return {
    broadcastOp,
    submit,
    relinkLocal,
    async stop() {
      stopping = true
      await Promise.allSettled([...inFlight])
    },
  }
}

/** A client without sinceSeq (a fresh tab) or too far behind gets the snapshot plus the ops after it. */
async function loadCatchUp(prisma: PrismaClient, artworkId: string, sinceSeq: number | undefined) {
  const seq = await artworkSeq(prisma, artworkId)
  if (seq === null) throw new Error(`no such artwork: ${artworkId}`)
  const latest = await latestSnapshot(prisma, artworkId, seq)
  if (!latest) throw new Error(`no snapshot of ${artworkId}`)
  const needsSnapshot = sinceSeq === undefined || sinceSeq < latest.seq || sinceSeq > seq || seq - sinceSeq > MAX_CATCH_UP_OPS
  const ops: StoredOp[] = await opsAfter(prisma, artworkId, needsSnapshot ? latest.seq : sinceSeq)
  return {
    snapshot: needsSnapshot ? { document: latest.document, seq: latest.seq } : null,
    ops,
    seq,
  }
}

/** Everyone in a room, on every node (the Redis adapter answers for the other processes). */
async function roomMembers(io: Server, room: string): Promise<Member[]> {
  const sockets = await io.in(room).fetchSockets()
  return sockets.map((s) => {
    const user = (s.data as SocketData | undefined)?.user
    const userId = user?.id ?? `anon:${s.id}`
    return { userId, name: user?.name ?? 'Visitor', color: colorFor(userId), socketId: s.id }
  })
}

/**
 * Removes every socket that joined `artworkId` with `token` from its room, on every node, and
 * tells it so: called when the owner revokes a share link.
 */
export async function evictShareToken(io: Server, artworkId: string, token: string): Promise<number> {
  const room = roomName(artworkId)
  const sockets = await io.in(room).fetchSockets()
  let evicted = 0
  for (const s of sockets) {
    const joined = (s.data as SocketData | undefined)?.joined?.[artworkId]
    if (joined?.token !== token) continue
    s.leave(room)
    s.emit(EVENTS.access, { artworkId, revoked: true })
    evicted++
  }
  return evicted
}
