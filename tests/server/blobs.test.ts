// POST /api/artworks/[id]/blobs: storing a painted base layer (and its doodle) for an artwork.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as artworks from '../../app/api/artworks/route'
import * as artworkBlobs from '../../app/api/artworks/[id]/blobs/route'
import * as blobs from '../../app/api/blobs/[key]/route'
import { getDatabase, closeDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'

// a 1x1 PNG
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

let owner: string
let artworkId: string
beforeAll(async () => {
  owner = await guestCookie('Painter')
  const res = await artworks.POST(new Request('http://127.0.0.1/api/artworks', { method: 'POST', body: '{"title":"Doodles"}', headers: { 'content-type': 'application/json', cookie: owner } }), {})
  artworkId = ((await res.json()) as { artwork: { id: string } }).artwork.id
})
afterAll(async () => {
  await closeDatabase()
})

const post = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  artworkBlobs.POST(
    new Request(`http://127.0.0.1/api/artworks/${id}/blobs`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    { params: Promise.resolve({ id }) },
  )
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe('POST /api/artworks/[id]/blobs', () => {
  it('stores a PNG content-addressed and answers its blob URL, which serves it', async () => {
    const res = await post(artworkId, { png: PNG }, { cookie: owner })
    expect(res.status).toBe(201)
    const { src } = (await res.json()) as { src: string }
    expect(src).toMatch(/^\/api\/blobs\/[0-9a-f]{64}$/)
    // the same bytes again: the same URL
    const again = (await (await post(artworkId, { png: PNG }, { cookie: owner })).json()) as { src: string }
    expect(again.src).toBe(src)
    const key = src.split('/').pop()!
    const served = await blobs.GET(new Request(`http://127.0.0.1${src}`), { params: Promise.resolve({ key }) })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await served.arrayBuffer()).toString('base64')).toBe(PNG)
  })

  it('rejects what is not a PNG, too large or malformed', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]).toString('base64')
    const big = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(2 * 1024 * 1024)]).toString('base64')
    const cases: Array<[unknown, number, string]> = [
      [{ png: jpeg }, 415, 'unsupported_media_type'],
      [{ png: Buffer.from('hello').toString('base64') }, 415, 'unsupported_media_type'],
      [{ png: '' }, 400, 'invalid'],
      [{ png: PNG, extra: 1 }, 400, 'invalid'],
      [{}, 400, 'invalid'],
      ['{"png": ', 400, 'bad_json'],
      [{ png: big }, 400, 'invalid'],
    ]
    for (const [body, status, expected] of cases) {
      const res = await post(artworkId, body, { cookie: owner })
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status)
      expect(await code(res)).toBe(expected)
    }
  })

  it('answers 401 without a session, 404 to strangers and 403 to view-only links', async () => {
    const anonymous = await post(artworkId, { png: PNG })
    expect([401, 404]).toContain(anonymous.status)
    const stranger = await post(artworkId, { png: PNG }, { cookie: await guestCookie('Stranger') })
    expect(stranger.status).toBe(404)
    expect(await code(stranger)).toBe('not_found')
    expect((await post('no-such-artwork', { png: PNG }, { cookie: owner })).status).toBe(404)

    const { prisma } = await getDatabase()
    const ownerRow = await prisma.artwork.findUniqueOrThrow({ where: { id: artworkId }, select: { ownerId: true } })
    const token = randomBytes(16).toString('base64url')
    await prisma.shareLink.create({ data: { artworkId, token, role: 'view', createdById: ownerRow.ownerId } })
    const viewer = await post(artworkId, { png: PNG }, { cookie: await guestCookie('Viewer'), 'x-share-token': token })
    expect(viewer.status).toBe(403)
    expect(await code(viewer)).toBe('forbidden')
    const signedOutViewer = await post(artworkId, { png: PNG }, { 'x-share-token': token })
    expect(signedOutViewer.status).toBe(401)
  })
})

describe('upload budget', () => {
  it('refuses uploads past the per-minute budget with 429 and stores nothing, per user', async () => {
    const before = process.env.GANVAS_UPLOADS_PER_MINUTE
    process.env.GANVAS_UPLOADS_PER_MINUTE = '3'
    try {
      const spender = await guestCookie('Busy painter')
      const res = await artworks.POST(new Request('http://127.0.0.1/api/artworks', { method: 'POST', body: '{"title":"Many"}', headers: { 'content-type': 'application/json', cookie: spender } }), {})
      const id = ((await res.json()) as { artwork: { id: string } }).artwork.id
      const { prisma } = await getDatabase()
      // three different pictures are stored, the fourth is refused before it is read
      const pngs = [1, 2, 3, 4].map((i) => {
        const bytes = Buffer.from(PNG, 'base64')
        return Buffer.concat([bytes, Buffer.from([i])]).toString('base64') // trailing bytes after IEND: still a PNG, new content
      })
      for (const png of pngs.slice(0, 3)) expect((await post(id, { png }, { cookie: spender })).status).toBe(201)
      const blobsBefore = await prisma.blob.count()
      const refused = await post(id, { png: pngs[3] }, { cookie: spender })
      expect(refused.status).toBe(429)
      const body = (await refused.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('rate_limited')
      expect(body.error.message).toMatch(/try again in \d+ s/)
      expect(await prisma.blob.count()).toBe(blobsBefore)
      // another person's budget is their own
      const other = await guestCookie('Calm painter')
      const mine = await artworks.POST(new Request('http://127.0.0.1/api/artworks', { method: 'POST', body: '{"title":"One"}', headers: { 'content-type': 'application/json', cookie: other } }), {})
      const otherId = ((await mine.json()) as { artwork: { id: string } }).artwork.id
      expect((await post(otherId, { png: pngs[3] }, { cookie: other })).status).toBe(201)
    } finally {
      if (before === undefined) delete process.env.GANVAS_UPLOADS_PER_MINUTE
      else process.env.GANVAS_UPLOADS_PER_MINUTE = before
    }
  })
})
