import type { Metadata } from 'next'
import { readHealth } from '@/lib/server/health'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Service status · GANvas' }

const KIND: Record<string, string> = { postgresql: 'PostgreSQL', pglite: 'the embedded database (PGlite)' }

/** The service's health in words (the same reading as GET /api/health, which machines use). */
export default async function StatusPage() {
  const h = await readHealth()
  const ok = h.status === 'ok'
  const rows: Array<[string, boolean, string]> = [
    ['Saving and loading artworks', ok, h.db.status === 'ok' ? `${KIND[h.db.kind] ?? h.db.kind} answers in ${h.db.latencyMs} ms` : `${KIND[h.db.kind] ?? h.db.kind} does not answer: ${h.db.reason}`],
    [
      'Live co-editing',
      h.realtime.status === 'up' && h.realtime.redis !== 'down',
      `${h.realtime.status === 'up' ? 'running' : 'not running'}${h.realtime.adapter === 'redis' ? `, shared between servers through Redis (${h.realtime.redis ?? 'unknown'})` : ' on this server'}; ${h.realtime.clients} connected`,
    ],
  ]
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-3xl font-semibold">Service status</h1>
      <p role="status" className={`rounded-xl p-4 text-lg ${ok ? 'bg-emerald-50 text-emerald-900' : 'bg-rose-50 text-rose-900'}`}>
        {ok ? 'Everything is working.' : 'Something is wrong: artworks cannot be saved or opened right now.'}
      </p>
      <ul className="divide-y divide-black/10 rounded-xl border border-black/10 bg-white" aria-label="Parts of the service">
        {rows.map(([what, good, detail]) => (
          <li key={what} className="flex gap-3 p-4">
            <span aria-hidden className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${good ? 'bg-emerald-500' : 'bg-rose-500'}`} />
            <div>
              <p className="font-medium">
                {what}: {good ? 'working' : 'down'}
              </p>
              <p className="text-sm text-black/70">{detail}</p>
            </div>
          </li>
        ))}
      </ul>
      <p className="text-sm text-black/60">
        Version {h.version}. For monitoring, <code className="rounded bg-black/5 px-1">GET /api/health</code> answers the same as JSON (503 when the database is down).
      </p>
    </div>
  )
}
