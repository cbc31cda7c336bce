// The gallery against the real database: keyset pages with no gaps or repeats (ties included),
// tag filter, unpublish, idempotent likes, bad input.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as galleryRoute from '../../app/api/gallery/route'
import * as likeRoute from '../../app/api/gallery/[id]/like/route'
import * as publishRoute from '../../app/api/artworks/[id]/publish/route'
import { sessionUser } from '../../lib/auth/auth'
import { emptyDocument } from '../../lib/canvas/document'
import { getPublication, listGallery, publishVersion, setLike, unpublish } from '../../lib/db/gallery'
import { closeDatabase, getDatabase } from '../../lib/server/runtime'
import { guestCookie } from '../helpers/auth'

let cookie: string
let userId: string
const tag = `t${randomUUID().slice(0, 8)}`
const ids: string[] = []

beforeAll(async () => {
  cookie = await guestCookie('Publisher')
  userId = (await sessionUser(new Headers({ cookie })))!.id
  const { prisma } = await getDatabase()
  // 30 pieces under a unique tag; many share a timestamp and a like count (ties)
  // in the past: CI's e2e run shares this database and expects its own piece to be the newest
  const base = new Date('2001-01-01T00:00:00Z').getTime()
  for (let i = 0; i < 30; i++) {
    const art = await prisma.artwork.create({ data: { ownerId: userId, title: `p${i}`, snapshot: emptyDocument() } })
    await prisma.version.create({ data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: userId, message: 'v1' } })
    const pub = await publishVersion(prisma, art.id, userId, { version: 1, title: `piece ${i}`, description: '', tags: [tag, i % 2 ? 'odd' : 'even'] })
    await prisma.publication.update({ where: { id: pub!.id }, data: { publishedAt: new Date(base + Math.floor(i / 3) * 1000), likeCount: i % 4 } })
    ids.push(pub!.id)
  }
})
afterAll(async () => {
  await closeDatabase()
})

async function walk(sort: 'newest' | 'liked', limit: number) {
  const { prisma } = await getDatabase()
  const seen: Array<{ id: string; likeCount: number; publishedAt: string }> = []
  let cursor: string | null = null
  for (let guard = 0; guard < 100; guard++) {
    const page = await listGallery(prisma, { sort, tag, cursor, limit })
    seen.push(...page.items)
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  return seen
}

describe('gallery listing', () => {
  it.each(['newest', 'liked'] as const)('pages through every piece once, in order (%s), ties included', async (sort) => {
    const seen = await walk(sort, 7)
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort())
    const key = (s: (typeof seen)[number]) => (sort === 'newest' ? s.publishedAt : String(s.likeCount).padStart(6, '0'))
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!]
      expect(key(a) > key(b) || (key(a) === key(b) && a.id > b.id)).toBe(true)
    }
  })

  it('filters by tag and hides unpublished pieces', async () => {
    const { prisma } = await getDatabase()
    const odd = await listGallery(prisma, { sort: 'newest', tag: 'odd', limit: 100 })
    expect(odd.items.every((p) => p.tags.includes('odd'))).toBe(true)
    expect(await unpublish(prisma, ids[0]!, userId)).toBe(true)
    expect(await unpublish(prisma, ids[0]!, userId)).toBe(false)
    expect((await walk('newest', 50)).map((s) => s.id)).not.toContain(ids[0])
    expect(await getPublication(prisma, ids[0]!, null)).toBeNull()
  })

  it('rejects a forged or malformed cursor without an error page', async () => {
    const res = await galleryRoute.GET(new Request(`http://t/api/gallery?tag=${tag}&cursor=${'!'.repeat(50)}`), {})
    expect(res.status).toBe(200)
    const bad = await galleryRoute.GET(new Request('http://t/api/gallery?sort=random'), {})
    expect(bad.status).toBe(400)
  })
})

describe('likes', () => {
  it('are one per person and idempotent; the count follows the rows', async () => {
    const { prisma } = await getDatabase()
    const id = ids[5]!
    const before = (await prisma.publication.findUniqueOrThrow({ where: { id } })).likeCount
    const other = await guestCookie('Fan')
    const params = Promise.resolve({ id })
    const like = () => likeRoute.PUT(new Request(`http://t/api/gallery/${id}/like`, { method: 'PUT', headers: { cookie: other } }), { params })
    const results = await Promise.all([like(), like(), like()])
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect((await prisma.publication.findUniqueOrThrow({ where: { id } })).likeCount).toBe(before + 1)
    const unlike = await likeRoute.DELETE(new Request(`http://t/api/gallery/${id}/like`, { method: 'DELETE', headers: { cookie: other } }), { params })
    expect(await unlike.json()).toMatchObject({ liked: false, likeCount: before })
    expect(await setLike(prisma, 'c' + 'z'.repeat(24), userId, true)).toBeNull()
    const anon = await likeRoute.PUT(new Request(`http://t/api/gallery/${id}/like`, { method: 'PUT' }), { params })
    expect(anon.status).toBe(401)
  })
})

describe('publishing', () => {
  it('limits titles and tags, and only the owner publishes', async () => {
    const { prisma } = await getDatabase()
    const art = await prisma.artwork.create({ data: { ownerId: userId, title: 'to publish', snapshot: emptyDocument() } })
    await prisma.version.create({ data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: userId, message: 'v1' } })
    const post = (body: unknown, who = cookie) =>
      publishRoute.POST(new Request(`http://t/api/artworks/${art.id}/publish`, { method: 'POST', headers: { cookie: who, 'content-type': 'application/json' }, body: JSON.stringify(body) }), { params: Promise.resolve({ id: art.id }) })
    expect((await post({ version: 1, title: 'x'.repeat(121) })).status).toBe(400)
    expect((await post({ version: 1, title: 'ok', tags: Array.from({ length: 9 }, (_, i) => `t${i}`) })).status).toBe(400)
    expect((await post({ version: 1, title: 'ok', tags: ['<script>'] })).status).toBe(400)
    expect((await post({ version: 7, title: 'ok' })).status).toBe(404)
    expect((await post({ version: 1, title: 'ok' }, await guestCookie('Thief'))).status).toBe(404)
    const ok = await post({ version: 1, title: '<i>Title</i>', tags: ['Smile', 'smile'] })
    expect(ok.status).toBe(201)
    const { publication } = (await ok.json()) as { publication: { id: string } }
    const stored = await getPublication(prisma, publication.id, null)
    expect(stored).toMatchObject({ title: '<i>Title</i>', tags: ['smile'] })
  })
})
