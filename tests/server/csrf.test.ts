// A cross-site form or fetch that rides on the visitor's cookie cannot change anything: the app's
// own state-changing routes answer 403 to another origin (issue 22: restore, fork and remix
// answered 201 to Origin evil.example), and nothing is stored. Same-origin requests and
// non-browser clients (no Origin, no Sec-Fetch-Site) go through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as artworks from '../../app/api/artworks/route'
import * as fork from '../../app/api/artworks/[id]/versions/[number]/fork/route'
import * as restore from '../../app/api/artworks/[id]/versions/[number]/restore/route'
import { crossSiteRefusal } from '../../lib/auth/origin'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'

let cookie: string
let artworkId: string
beforeAll(async () => {
  cookie = await guestCookie('Victim')
  const res = await artworks.POST(post('/api/artworks', { title: 'Mine' }), {})
  artworkId = ((await res.json()) as { artwork: { id: string } }).artwork.id
})
afterAll(async () => {
  await closeDatabase()
})

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://127.0.0.1:3000${url}`, {
    method: 'POST',
    headers: { cookie, host: '127.0.0.1:3000', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}
const versionParams = (number: number) => ({ params: Promise.resolve({ id: artworkId, number: String(number) }) })

describe('state-changing routes from another site', () => {
  it('restore, fork and create answer 403 to Origin evil.example and store nothing', async () => {
    const { prisma } = await getDatabase()
    const before = { artworks: await prisma.artwork.count(), ops: await prisma.op.count(), versions: await prisma.version.count() }
    const evil = { origin: 'https://evil.example' }
    expect((await restore.POST(post(`/api/artworks/${artworkId}/versions/1/restore`, {}, evil), versionParams(1))).status).toBe(403)
    expect((await fork.POST(post(`/api/artworks/${artworkId}/versions/1/fork`, {}, evil), versionParams(1))).status).toBe(403)
    const created = await artworks.POST(post('/api/artworks', { title: 'planted' }, evil), {})
    expect(created.status).toBe(403)
    expect(((await created.json()) as { error: { code: string } }).error.code).toBe('forbidden')
    // a form from a sandboxed frame, and a browser that says cross-site without an Origin
    expect((await fork.POST(post(`/api/artworks/${artworkId}/versions/1/fork`, {}, { origin: 'null' }), versionParams(1))).status).toBe(403)
    expect((await fork.POST(post(`/api/artworks/${artworkId}/versions/1/fork`, {}, { 'sec-fetch-site': 'cross-site' }), versionParams(1))).status).toBe(403)
    expect({ artworks: await prisma.artwork.count(), ops: await prisma.op.count(), versions: await prisma.version.count() }).toEqual(before)
  })

  it('the same requests from this site, or from a non-browser client, go through', async () => {
    expect((await fork.POST(post(`/api/artworks/${artworkId}/versions/1/fork`, {}, { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }), versionParams(1))).status).toBe(201)
    expect((await fork.POST(post(`/api/artworks/${artworkId}/versions/1/fork`, {}), versionParams(1))).status).toBe(201)
  })
})

describe('crossSiteRefusal', () => {
  const req = (method: string, headers: Record<string, string>) => new Request('http://internal:3000/api/x', { method, headers: { host: 'ganvas.example', ...headers } })

  it('lets reads through and checks writes against the addressed origin and the configured public URL', () => {
    expect(crossSiteRefusal(req('GET', { origin: 'https://evil.example' }))).toBeNull()
    expect(crossSiteRefusal(req('DELETE', { origin: 'https://evil.example' }))).toMatch(/evil\.example/)
    expect(crossSiteRefusal(req('PUT', { origin: 'http://ganvas.example' }))).toBeNull()
    expect(crossSiteRefusal(req('POST', { origin: 'https://ganvas.example', 'x-forwarded-proto': 'https' }))).toBeNull()
    const saved = process.env.BETTER_AUTH_URL
    process.env.BETTER_AUTH_URL = 'https://art.example.org'
    try {
      expect(crossSiteRefusal(req('POST', { origin: 'https://art.example.org' }))).toBeNull()
    } finally {
      if (saved === undefined) delete process.env.BETTER_AUTH_URL
      else process.env.BETTER_AUTH_URL = saved
    }
  })
})
