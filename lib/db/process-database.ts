// The one database of this process, shared by server.ts and Next's route handlers. They run in
// one process but Next bundles its own copy of our modules, so a module-level handle would be
// duplicated: it lives on globalThis instead. Only a type import of the opener: it is provided by
// the entry point (server.ts, test set-up, benches), so that Next's bundles never include the
// database drivers or the migration engine.
import type { Database } from './client'

interface Holder {
  open?: () => Promise<Database>
  db?: Promise<Database>
  error?: { message: string; at: number }
}

const KEY = Symbol.for('ganvas.database')
const root = globalThis as typeof globalThis & { [KEY]?: Holder }
const holder: Holder = (root[KEY] ??= {})

/** A failed open is retried, but not more often than this. */
const RETRY_AFTER_MS = 3_000

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
}

/** Called once at start-up by the process's entry point (server.ts, test set-up). */
export function provideDatabase(open: () => Promise<Database>) {
  holder.open = open
}

/**
 * The process's database, opened (and migrated) on first use. An embedded PGlite folder can only
 * be owned by one process, so every caller must go through here.
 */
export function getDatabase(): Promise<Database> {
  if (holder.db) return holder.db
  const last = holder.error
  if (last && Date.now() - last.at < RETRY_AFTER_MS) {
    return Promise.reject(new DatabaseUnavailableError(last.message))
  }
  if (!holder.open) return Promise.reject(new DatabaseUnavailableError('no database configured in this process'))
  const opening = holder.open().catch((e: unknown) => {
    holder.db = undefined
    const message = e instanceof Error ? e.message : String(e)
    holder.error = { message, at: Date.now() }
    throw new DatabaseUnavailableError(message)
  })
  holder.db = opening
  return opening
}

export async function closeDatabase(): Promise<void> {
  const db = holder.db
  holder.db = undefined
  if (db) await db.then((d) => d.close()).catch(() => {})
}
