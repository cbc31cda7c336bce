// POST /api/artworks/[id]/blobs: storing a painted base layer (and its doodle) for an artwork.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as artworks from '../../app/api/artworks/route'
import * as artworkBlobs from '../../app/api/artworks/[id]/blobs/route'
import * as blobs from '../../app/api/blobs/[key]/route'
import { getDatabase, closeDatabase } from '../../lib/server/runtime'
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
