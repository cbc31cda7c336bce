// The service's health, read once for both the machine answer (GET /api/health) and the page
// people read (/status).
import { databaseKind, databaseUrl } from '../db/url'
import { getDatabase } from '../db/process-database'
import { realtimeStatus, type RealtimeStatus } from './runtime'
import { APP_VERSION } from './version'

export type Health =
  | { status: 'ok'; db: { status: 'ok'; kind: string; latencyMs: number }; realtime: RealtimeStatus; version: string }
  | { status: 'unavailable'; db: { status: 'down'; kind: string; reason: string }; realtime: RealtimeStatus; version: string }

export async function readHealth(): Promise<Health> {
  const kind = databaseKind(databaseUrl())
  const realtime = realtimeStatus()
  try {
    const db = await getDatabase()
    const started = performance.now()
    await db.ping()
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    return { status: 'ok', db: { status: 'ok', kind, latencyMs }, realtime, version: APP_VERSION }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    return { status: 'unavailable', db: { status: 'down', kind, reason: `database unreachable: ${reason}` }, realtime, version: APP_VERSION }
  }
}
