// socket.io on the app's HTTP server, with the Redis adapter when REDIS_URL is set so that
// several processes share rooms (PostgreSQL stays the only source of order and truth).
import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { MAX_MESSAGE_BYTES } from '../collab/protocol'
import { evictShareToken, registerRooms } from '../collab/rooms'
import { sessionUser } from '../auth/auth'
import { getDatabase, setBroadcaster, setRealtimeStatus, type RealtimeStatus } from './runtime'

export interface Realtime {
  io: Server
  close(): Promise<void>
}

export function attachRealtime(httpServer: HttpServer, opts: { redisUrl?: string } = {}): Realtime {
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // notice a vanished client (closed laptop, lost network) within ~15 s, for presence and resync
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // same-origin app: no cross-origin browser clients
    cors: { origin: false },
  })

  let pub: Redis | undefined
  let sub: Redis | undefined
  if (opts.redisUrl) {
    pub = new Redis(opts.redisUrl, { maxRetriesPerRequest: null })
    sub = pub.duplicate()
    for (const client of [pub, sub]) client.on('error', (e: Error) => console.error('[realtime] redis:', e.message))
    io.adapter(createAdapter(pub, sub, { requestsTimeout: 3_000 }))
  }

  const rooms = registerRooms(io, {
    prisma: async () => (await getDatabase()).prisma,
    identify: (headers) => sessionUser(headers),
  })

  const redisState = (): RealtimeStatus['redis'] => {
    if (!pub || !sub) return undefined
    if (pub.status === 'ready' && sub.status === 'ready') return 'ready'
    if (pub.status === 'end' || sub.status === 'end') return 'down'
    return 'connecting'
  }
  let closed = false
  setBroadcaster({
    emitToRoom: (room, event, payload) => io.to(room).emit(event, payload),
    evictShareToken: (artworkId, token) => evictShareToken(io, artworkId, token),
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
    async close() {
      closed = true
      rooms.stop()
      // disconnect every client, leave Redis' channels, close engine.io; the shared HTTP server
      // is closed by its owner
      io.disconnectSockets(true)
      await io.of('/').adapter.close()
      io.engine.close()
      await Promise.allSettled([pub?.quit(), sub?.quit()])
      setRealtimeStatus(undefined)
      setBroadcaster(undefined)
    },
  }
}
