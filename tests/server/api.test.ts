// Route handlers called with real Requests against the real database and auth library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as artworks from '../../app/api/artworks/route'
import * as catchAll from '../../app/api/[...path]/route'
import * as one from '../../app/api/artworks/[id]/route'
import { getDatabase, closeDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'

let cookie: string
beforeAll(async () => {
  cookie = await guestCookie('Grace')
})
afterAll(async () => {
  await closeDatabase()
})

const json = (body: string, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/api/artworks', { method: 'POST', body, headers: { 'content-type': 'application/json', cookie, ...headers } })

async function countOwn() {
  const res = await artworks.GET(new Request('http://127.0.0.1/api/artworks', { headers: { cookie } }), {})
  return ((await res.json()) as { artworks: unknown[] }).artworks.length
}

describe('POST /api/artworks', () => {
  it('creates an artwork owned by the signed-in user', async () => {
    const res = await artworks.POST(json('{"title":"  Sunrise  "}'), {})
    expect(res.status).toBe(201)
    const { artwork } = (await res.json()) as { artwork: { id: string; title: string; ownerId: string } }
    expect(artwork.title).toBe('Sunrise')
    const { prisma } = await getDatabase()
    const owner = await prisma.user.findUniqueOrThrow({ where: { id: artwork.ownerId } })
    expect(owner.name).toBe('Grace')
    expect(owner.isAnonymous).toBe(true)
  })

  it('rejects bad bodies with clear JSON errors and stores nothing', async () => {
    const before = await countOwn()
    const cases: Array<[string, number, string]> = [
      ['{"title": ', 400, 'bad_json'],
      ['{"title": ""}', 400, 'invalid'],
      ['{"title": "x", "ownerId": "someone-else"}', 400, 'invalid'],
      [JSON.stringify({ title: 'x'.repeat(121) }), 400, 'invalid'],
      [JSON.stringify({ title: 'x'.repeat(10_000) }), 400, 'invalid'],
      [JSON.stringify({ title: 'x', padding: 'x'.repeat(13 * 1024 * 1024) }), 413, 'too_large'],
    ]
    for (const [body, status, code] of cases) {
      const res = await artworks.POST(json(body), {})
      expect(res.status, body.slice(0, 40)).toBe(status)
      const answer = (await res.json()) as { error: { code: string; message: string } }
      expect(answer.error.code).toBe(code)
      expect(answer.error.message.length).toBeGreaterThan(5)
    }
    expect(await countOwn()).toBe(before)
  })

  it('requires a session', async () => {
    const res = await artworks.POST(json('{"title":"x"}', { cookie: '' }), {})
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
    const forged = await artworks.POST(json('{"title":"x"}', { cookie: 'better-auth.session_token=forged.value' }), {})
    expect(forged.status).toBe(401)
  })
})

describe('unknown API routes', () => {
  it('answer a JSON 404 for every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await catchAll[method](new Request('http://127.0.0.1/api/no/such/thing', { method }))
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/application\/json/)
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('/api/no/such/thing')
    }
  })
})

describe('PATCH /api/artworks/:id (rename)', () => {
  it('renames for the owner only; bad titles and other people change nothing', async () => {
    const { prisma } = await getDatabase()
    const created = await artworks.POST(json('{"title":"Before"}'), {})
    const { artwork } = (await created.json()) as { artwork: { id: string; ownerId: string } }
    const rename = (body: unknown, headers: Record<string, string> = {}) =>
      one.PATCH(
        new Request(`http://127.0.0.1/api/artworks/${artwork.id}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json', cookie, ...headers } }),
        { params: Promise.resolve({ id: artwork.id }) },
      )
    const ok = await rename({ title: '  Sunset over the sea ' })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { artwork: { title: string } }).artwork.title).toBe('Sunset over the sea')
    for (const [body, status] of [
      [{ title: '' }, 400],
      [{ title: 'x'.repeat(121) }, 400],
      [{ title: 'x', ownerId: 'someone' }, 400],
      [{}, 400],
    ] as const) {
      expect((await rename(body)).status, JSON.stringify(body).slice(0, 30)).toBe(status)
    }
    // a collaborator with an edit link may draw, not rename; a stranger does not see it
    const token = `edit-${artwork.id}`
    await prisma.shareLink.create({ data: { artworkId: artwork.id, token, role: 'edit', createdById: artwork.ownerId } })
    const other = await guestCookie('Hal')
    expect((await rename({ title: 'Mine now' }, { cookie: other, 'x-share-token': token })).status).toBe(403)
    expect((await rename({ title: 'Mine now' }, { cookie: other })).status).toBe(404)
    // and from another site, with the owner's cookie
    expect((await rename({ title: 'Forged' }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id: artwork.id } })).title).toBe('Sunset over the sea')
  })
})
