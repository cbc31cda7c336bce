// Process-wide realtime state shared by server.ts and Next's route handlers. They run in one
// process but Next bundles its own copy of our modules, so module-level singletons would be
// duplicated: the realtime status and the room hooks live on globalThis instead (the database
// handle likewise, in lib/db/process-database.ts).
import type { PrismaClient } from '../db/client'
import { submitOp as submitHere, type SubmitInput, type SubmitResult } from '../collab/op-writer'

export interface RealtimeStatus {
  status: 'up' | 'down'
  adapter: 'memory' | 'redis'
  clients: number
  /** only for the Redis adapter: whether the pub/sub connections are ready */
  redis?: 'ready' | 'connecting' | 'down'
}

/** The slice of the realtime server that HTTP handlers need. */
export interface RoomBroadcaster {
  /**
   * Stores an op made by the server (a version restore) through the same path as a socket's op:
   * routed to the artwork's home node, and broadcast to the whole room once stored
   */
  submitOp(input: SubmitInput): Promise<SubmitResult>
  /** removes the sockets that joined an artwork with a (now revoked) share token */
  evictShareToken(artworkId: string, token: string): Promise<number>
}

interface Runtime {
  broadcaster?: RoomBroadcaster
  realtime?: () => RealtimeStatus
}

const KEY = Symbol.for('ganvas.runtime')
const holder = globalThis as typeof globalThis & { [KEY]?: Runtime }
const runtime: Runtime = (holder[KEY] ??= {})

export function setRealtimeStatus(probe: (() => RealtimeStatus) | undefined) {
  runtime.realtime = probe
}

export function realtimeStatus(): RealtimeStatus {
  return runtime.realtime?.() ?? { status: 'down', adapter: 'memory', clients: 0 }
}

export function setBroadcaster(b: RoomBroadcaster | undefined) {
  runtime.broadcaster = b
}

/**
 * Stores an op made by the server, as a socket's op is stored and broadcast; in a process without
 * realtime (tests, scripts) it is only stored, there being no room to tell.
 */
export function submitServerOp(prisma: PrismaClient, input: SubmitInput): Promise<SubmitResult> {
  return runtime.broadcaster ? runtime.broadcaster.submitOp(input) : submitHere(prisma, input)
}

export function evictShareToken(artworkId: string, token: string): Promise<number> {
  return runtime.broadcaster?.evictShareToken(artworkId, token) ?? Promise.resolve(0)
}
