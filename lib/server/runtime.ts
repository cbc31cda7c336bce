// Process-wide state shared by server.ts and Next's route handlers. They run in one process but
// Next bundles its own copy of our modules, so module-level singletons would be duplicated:
// the one database handle and the realtime status live on globalThis instead.
// Only a type import: the opener (PGlite, migrations) is provided by server.ts, so that Next's
// bundles never include the database drivers or the migration engine.
import type { Database } from '../db/client'

export interface RealtimeStatus {
  status: 'up' | 'down'
  adapter: 'memory' | 'redis'
  clients: number
  /** only for the Redis adapter: whether the pub/sub connections are ready */
  redis?: 'ready' | 'connecting' | 'down'
}

/** The slice of socket.io that HTTP handlers need: telling a room about ops they stored. */
export interface RoomBroadcaster {
  emitToRoom(room: string, event: string, payload: unknown): void
  /** removes the sockets that joined an artwork with a (now revoked) share token */
  evictShareToken(artworkId: string, token: string): Promise<number>
  /** the sockets of user `fromId` (a guest who signed up), on every node, are `to` from now on */
  relinkUser(fromId: string, to: { id: string; name: string; isGuest: boolean }): void
}

interface Runtime {
  open?: () => Promise<Database>
  broadcaster?: RoomBroadcaster
  db?: Promise<Database>
  dbError?: { message: string; at: number }
  realtime?: () => RealtimeStatus
}

const KEY = Symbol.for('ganvas.runtime')
const holder = globalThis as typeof globalThis & { [KEY]?: Runtime }
const runtime: Runtime = (holder[KEY] ??= {})

/** A failed open is retried, but not more often than this. */
const RETRY_AFTER_MS = 3_000

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
}

/** Called once at start-up by the process's entry point (server.ts, test set-up). */
export function provideDatabase(open: () => Promise<Database>) {
  runtime.open = open
}

/**
 * The process's database, opened (and migrated) on first use. An embedded PGlite folder can only
 * be owned by one process, so every caller must go through here.
 */
export function getDatabase(): Promise<Database> {
  if (runtime.db) return runtime.db
  const last = runtime.dbError
  if (last && Date.now() - last.at < RETRY_AFTER_MS) {
    return Promise.reject(new DatabaseUnavailableError(last.message))
  }
  if (!runtime.open) return Promise.reject(new DatabaseUnavailableError('no database configured in this process'))
  const opening = runtime.open().catch((e: unknown) => {
    runtime.db = undefined
    const message = e instanceof Error ? e.message : String(e)
    runtime.dbError = { message, at: Date.now() }
    throw new DatabaseUnavailableError(message)
  })
  runtime.db = opening
  return opening
}

export async function closeDatabase(): Promise<void> {
  const db = runtime.db
  runtime.db = undefined
  if (db) await db.then((d) => d.close()).catch(() => {})
}

export function setRealtimeStatus(probe: (() => RealtimeStatus) | undefined) {
  runtime.realtime = probe
}

export function realtimeStatus(): RealtimeStatus {
  return runtime.realtime?.() ?? { status: 'down', adapter: 'memory', clients: 0 }
}

export function setBroadcaster(b: RoomBroadcaster | undefined) {
  runtime.broadcaster = b
}

/** Broadcasts to a room on every node; a no-op in a process without realtime (tests). */
export function emitToRoom(room: string, event: string, payload: unknown) {
  runtime.broadcaster?.emitToRoom(room, event, payload)
}

/** Re-identifies a user's open sockets on every node; a no-op in a process without realtime. */
export function relinkUser(fromId: string, to: { id: string; name: string; isGuest: boolean }) {
  runtime.broadcaster?.relinkUser(fromId, to)
}

export function evictShareToken(artworkId: string, token: string): Promise<number> {
  return runtime.broadcaster?.evictShareToken(artworkId, token) ?? Promise.resolve(0)
}
