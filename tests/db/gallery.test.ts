// The gallery against the real database: keyset pages with no gaps or repeats (ties included),
// tag filter, unpublish, idempotent likes, bad input, one entry per version (concurrent publishes
// included), the studio's list of published pieces, lineage with permissions, piece metadata.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as galleryRoute from '../../app/api/gallery/route'
import * as likeRoute from '../../app/api/gallery/[id]/like/route'
import * as publishRoute from '../../app/api/artworks/[id]/publish/route'
import * as pieceRoute from '../../app/api/gallery/[id]/route'
import { pieceMetadata, publicOrigin } from '../../app/gallery/[id]/piece-metadata'
import { sessionUser } from '../../lib/auth/auth'
import { artworkRole } from '../../lib/auth/permissions'
import { emptyDocument } from '../../lib/canvas/document'
import { getLineage, getPublication, LINEAGE_DEPTH, listGallery, publishVersion, setLike, unpublish, type LineageNode } from '../../lib/db/gallery'
import { createArtworkWithBase, forkVersion } from '../../lib/db/versions'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
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

// the smallest valid PNG (1x1), standing for a rendered image
const PNG_1X1 = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'))

async function oneVersionArtwork(ownerId: string, title = 'art') {
  const { prisma } = await getDatabase()
  const art = await prisma.artwork.create({ data: { ownerId, title, snapshot: emptyDocument() } })
  await prisma.version.create({ data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: ownerId, message: 'v1' } })
  return art
}

const publishRequest = (artworkId: string, body: unknown, who: string) =>
  publishRoute.POST(new Request(`http://t/api/artworks/${artworkId}/publish`, { method: 'POST', headers: { cookie: who, 'content-type': 'application/json' }, body: JSON.stringify(body) }), {
    params: Promise.resolve({ id: artworkId }),
  })
const listRequest = (artworkId: string, who?: string) =>
  publishRoute.GET(new Request(`http://t/api/artworks/${artworkId}/publish`, { headers: who ? { cookie: who } : {} }), { params: Promise.resolve({ id: artworkId }) })

describe('one gallery entry per version', () => {
  it('publishing a published version updates its entry (200), never a second one', async () => {
    const { prisma } = await getDatabase()
    const art = await oneVersionArtwork(userId)
    const first = await publishRequest(art.id, { version: 1, title: 'First title', tags: ['a'] }, cookie)
    expect(first.status).toBe(201)
    const { publication, outcome } = (await first.json()) as { publication: { id: string }; outcome: string }
    expect(outcome).toBe('created')
    const again = await publishRequest(art.id, { version: 1, title: 'Better title', description: 'now with words', tags: ['b', 'c'] }, cookie)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ publication: { id: publication.id, title: 'Better title' }, outcome: 'updated' })
    const rows = await prisma.publication.findMany({ where: { artworkId: art.id } })
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ title: 'Better title', description: 'now with words', tags: ['b', 'c'], unpublishedAt: null })
  })

  it('concurrent publishes of one version end as one entry', async () => {
    const { prisma } = await getDatabase()
    for (let round = 0; round < 3; round++) {
      const art = await oneVersionArtwork(userId)
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => publishVersion(prisma, art.id, userId, { version: 1, title: `racer ${i}`, description: '', tags: [] })),
      )
      expect(new Set(results.map((r) => r!.id)).size).toBe(1)
      expect(results.filter((r) => r!.outcome === 'created')).toHaveLength(1)
      expect(await prisma.publication.count({ where: { artworkId: art.id } })).toBe(1)
    }
  })

  it('publishing an unpublished version brings its entry back (same id and likes); the database refuses a second live entry', async () => {
    const { prisma } = await getDatabase()
    const art = await oneVersionArtwork(userId)
    const pub = (await publishVersion(prisma, art.id, userId, { version: 1, title: 'once', description: '', tags: [] }))!
    await setLike(prisma, pub.id, userId, true)
    expect(await unpublish(prisma, pub.id, userId)).toBe(true)
    const back = (await publishVersion(prisma, art.id, userId, { version: 1, title: 'twice', description: '', tags: [] }))!
    expect(back).toMatchObject({ id: pub.id, title: 'twice', outcome: 'republished' })
    expect(await getPublication(prisma, pub.id, userId)).toMatchObject({ title: 'twice', likeCount: 1, liked: true })

    // a second live entry written past publishVersion is refused; a taken-down one is not
    const version = await prisma.version.findFirstOrThrow({ where: { artworkId: art.id } })
    const dup = { versionId: version.id, artworkId: art.id, authorId: userId, title: 'dup' }
    await expect(prisma.publication.create({ data: dup })).rejects.toMatchObject({ code: 'P2002' })
    await prisma.publication.create({ data: { ...dup, unpublishedAt: new Date() } })
    const kept = (await publishVersion(prisma, art.id, userId, { version: 1, title: 'thrice', description: '', tags: [] }))!
    expect(kept).toMatchObject({ id: pub.id, outcome: 'updated' })
    expect(await prisma.publication.count({ where: { artworkId: art.id, unpublishedAt: null } })).toBe(1)
  })
})

