import { NextResponse } from 'next/server'
import { readHealth } from '@/lib/server/health'

export const dynamic = 'force-dynamic'

/** Liveness and readiness: 200 when the database answers, 503 with the reason when it does not. */
export async function GET() {
  const health = await readHealth()
  return NextResponse.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } })
}
