// Versions, restore and fork against the real database (PostgreSQL in CI), through the same
// functions the route handlers call.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as versionsRoute from '../../app/api/artworks/[id]/versions/route'
import * as restoreRoute from '../../app/api/artworks/[id]/versions/[number]/restore/route'
import * as artworksRoute from '../../app/api/artworks/route'
import { sessionUser } from '../../lib/auth/auth'
import { canvasDocumentSchema } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { currentDocument } from '../../lib/collab/document-cache'
import { restoreVersion, saveVersion } from '../../lib/collab/history'
import { submitOp } from '../../lib/collab/op-writer'
import { blobKey } from '../../lib/db/blobs'
import { BASE_OBJECT_ID, createArtworkWithBase, forkVersion, listVersions, replayData } from '../../lib/db/versions'
import type { GanProvenance } from '../../lib/gan/provenance'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'

// the smallest valid PNG (1x1), plus a variant, to stand for rendered images
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const png = (tag: string) => new Uint8Array(Buffer.concat([PNG_1X1, Buffer.from(tag)]))
const provenance: GanProvenance = { kind: 'gan', modelId: 'emoji-faces-64', checkpoint: 800, latent: [0.1, -0.2, 0.3], truncation: 0.8, origin: 'sample', seed: 7 }
const rect = (id: string, left = 0) => canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 })

let cookie: string
let userId: string
beforeAll(async () => {
  cookie = await guestCookie('Painter')
  userId = (await sessionUser(new Headers({ cookie })))!.id
})
afterAll(async () => {
  await closeDatabase()
})

async function artworkWithBase() {
  const { prisma } = await getDatabase()
  return createArtworkWithBase(prisma, { ownerId: userId, title: 'Smile', base: { png: png('base'), width: 64, height: 64, provenance } })
}

async function edit(artworkId: string, op: Parameters<typeof submitOp>[1]['op']) {
  const { prisma } = await getDatabase()
  const r = await submitOp(prisma, { artworkId, authorId: userId, opId: randomUUID(), op })
  if (!r.ok) throw new Error(r.message)
}

describe('versions', () => {
  it('version 1 holds the base image as a locked bottom layer, with its provenance', async () => {
    const { id } = await artworkWithBase()
    const { prisma } = await getDatabase()
    const [v1] = await listVersions(prisma, id)
    expect(v1).toMatchObject({ number: 1, seq: 0, provenance, pngUrl: `/api/blobs/${blobKey(png('base'))}` })
    const { doc } = await currentDocument(prisma, id)
    expect(doc.order).toEqual([BASE_OBJECT_ID])
    expect(doc.objects[BASE_OBJECT_ID]).toMatchObject({ type: 'image', locked: true, scaleX: 16, scaleY: 16 })
  })

  it('saving stores the current document with the ops it includes, numbered after its parent', async () => {
    const { id } = await artworkWithBase()
    await edit(id, { kind: 'add', objectId: 'r1', data: { object: rect('r1') } })
    await edit(id, { kind: 'update', objectId: 'r1', data: { set: { left: 40 } } })
    const { prisma } = await getDatabase()
    const v2 = await saveVersion(prisma, { artworkId: id, authorId: userId, message: 'a red box', png: png('v2'), thumb: png('v2t') })
    expect(v2).toMatchObject({ number: 2, seq: 2 })
    const row = await prisma.version.findUniqueOrThrow({ where: { id: v2.id }, include: { parent: true } })
    expect(row.parent?.number).toBe(1)
    expect(canvasDocumentSchema.parse(row.document).objects.r1).toMatchObject({ left: 40 })
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id } })).headVersionId).toBe(v2.id)
  })

  it('restore makes a new version equal to the old one, through ops; history stays', async () => {
    const { id } = await artworkWithBase()
    await edit(id, { kind: 'add', objectId: 'r1', data: { object: rect('r1') } })
    const { prisma } = await getDatabase()
    await saveVersion(prisma, { artworkId: id, authorId: userId, message: 'box', png: png('b'), thumb: png('bt') })
    await edit(id, { kind: 'remove', objectId: BASE_OBJECT_ID, data: {} })
    const { version, ops } = await restoreVersion(prisma, (input) => submitOp(prisma, input), { artworkId: id, number: 1, authorId: userId })
    expect(version.number).toBe(3)
    expect(ops.map((o) => o.kind).sort()).toEqual(['add', 'remove'])
    const v1 = await prisma.version.findUniqueOrThrow({ where: { artworkId_number: { artworkId: id, number: 1 } } })
    expect((await currentDocument(prisma, id)).doc).toEqual(canvasDocumentSchema.parse(v1.document))
    expect((await listVersions(prisma, id)).map((v) => v.number)).toEqual([3, 2, 1])
    const replay = await replayData(prisma, id)
    expect(replay.ops.map((o) => o.seq)).toEqual([1, 2, 3, 4])
  })

  it('fork starts a new artwork of the caller from a version, with lineage and provenance', async () => {
    const { id } = await artworkWithBase()
    await edit(id, { kind: 'add', objectId: 'r1', data: { object: rect('r1', 5) } })
    const { prisma } = await getDatabase()
    await saveVersion(prisma, { artworkId: id, authorId: userId, message: 'v2', png: png('f'), thumb: png('ft') })
    const other = await guestCookie('Remixer')
    const otherId = (await sessionUser(new Headers({ cookie: other })))!.id
    const fork = await forkVersion(prisma, { artworkId: id, number: 2, userId: otherId })
    const art = await prisma.artwork.findUniqueOrThrow({ where: { id: fork.id }, include: { forkedFrom: true, versions: true } })
    expect(art.ownerId).toBe(otherId)
    expect(art.forkedFrom).toMatchObject({ artworkId: id, number: 2 })
    expect(art.versions[0]).toMatchObject({ number: 1, provenance })
    expect((await currentDocument(prisma, fork.id)).doc.objects.r1).toMatchObject({ left: 5 })
  })
})