describe("the studio's list of published pieces", () => {
  it('lists live entries to the owner only, and unpublish through the API removes one', async () => {
    const art = await oneVersionArtwork(userId)
    const { prisma } = await getDatabase()
    await prisma.version.create({ data: { artworkId: art.id, number: 2, document: emptyDocument(), seq: 0, authorId: userId, message: 'v2' } })
    expect((await publishRequest(art.id, { version: 1, title: 'one' }, cookie)).status).toBe(201)
    const two = (await (await publishRequest(art.id, { version: 2, title: 'two', tags: ['x'] }, cookie)).json()) as { publication: { id: string } }
    const list = async (who?: string) => listRequest(art.id, who)
    const owned = (await (await list(cookie)).json()) as { publications: Array<{ id: string; title: string; version: number; tags: string[] }> }
    expect(owned.publications.map((p) => [p.title, p.version])).toEqual([
      ['two', 2],
      ['one', 1],
    ])
    expect(owned.publications[0]!.tags).toEqual(['x'])
    // a private artwork is not found for others, and not listed without a session
    expect((await list(await guestCookie('Stranger'))).status).toBe(404)
    expect((await list()).status).toBe(404)

    const del = (id: string, who: string) => pieceRoute.DELETE(new Request(`http://t/api/gallery/${id}`, { method: 'DELETE', headers: { cookie: who } }), { params: Promise.resolve({ id }) })
    expect((await del(two.publication.id, await guestCookie('Vandal'))).status).toBe(404)
    expect((await del(two.publication.id, cookie)).status).toBe(200)
    const after = (await (await list(cookie)).json()) as { publications: Array<{ title: string }> }
    expect(after.publications.map((p) => p.title)).toEqual(['one'])
  })
})

