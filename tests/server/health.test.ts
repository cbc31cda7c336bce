import { afterEach, describe, expect, it } from 'vitest'
import { GET } from '../../app/api/health/route'
import { closeDatabase } from '../../lib/db/process-database'

interface Health {
  status: string
  db: { status: string; kind: string; reason?: string }
  realtime: { status: string; adapter: string }
  version: string
}

const original = process.env.DATABASE_URL
afterEach(async () => {
  await closeDatabase()
  process.env.DATABASE_URL = original
})

describe('GET /api/health', () => {
  it('answers 200 with db, realtime and version when the database answers', async () => {
    const res = await GET()
    expect(res.status).toBe(200)
    const body = (await res.json()) as Health
    expect(body.db.status).toBe('ok')
    expect(body.db.kind).toBe(original?.startsWith('pglite:') ? 'pglite' : 'postgresql')
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(body.realtime.adapter).toBe('memory')
  })

  it('answers 503 with the reason when the database is unreachable', async () => {
    await closeDatabase()
    process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:9/unreachable'
    const res = await GET()
    expect(res.status).toBe(503)
    const body = (await res.json()) as Health
    expect(body.status).toBe('unavailable')
    expect(body.db.status).toBe('down')
    expect(body.db.reason).toMatch(/database unreachable/)
  })
})