describe('version routes', () => {
  const req = (url: string, body?: unknown, who = cookie) =>
    new Request(`http://127.0.0.1${url}`, body === undefined ? { headers: { cookie: who } } : { method: 'POST', body: JSON.stringify(body), headers: { cookie: who, 'content-type': 'application/json' } })

  it('creates an artwork on a base PNG, and rejects a base that is not a PNG', async () => {
    const ok = await artworksRoute.POST(req('/api/artworks', { title: 'From route', base: { png: Buffer.from(png('r')).toString('base64'), width: 64, height: 64, provenance } }), {})
    expect(ok.status).toBe(201)
    const fake = await artworksRoute.POST(req('/api/artworks', { title: 'Fake', base: { png: Buffer.from('GIF89a....').toString('base64'), width: 64, height: 64, provenance } }), {})
    expect(fake.status).toBe(415)
    const badProv = await artworksRoute.POST(req('/api/artworks', { title: 'Bad', base: { png: Buffer.from(png('x')).toString('base64'), width: 64, height: 64, provenance: { ...provenance, truncation: 9 } } }), {})
    expect(badProv.status).toBe(400)
  })

  it('only writers may save or restore; others get 404 and nothing changes', async () => {
    const { id } = await artworkWithBase()
    const stranger = await guestCookie('Stranger')
    const params = Promise.resolve({ id })
    const save = await versionsRoute.POST(req(`/api/artworks/${id}/versions`, { message: 'mine now', png: Buffer.from(png('s')).toString('base64'), thumb: Buffer.from(png('t')).toString('base64') }, stranger), { params })
    expect(save.status).toBe(404)
    const restore = await restoreRoute.POST(req(`/api/artworks/${id}/versions/1/restore`, {}, stranger), { params: Promise.resolve({ id, number: '1' }) })
    expect(restore.status).toBe(404)
    const list = await versionsRoute.GET(req(`/api/artworks/${id}/versions`), { params })
    expect(((await list.json()) as { versions: unknown[] }).versions).toHaveLength(1)
    const missing = await restoreRoute.POST(req(`/api/artworks/${id}/versions/99/restore`, {}), { params: Promise.resolve({ id, number: '99' }) })
    expect(missing.status).toBe(404)
  })
})