describe('lineage', () => {
  // A (Alice, published) <- B (Bob, private, not published) <- C (Carol, published) <- D (Alice: this
  // piece) <- E (Bob, private) and F (Carol, published): three forks up, two sibling remixes down.
  let alice: string, bob: string, carol: string
  let bobCookie: string
  const art: Record<string, string> = {}
  const pubs: Record<string, string> = {}
  let dVersionId: string

  beforeAll(async () => {
    const { prisma } = await getDatabase()
    alice = userId
    bobCookie = await guestCookie('Bob')
    bob = (await sessionUser(new Headers({ cookie: bobCookie })))!.id
    carol = (await sessionUser(new Headers({ cookie: await guestCookie('Carol') })))!.id
    const a = await createArtworkWithBase(prisma, { ownerId: alice, title: 'Root face', base: { png: PNG_1X1, width: 64, height: 64, provenance: { kind: 'gan', modelId: 'emoji-faces-64', checkpoint: 800, latent: [0.1, -0.2], truncation: 0.8, origin: 'sample', seed: 7 } } })
    art.A = a.id
    const fork = async (from: string, ownerId: string, title: string) => {
      const f = await forkVersion(prisma, { artworkId: from, number: 1, userId: ownerId })
      await prisma.artwork.update({ where: { id: f.id }, data: { title } })
      return f.id
    }
    art.B = await fork(art.A, bob, 'Bob secret sketch')
    art.C = await fork(art.B, carol, 'Carol artwork')
    art.D = await fork(art.C, alice, 'Alice remix')
    art.E = await fork(art.D, bob, 'Bob secret remix')
    art.F = await fork(art.D, carol, 'Carol remix')
    for (const [key, owner, title] of [
      ['A', alice, 'Root piece'],
      ['C', carol, 'Carol piece'],
      ['D', alice, 'This piece'],
      ['F', carol, 'Carol remix piece'],
    ] as const) {
      pubs[key] = (await publishVersion(prisma, art[key]!, owner, { version: 1, title, description: '', tags: [] }))!.id
    }
    dVersionId = (await getPublication(prisma, pubs.D!, null))!.versionId
  })

  const shown = (n: LineageNode) => (n.hidden ? 'hidden' : `${n.title} v${n.version} by ${n.author} -> ${n.href}`)

  it('walks the ancestors oldest first and lists the remixes, published ones linked to their pages', async () => {
    const { prisma } = await getDatabase()
    const lineage = await getLineage(prisma, dVersionId, null)
    expect(lineage.ancestors.map(shown)).toEqual([`Root piece v1 by Publisher -> /gallery/${pubs.A}`, 'hidden', `Carol piece v1 by Carol -> /gallery/${pubs.C}`])
    expect(lineage.truncated).toBe(false)
    expect(lineage.remixes.map(shown)).toEqual(['hidden', `Carol remix piece v1 by Carol -> /gallery/${pubs.F}`])
    expect(lineage.remixCount).toBe(2)
    // the published ones show their image; the private one shows nothing of itself
    expect(lineage.ancestors[0]!.thumbUrl).toMatch(/^\/api\/blobs\/[0-9a-f]{64}$/)
    expect(lineage.ancestors[1]).toMatchObject({ title: null, author: null, thumbUrl: null, href: null, version: null })
    expect(JSON.stringify(lineage)).not.toContain('secret')
    // the same through the public API
    const res = await pieceRoute.GET(new Request(`http://t/api/gallery/${pubs.D}`), { params: Promise.resolve({ id: pubs.D! }) })
    expect(JSON.stringify(await res.json())).not.toContain('secret')
  })

  it("shows a private artwork to its owner (linked to the studio), and agrees with the app's permission rule", async () => {
    const { prisma } = await getDatabase()
    const lineage = await getLineage(prisma, dVersionId, bob)
    expect(lineage.ancestors[1]).toMatchObject({ hidden: false, title: 'Bob secret sketch', author: 'Bob', href: `/studio/${art.B}` })
    expect(lineage.remixes[0]).toMatchObject({ hidden: false, title: 'Bob secret remix', href: `/studio/${art.E}` })
    // hidden exactly where artworkRole (lib/auth/permissions.ts) gives no access and nothing is published
    for (const viewer of [null, alice, bob, carol]) {
      const l = await getLineage(prisma, dVersionId, viewer)
      const nodes = [...l.ancestors.map((n, i) => [n, ['A', 'B', 'C'][i]!] as const), ...l.remixes.map((n, i) => [n, ['E', 'F'][i]!] as const)]
      for (const [node, key] of nodes) {
        const readable = (await artworkRole(prisma, art[key]!, viewer, null)) !== null
        expect(node.hidden, `${key} for ${viewer}`).toBe(!readable && !pubs[key])
      }
    }
    // a public artwork is readable by anyone
    await prisma.artwork.update({ where: { id: art.B }, data: { visibility: 'public' } })
    expect((await getLineage(prisma, dVersionId, null)).ancestors[1]).toMatchObject({ hidden: false, title: 'Bob secret sketch' })
    await prisma.artwork.update({ where: { id: art.B }, data: { visibility: 'private' } })
  })

  it('stops after LINEAGE_DEPTH ancestors and says there are more', async () => {
    const { prisma } = await getDatabase()
    let current = (await oneVersionArtwork(alice, 'gen 0')).id
    for (let i = 1; i <= LINEAGE_DEPTH + 2; i++) current = (await forkVersion(prisma, { artworkId: current, number: 1, userId: alice })).id
    const leaf = await prisma.version.findFirstOrThrow({ where: { artworkId: current, number: 1 } })
    const lineage = await getLineage(prisma, leaf.id, alice)
    expect(lineage.ancestors).toHaveLength(LINEAGE_DEPTH)
    expect(lineage.truncated).toBe(true)
    // the nearest ancestor comes last
    expect(lineage.ancestors.at(-1)!.title).toMatch(/\(fork\)$/)
    expect(lineage.remixes).toEqual([])
  })
})

