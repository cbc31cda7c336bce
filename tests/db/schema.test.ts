// The data model's guarantees, checked on the real database: op order and idempotency keys,
// version numbering, content-addressed blobs, one like per user, cascades.
import { randomUUID, createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArtwork } from '../../lib/db/artworks'
import type { Database } from '../../lib/db/client'
import { emptyDocument } from '../../lib/canvas/document'
import { openDatabase } from '../../lib/db/client'
import { createTestUser, usingPostgres } from '../helpers/db'

// The same guarantees on both databases the app runs on: the embedded default and PostgreSQL.
const targets = [
  { name: 'PGlite (embedded default)', url: 'pglite:memory' },
  ...(usingPostgres() ? [{ name: 'PostgreSQL', url: process.env.DATABASE_URL as string }] : []),
]

const op = (artworkId: string, authorId: string, seq: number, opId = randomUUID()) => ({
  artworkId,
  authorId,
  seq,
  opId,
  kind: 'add' as const,
  objectId: `obj${seq}`,
  payload: { id: `obj${seq}`, type: 'rect' },
})

describe.each(targets)('schema constraints on $name', ({ url }) => {
  let db: Database
  beforeAll(async () => {
    db = await openDatabase({ url, poolSize: 4 })
  })
  afterAll(async () => {
    await db.close()
  })

  it('a new artwork starts with an empty canvas at seq 0', async () => {
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Blank')
    const row = await db.prisma.artwork.findUniqueOrThrow({ where: { id: art.id } })
    expect(row.seq).toBe(0)
    expect(row.snapshot).toEqual(emptyDocument())
    expect(row.visibility).toBe('private')
  })

  it('op seq is unique per artwork, and opId is unique everywhere', async () => {
    const user = await createTestUser(db)
    const a = await createArtwork(db.prisma, user.id, 'A')
    const b = await createArtwork(db.prisma, user.id, 'B')
    await db.prisma.op.create({ data: op(a.id, user.id, 1) })
    await db.prisma.op.create({ data: op(b.id, user.id, 1) }) // same seq, other artwork: fine
    await expect(db.prisma.op.create({ data: op(a.id, user.id, 1) })).rejects.toMatchObject({ code: 'P2002' })
    const opId = randomUUID()
    await db.prisma.op.create({ data: op(a.id, user.id, 2, opId) })
    await expect(db.prisma.op.create({ data: op(b.id, user.id, 2, opId) })).rejects.toMatchObject({ code: 'P2002' })
    expect(await db.prisma.op.count({ where: { artworkId: a.id } })).toBe(2)
  })

  it('version numbers are unique per artwork and versions point at content-addressed blobs', async () => {
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Versions')
    const bytes = Buffer.from(`png-bytes-${randomUUID()}`)
    const key = createHash('sha256').update(bytes).digest('hex')
    await db.prisma.blob.create({ data: { key, contentType: 'image/png', size: bytes.length, bytes } })
    await expect(db.prisma.blob.create({ data: { key, contentType: 'image/png', size: bytes.length, bytes } })).rejects.toMatchObject({ code: 'P2002' })
    const v1 = await db.prisma.version.create({
      data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: user.id, message: 'base', pngKey: key },
    })
    await expect(
      db.prisma.version.create({ data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: user.id, message: 'dup' } }),
    ).rejects.toMatchObject({ code: 'P2002' })
    const stored = await db.prisma.blob.findUniqueOrThrow({ where: { key } })
    expect(Buffer.from(stored.bytes).equals(bytes)).toBe(true)
    // a fork records the version it came from: the lineage
    const fork = await db.prisma.artwork.create({
      data: { ownerId: user.id, title: 'Fork', snapshot: emptyDocument(), forkedFromId: v1.id },
    })
    expect((await db.prisma.version.findUniqueOrThrow({ where: { id: v1.id }, include: { forks: true } })).forks.map((f) => f.id)).toEqual([fork.id])
  })

  it('one like per user and publication', async () => {
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Liked')
    const v = await db.prisma.version.create({
      data: { artworkId: art.id, number: 1, document: emptyDocument(), seq: 0, authorId: user.id, message: 'v1' },
    })
    const pub = await db.prisma.publication.create({
      data: { versionId: v.id, artworkId: art.id, authorId: user.id, title: 'Liked', tags: ['face', 'smile'] },
    })
    await db.prisma.like.create({ data: { userId: user.id, publicationId: pub.id } })
    await expect(db.prisma.like.create({ data: { userId: user.id, publicationId: pub.id } })).rejects.toMatchObject({ code: 'P2002' })
    const tagged = await db.prisma.publication.findMany({ where: { tags: { has: 'smile' }, id: pub.id } })
    expect(tagged).toHaveLength(1)
  })

  it('deleting an artwork removes its ops, versions and share links', async () => {
    const user = await createTestUser(db)
    const art = await createArtwork(db.prisma, user.id, 'Doomed')
    await db.prisma.op.create({ data: op(art.id, user.id, 1) })
    await db.prisma.shareLink.create({ data: { artworkId: art.id, token: randomUUID().replace(/-/g, ''), role: 'view', createdById: user.id } })
    await db.prisma.artwork.delete({ where: { id: art.id } })
    expect(await db.prisma.op.count({ where: { artworkId: art.id } })).toBe(0)
    expect(await db.prisma.shareLink.count({ where: { artworkId: art.id } })).toBe(0)
  })
})
