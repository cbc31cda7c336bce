// socket.io on the app's HTTP server, with the Redis adapter when REDIS_URL is set so that
// several processes share rooms (PostgreSQL stays the only source of order and truth).
import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import type { SocketLimits } from '../collab/socket-limits'
import type { AdmissionLimits } from '../collab/admission'
import { MAX_MESSAGE_BYTES, relinkSchema, type Relink } from '../collab/protocol'
import { evictShareToken, registerRooms } from '../collab/rooms'
import { submitOp } from '../collab/op-writer'
import { createOpRouter, type OpRouter } from '../collab/op-router'
import { sessionUser } from '../auth/auth'
import { onGuestLinked } from '../auth/guest-linked'
import { getDatabase } from '../db/process-database'
import { setBroadcaster, setRealtimeStatus, type RealtimeStatus } from './runtime'

/** Between nodes (socket.io's serverSideEmit over the Redis adapter): a guest was linked. */
const RELINK_EVENT = 'ganvas:relink'

export interface Realtime {
  io: Server
  /** with REDIS_URL: routes each artwork's ops to the one node that writes them */
  router?: OpRouter
  close(): Promise<void>
}

export interface RealtimeOptions {
  redisUrl?: string
  /**
   * With Redis: send each artwork's ops to its home node (default). false lets every node write
   * every artwork (correct, but the nodes' cached documents go stale; the benchmark's baseline)
   */
  routeOps?: boolean
  /** per-connection budgets (default DEFAULT_SOCKET_LIMITS); tests use small ones */
  limits?: SocketLimits
  /** this node's bound on unanswered ops (default DEFAULT_ADMISSION in lib/collab/admission.ts) */
  admission?: AdmissionLimits
}

export function attachRealtime(httpServer: HttpServer, opts: RealtimeOptions = {}): Realtime {
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // notice a vanished client (closed laptop, lost network) within ~15 s, for presence and resync
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // same-origin app: no cross-origin browser clients
    cors: { origin: false },
  })

  const prisma = async () => (await getDatabase()).prisma
  let closed = false
  let pub: Redis | undefined
  let sub: Redis | undefined
  let router: OpRouter | undefined
  const routerConnections: Redis[] = []
  if (opts.redisUrl) {
    pub = new Redis(opts.redisUrl, { maxRetriesPerRequest: null })
    sub = pub.duplicate()
    io.adapter(createAdapter(pub, sub, { requestsTimeout: 3_000 }))
    if (opts.routeOps !== false) {
      // the op router's own pair: a subscriber connection serves one purpose only
      const [routerPub, routerSub] = [pub.duplicate(), pub.duplicate()]
      routerConnections.push(routerPub, routerSub)
      router = createOpRouter({
        redis: routerPub,
        subscriber: routerSub,
        submitLocal: async (input) => submitOp(await prisma(), input),
        // `rooms` is set below, before any socket can send an op
        broadcast: (artworkId, op, exceptSocketId) => rooms.broadcastOp(artworkId, op, exceptSocketId),
      })
    }
    for (const client of [pub, sub, ...routerConnections]) client.on('error', (e: Error) => console.error('[realtime] redis:', e.message))
  }

  const rooms = registerRooms(io, {
    prisma,
    identify: (headers) => sessionUser(headers),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.admission ? { admission: opts.admission } : {}),
    ...(router ? { submit: (input, socketId) => (router as OpRouter).submit(input, socketId) } : {}),
  })

  const redisState = (): RealtimeStatus['redis'] => {
    if (!pub || !sub) return undefined
    if (pub.status === 'ready' && sub.status === 'ready') return 'ready'
    if (pub.status === 'end' || sub.status === 'end') return 'down'
    return 'connecting'
  }
  // a guest signed up on some node: every node re-identifies its own sockets of that guest
  if (pub) {
    io.on(RELINK_EVENT, (payload: unknown) => {
      const relink = relinkSchema.safeParse(payload)
      if (relink.success) rooms.relinkLocal(relink.data)
    })
  }
  setBroadcaster({
    submitOp: (input) => rooms.submit(input, ''),
    evictShareToken: (artworkId, token) => evictShareToken(io, artworkId, token),
  })
  onGuestLinked((fromId, to) => {
    const relink: Relink = { fromId, to }
    rooms.relinkLocal(relink)
    // the in-memory adapter has no other nodes (and would only warn)
    if (pub) io.serverSideEmit(RELINK_EVENT, relink)
  })
  setRealtimeStatus(() => {
    const redis = redisState()
    return {
      status: closed || redis === 'down' ? 'down' : 'up',
      adapter: pub ? 'redis' : 'memory',
      clients: io.engine.clientsCount,
      ...(redis ? { redis } : {}),
    }
  })

  return {
    io,
    ...(router ? { router } : {}),
    async close() {
      closed = true
      await rooms.stop()
      await router?.close()
      // disconnect every client, leave Redis' channels, close engine.io; the shared HTTP server
      // is closed by its owner
      io.disconnectSockets(true)
      await io.of('/').adapter.close()
      io.engine.close()
      await Promise.allSettled([pub?.quit(), sub?.quit(), ...routerConnections.map((c) => c.quit())])
      setRealtimeStatus(undefined)
      setBroadcaster(undefined)
      onGuestLinked(undefined)
    },
  }
}
