import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll } from 'vitest'
import { closeDatabase } from '../../lib/db/process-database'
import { attachRealtime, type Realtime, type RealtimeOptions } from '../../lib/server/realtime'
import { PROTOCOL_VERSION, type JoinAck, type JoinRequest } from '../../lib/collab/protocol'
import { ArtworkConnection, type ConnectionEvents } from '../../lib/collab/client'
import type { SyncEngine } from '../../lib/collab/sync'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { getDatabase } from '../../lib/db/process-database'
import { guestCookie } from './auth'

export interface TestNode {
  url: string
  realtime: Realtime
  http: HttpServer
  close(): Promise<void>
}

/** A real HTTP server on an ephemeral port with the app's socket.io set-up attached (tests, bench:collab). */
export async function startNode(opts: RealtimeOptions = {}): Promise<TestNode> {
  const http = createServer()
  const realtime = attachRealtime(http, opts)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    realtime,
    http,
    async close() {
      await realtime.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

/** A socket.io client connected over WebSocket, with the session cookie if given (no reconnection). */
export async function connectClient(url: string, cookie?: string, timeoutMs = 20_000): Promise<Socket> {
  const socket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

/** Joins as the current client does (this protocol version), unless `request` says which it speaks. */
export function join(socket: Socket, request: JoinRequest | Record<string, unknown> | null): Promise<JoinAck> {
  // malformed requests (not an object) go as they are: the tests send those on purpose
  const speaks = request === null || typeof request !== 'object' || 'protocol' in request
  return socket.timeout(10_000).emitWithAck('join', speaks ? request : { protocol: PROTOCOL_VERSION, ...request }) as Promise<JoinAck>
}

/** Resolves with the next payload of an event (or rejects after timeoutMs). */
export function nextEvent<T>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
    socket.once(event, (payload: T) => {
      clearTimeout(timer)
      resolve(payload)
    })
  })
}

/** Waits until predicate holds for a value that fetch returns, polling. */
export async function eventually<T>(fetch: () => Promise<T> | T, predicate: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last = await fetch()
  while (!predicate(last)) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 50))
    last = await fetch()
  }
  return last
}

/**
 * For a test file: two nodes sharing rooms through the Redis adapter (REDIS_URL, else the local
 * Redis), started before its tests; they, the sockets opened with `connect`, and the process's
 * database are closed after them.
 */
export function twoRedisNodes() {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const sockets: Socket[] = []
  const nodes = {
    a: undefined as unknown as TestNode,
    b: undefined as unknown as TestNode,
    /** a client of `node`, closed after the file's tests */
    async connect(node: TestNode, cookie?: string) {
      const socket = await connectClient(node.url, cookie)
      sockets.push(socket)
      return socket
    },
  }
  beforeAll(async () => {
    nodes.a = await startNode({ redisUrl })
    nodes.b = await startNode({ redisUrl })
    await eventually(() => nodes.b.realtime.io.of('/').adapter.constructor.name, (n) => n === 'RedisAdapter')
  })
  afterAll(async () => {
    for (const s of sockets) s.close()
    await Promise.all([nodes.a?.close(), nodes.b?.close()])
    await closeDatabase()
  })
  return nodes
}

/**
 * For a test file: one node with these options, started before its tests; it, the sockets put in
 * `sockets`, and the process's database are closed after them.
 */
export function oneNode(opts: RealtimeOptions = {}) {
  const state = { node: undefined as unknown as TestNode, sockets: [] as Socket[] }
  beforeAll(async () => {
    state.node = await startNode(opts)
  })
  afterAll(async () => {
    for (const s of state.sockets) s.close()
    await state.node?.close()
    await closeDatabase()
  })
  return state
}

/** A new guest (named `guest`) and an artwork of theirs (titled `title`): its cookie, user, artwork and the database. */
export async function newArtworkEditor(guest: string, title: string) {
  const cookie = await guestCookie(guest)
  const user = (await sessionUser(new Headers({ cookie })))!
  const { prisma } = await getDatabase()
  const artwork = await createArtwork(prisma, user.id, title)
  return { cookie, user, artwork, prisma }
}

/**
 * The browser's connection code (ArtworkConnection) on `socket`, once its engine is ready; the
 * events not given do nothing, except errors, which throw.
 */
export async function browserConnection(
  socket: Socket,
  artworkId: string,
  token: string | null,
  events: Partial<ConnectionEvents> = {},
  serverDisconnectRetryMs?: number,
): Promise<{ connection: ArtworkConnection; engine: SyncEngine }> {
  let ready: (e: SyncEngine) => void = () => {}
  const engine = new Promise<SyncEngine>((r) => (ready = r))
  const connection = new ArtworkConnection(
    socket,
    artworkId,
    token,
    {
      onDocument: () => {},
      onMembers: () => {},
      onConnection: () => {},
      onError: (m) => {
        throw new Error(m)
      },
      ...events,
      onReady: (e) => {
        events.onReady?.(e)
        ready(e)
      },
    },
    serverDisconnectRetryMs,
  )
  return { connection, engine: await engine }
}
