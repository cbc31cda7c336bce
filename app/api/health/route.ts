import { NextResponse } from 'next/server'
import { databaseKind, databaseUrl } from '@/lib/db/url'
import { getDatabase, realtimeStatus } from '@/lib/server/runtime'
import { APP_VERSION } from '@/lib/server/version'

export const dynamic = 'force-dynamic'

/** Liveness and readiness: 200 when the database answers, 503 with the reason when it does not. */
export async function GET() {
  const kind = databaseKind(databaseUrl())
  const realtime = realtimeStatus()
  const headers = { 'cache-control': 'no-store' }
  try {
    const db = await getDatabase()
    const started = performance.now()
    await db.ping()
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    return NextResponse.json({ status: 'ok', db: { status: 'ok', kind, latencyMs }, realtime, version: APP_VERSION }, { headers })
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    return NextResponse.json(
      { status: 'unavailable', db: { status: 'down', kind, reason: `database unreachable: ${reason}` }, realtime, version: APP_VERSION },
      { status: 503, headers },
    )
  }
}
