// Process-wide state shared by server.ts and Next's route handlers. They run in one process but
// Next bundles its own copy of our modules, so module-level singletons would be duplicated:
// the one database handle and the realtime status live on globalThis instead.
import { openDatabase, type Database } from '../db/client'
import { databaseUrl } from '../db/url'

export interface RealtimeStatus {
  status: 'up' | 'down'
  adapter: 'memory' | 'redis'
  clients: number
  /** only for the Redis adapter: whether the pub/sub connections are ready */
  redis?: 'ready' | 'connecting' | 'down'
}

interface Runtime {
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
  const migrate = process.env.MIGRATE_ON_START !== '0'
  const opening = openDatabase({ url: databaseUrl(), migrate }).catch((e: unknown) => {
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