describe('piece metadata', () => {
  const piece = { title: 'A face', description: '', author: 'Ada', imageUrl: '/api/blobs/' + 'a'.repeat(64) }
  const ogImage = (origin: URL) => {
    const meta = pieceMetadata(piece, origin)
    const images = meta.openGraph?.images
    const first = Array.isArray(images) ? images[0] : images
    const url = typeof first === 'object' && first !== null && 'url' in first ? String(first.url) : String(first)
    return new URL(url, meta.metadataBase ?? undefined).toString()
  }

  it('resolves og:image against the configured public URL', () => {
    const origin = publicOrigin(new Headers({ host: 'localhost:3000' }), { BETTER_AUTH_URL: 'https://ganvas.example/app/' })
    expect(origin.toString()).toBe('https://ganvas.example/')
    expect(ogImage(origin)).toBe(`https://ganvas.example/api/blobs/${'a'.repeat(64)}`)
  })

  it('falls back to the address the browser used, proxies included, and rejects junk hosts', () => {
    expect(publicOrigin(new Headers({ host: '127.0.0.1:3116' }), {}).toString()).toBe('http://127.0.0.1:3116/')
    expect(publicOrigin(new Headers({ host: 'internal:3000', 'x-forwarded-host': 'art.example, proxy', 'x-forwarded-proto': 'https,http' }), {}).toString()).toBe('https://art.example/')
    expect(publicOrigin(new Headers({ host: 'evil.example/path?x' }), { PORT: '4000' }).toString()).toBe('http://localhost:4000/')
    expect(publicOrigin(new Headers({ host: 'a.example', 'x-forwarded-proto': 'javascript' }), {}).toString()).toBe('http://localhost:3000/')
  })

  it('has a title and no image when the piece has none, and "Not found" for none', () => {
    expect(pieceMetadata({ ...piece, imageUrl: null }, new URL('https://x.example')).openGraph?.images).toEqual([])
    expect(pieceMetadata(null, new URL('https://x.example')).title).toBe('Not found')
  })
})

describe('a piece painted from a doodle', () => {
  it('shows the doodle and its colour hints from the published version, and nothing for a plain piece', async () => {
    const { prisma } = await getDatabase()
    const blob = `/api/blobs/${'a'.repeat(64)}`
    const provenance = { kind: 'doodle', modelId: 'doodles-64-hints', checkpoint: 25600, doodle: `/api/blobs/${'b'.repeat(64)}`, strokes: 2, hints: [{ x: 30.5, y: 22, color: '#1d4ed8' }] }
    const doc = { ...emptyDocument(), objects: { base: { id: 'base', type: 'image', left: 512, top: 512, angle: 0, scaleX: 1, scaleY: 1, opacity: 1, src: blob, width: 64, height: 64, locked: true, smooth: true, provenance } }, order: ['base'] }
    const art = await prisma.artwork.create({ data: { ownerId: userId, title: 'painted', snapshot: doc } })
    await prisma.version.create({ data: { artworkId: art.id, number: 1, document: doc, seq: 0, authorId: userId, message: 'v1' } })
    const pub = (await publishVersion(prisma, art.id, userId, { version: 1, title: 'Painted', description: '', tags: [] }))!
    const piece = await getPublication(prisma, pub.id, null)
    expect(piece?.paintedFrom).toEqual(provenance)
    const plain = await oneVersionArtwork(userId)
    const plainPub = (await publishVersion(prisma, plain.id, userId, { version: 1, title: 'Plain', description: '', tags: [] }))!
    expect((await getPublication(prisma, plainPub.id, null))?.paintedFrom).toBeNull()
  })
})
