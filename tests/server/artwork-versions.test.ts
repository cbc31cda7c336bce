// The version routes as the studio's history panel calls them, with real Requests against the
// real database: a collaborator who joined by a share link reaches them with the link's token
// (the X-Share-Token header), and no route stores a canvas document over the 5 MB limit.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as artworks from '../../app/api/artworks/route'
import * as share from '../../app/api/artworks/[id]/share/route'
import * as versions from '../../app/api/artworks/[id]/versions/route'
import * as restore from '../../app/api/artworks/[id]/versions/[number]/restore/route'
import * as fork from '../../app/api/artworks/[id]/versions/[number]/fork/route'
import * as replay from '../../app/api/artworks/[id]/replay/route'
import { sessionUser } from '../../lib/auth/auth'
import { documentBytes, MAX_DOCUMENT_BYTES, type CanvasDocument } from '../../lib/canvas/document'
import { canvasObjectSchema, type PathCommand } from '../../lib/canvas/objects'
import { parseOp, type CanvasOp } from '../../lib/canvas/ops'
import { currentDocument } from '../../lib/collab/document-cache'
import { submitOp } from '../../lib/collab/op-writer'
import { blobKey } from '../../lib/db/blobs'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { forgetProcessCaches } from '../helpers/ops'

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
/** a distinct PNG per call (the magic bytes are all the routes check), so its blob can be looked for */
const uniquePng = () => Buffer.concat([PNG_1X1, Buffer.from(randomUUID())])

let owner: string
beforeAll(async () => {
  owner = await guestCookie('Owner')
})
afterAll(async () => {
  await closeDatabase()
})

function request(url: string, opts: { body?: unknown; cookie?: string; token?: string } = {}) {
  const headers: Record<string, string> = {}
  if (opts.cookie) headers.cookie = opts.cookie
  if (opts.token) headers['x-share-token'] = opts.token
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  return new Request(`http://127.0.0.1${url}`, opts.body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(opts.body) })
}
const params = (id: string) => ({ params: Promise.resolve({ id }) })
const versionParams = (id: string, number: number) => ({ params: Promise.resolve({ id, number: String(number) }) })
const json = async <T>(res: Response) => (await res.json()) as T
const saveBody = (png = uniquePng()) => ({ message: 'from the history panel', png: png.toString('base64'), thumb: uniquePng().toString('base64') })

async function newArtwork(title: string): Promise<string> {
  const res = await artworks.POST(request('/api/artworks', { body: { title }, cookie: owner }), {})
  expect(res.status).toBe(201)
  return (await json<{ artwork: { id: string } }>(res)).artwork.id
}

async function shareLink(id: string, role: 'edit' | 'view'): Promise<string> {
  const res = await share.POST(request(`/api/artworks/${id}/share`, { body: { role }, cookie: owner }), params(id))
  expect(res.status).toBe(201)
  return (await json<{ link: { token: string } }>(res)).link.token
}

async function versionNumbers(id: string): Promise<number[]> {
  const res = await versions.GET(request(`/api/artworks/${id}/versions`, { cookie: owner }), params(id))
  return (await json<{ versions: Array<{ number: number }> }>(res)).versions.map((v) => v.number)
}

describe('version routes for a collaborator who joined by a share link', () => {
  it('an edit link lists, saves, restores, forks and replays with its token, and is a stranger without it', async () => {
    const id = await newArtwork('Shared')
    const token = await shareLink(id, 'edit')
    const guest = await guestCookie('Guest')

    // what the history panel did before: no token, so the API does not know the artwork is shared
    const blind = await versions.GET(request(`/api/artworks/${id}/versions`, { cookie: guest }), params(id))
    expect(blind.status).toBe(404)
    const blindSave = await versions.POST(request(`/api/artworks/${id}/versions`, { body: saveBody(), cookie: guest }), params(id))
    expect(blindSave.status).toBe(404)

    const list = await versions.GET(request(`/api/artworks/${id}/versions`, { cookie: guest, token }), params(id))
    expect(list.status).toBe(200)
    expect((await json<{ versions: Array<{ number: number; message: string }> }>(list)).versions).toMatchObject([{ number: 1, message: 'Blank canvas' }])

    const saved = await versions.POST(request(`/api/artworks/${id}/versions`, { body: saveBody(), cookie: guest, token }), params(id))
    expect(saved.status).toBe(201)
    expect((await json<{ version: { number: number } }>(saved)).version.number).toBe(2)

    const restored = await restore.POST(request(`/api/artworks/${id}/versions/1/restore`, { body: {}, cookie: guest, token }), versionParams(id, 1))
    expect(restored.status).toBe(201)
    expect(await versionNumbers(id)).toEqual([3, 2, 1])

    const forked = await fork.POST(request(`/api/artworks/${id}/versions/2/fork`, { body: {}, cookie: guest, token }), versionParams(id, 2))
    expect(forked.status).toBe(201)
    const forkId = (await json<{ artwork: { id: string } }>(forked)).artwork.id
    const { prisma } = await getDatabase()
    const guestId = (await sessionUser(new Headers({ cookie: guest })))!.id
    expect((await prisma.artwork.findUniqueOrThrow({ where: { id: forkId } })).ownerId).toBe(guestId)

    expect((await replay.GET(request(`/api/artworks/${id}/replay`, { cookie: guest, token }), params(id))).status).toBe(200)
  })

  it('a view link reads the history but cannot save or restore', async () => {
    const id = await newArtwork('Look only')
    const token = await shareLink(id, 'view')
    const viewer = await guestCookie('Viewer')
    const list = await versions.GET(request(`/api/artworks/${id}/versions`, { cookie: viewer, token }), params(id))
    expect(list.status).toBe(200)
    const save = await versions.POST(request(`/api/artworks/${id}/versions`, { body: saveBody(), cookie: viewer, token }), params(id))
    expect(save.status).toBe(403)
    const back = await restore.POST(request(`/api/artworks/${id}/versions/1/restore`, { body: {}, cookie: viewer, token }), versionParams(id, 1))
    expect(back.status).toBe(403)
    expect(await versionNumbers(id)).toEqual([1])
    // a view link shows a private artwork, it does not hand out copies of it (issue 22)
    const { prisma } = await getDatabase()
    const artworksBefore = await prisma.artwork.count()
    const copy = await fork.POST(request(`/api/artworks/${id}/versions/1/fork`, { body: {}, cookie: viewer, token }), versionParams(id, 1))
    expect(copy.status).toBe(403)
    expect(await prisma.artwork.count()).toBe(artworksBefore)
    // once the owner makes it public, anyone who can see it may fork it
    await prisma.artwork.update({ where: { id }, data: { visibility: 'public' } })
    expect((await fork.POST(request(`/api/artworks/${id}/versions/1/fork`, { body: {}, cookie: viewer }), versionParams(id, 1))).status).toBe(201)
  })
})

/** A freehand stroke as large as one op may be (lib/canvas/ops.ts' per-op limit). */
function bigStroke(id: string): CanvasOp {
  const path: PathCommand[] = [['M', 0, 0]]
  for (let i = 1; i < 11_000; i++) path.push(['L', 100 + (i % 800) + 0.25, 100 + Math.floor(i / 800) + 0.75])
  const object = canvasObjectSchema.parse({ id, type: 'path', brush: 'pencil', stroke: '#ff00ff', strokeWidth: 4, left: 500, top: 110, path })
  const parsed = parseOp({ kind: 'add', objectId: id, data: { object } })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.op
}

describe('documents over 5 MB', () => {
  it('saving a version of a canvas over 5 MB answers 413 and stores nothing, not even the PNGs', async () => {
    const id = await newArtwork('Heavy')
    const { prisma } = await getDatabase()
    const ownerId = (await sessionUser(new Headers({ cookie: owner })))!.id
    // the op log stops a canvas at 5 MB now; one grown past it before that (ops within their own
    // limit that add up to more), put straight into the table
    const ops: CanvasOp[] = []
    for (let size = 0; size <= MAX_DOCUMENT_BYTES + 300_000; size += 200_000) ops.push(bigStroke(`s${ops.length}`))
    await prisma.$transaction([
      prisma.op.createMany({
        data: ops.map((op, i) => ({ artworkId: id, seq: i + 1, opId: randomUUID(), authorId: ownerId, kind: op.kind, objectId: op.objectId, payload: op.data })),
      }),
      prisma.artwork.update({ where: { id }, data: { seq: ops.length } }),
    ])
    forgetProcessCaches()
    const doc: CanvasDocument = (await currentDocument(prisma, id)).doc
    expect(documentBytes(doc)).toBeGreaterThan(MAX_DOCUMENT_BYTES)
    // such a canvas takes no more growth over the socket
    expect(await submitOp(prisma, { artworkId: id, authorId: ownerId, opId: randomUUID(), op: bigStroke('one-more') })).toMatchObject({ ok: false, code: 'rejected' })
    const png = uniquePng()
    const res = await versions.POST(request(`/api/artworks/${id}/versions`, { body: saveBody(png), cookie: owner }), params(id))
    expect(res.status).toBe(413)
    const { error } = await json<{ error: { code: string; message: string } }>(res)
    expect(error.code).toBe('too_large')
    expect(error.message).toMatch(/over the 5 MB limit/)
    expect(await versionNumbers(id)).toEqual([1])
    expect(await prisma.blob.findUnique({ where: { key: blobKey(png) } })).toBeNull()

    // restoring a small version is the way back; then saving works again
    const back = await restore.POST(request(`/api/artworks/${id}/versions/1/restore`, { body: {}, cookie: owner }), versionParams(id, 1))
    expect(back.status).toBe(201)
    const again = await versions.POST(request(`/api/artworks/${id}/versions`, { body: saveBody(), cookie: owner }), params(id))
    expect(again.status).toBe(201)
    expect(await versionNumbers(id)).toEqual([3, 2, 1])
  })

  it('restoring or forking a stored version over 5 MB answers 413 and writes no op, version or artwork', async () => {
    const id = await newArtwork('Legacy')
    const { prisma } = await getDatabase()
    const ownerId = (await sessionUser(new Headers({ cookie: owner })))!.id
    // a version stored before the limit existed: put straight into the table
    const doc = (await currentDocument(prisma, id)).doc
    for (let i = 0; documentBytes(doc) <= MAX_DOCUMENT_BYTES; i++) {
      const op = bigStroke(`s${i}`)
      if (op.kind !== 'add') throw new Error('expected an add')
      doc.objects[op.objectId] = op.data.object
      doc.order.push(op.objectId)
    }
    await prisma.version.create({ data: { artworkId: id, number: 2, document: doc, seq: 0, authorId: ownerId, message: 'huge' } })
    const before = await prisma.artwork.findUniqueOrThrow({ where: { id }, select: { seq: true } })
    const ownedBefore = await prisma.artwork.count({ where: { ownerId } })

    const back = await restore.POST(request(`/api/artworks/${id}/versions/2/restore`, { body: {}, cookie: owner }), versionParams(id, 2))
    expect(back.status).toBe(413)
    expect((await json<{ error: { code: string } }>(back)).error.code).toBe('too_large')
    const forked = await fork.POST(request(`/api/artworks/${id}/versions/2/fork`, { body: {}, cookie: owner }), versionParams(id, 2))
    expect(forked.status).toBe(413)

    expect(await prisma.artwork.findUniqueOrThrow({ where: { id }, select: { seq: true } })).toEqual(before)
    expect(await prisma.op.count({ where: { artworkId: id } })).toBe(0)
    expect(await versionNumbers(id)).toEqual([2, 1])
    expect(await prisma.artwork.count({ where: { ownerId } })).toBe(ownedBefore)
  })
})

describe('an artwork on an upscaled base image', () => {
  const provenance = { kind: 'gan', modelId: 'emoji-faces-64', checkpoint: 16000, latent: [0.1, -0.2], truncation: 0.8, origin: 'sample', upscaler: { modelId: 'emoji-upscaler-4x', step: 4000 } }

  it('keeps the 64-px original as the base layer\'s pixels, the 256-px enlargement as its picture', async () => {
    const big = uniquePng()
    const small = uniquePng()
    const res = await artworks.POST(request('/api/artworks', { body: { title: 'Crisp', base: { png: big.toString('base64'), width: 256, height: 256, provenance, pixels: { png: small.toString('base64'), width: 64, height: 64 } } }, cookie: owner }), {})
    expect(res.status).toBe(201)
    const { artwork } = await json<{ artwork: { id: string } }>(res)
    const data = await json<{ base: CanvasDocument }>(await replay.GET(request(`/api/artworks/${artwork.id}/replay`, { cookie: owner }), params(artwork.id)))
    const base = canvasObjectSchema.parse(data.base.objects.base)
    if (base.type !== 'image') throw new Error('no base image')
    expect(base).toMatchObject({ width: 256, height: 256, src: `/api/blobs/${blobKey(big)}`, pixels: { src: `/api/blobs/${blobKey(small)}`, width: 64, height: 64 } })
    expect(base.scaleX * base.width).toBe(data.base.width) // fills the canvas
    const { prisma } = await getDatabase()
    expect((await prisma.version.findFirstOrThrow({ where: { artworkId: artwork.id, number: 1 } })).provenance).toMatchObject({ upscaler: { modelId: 'emoji-upscaler-4x', step: 4000 } })
  })

  it('refuses an original that is not a PNG or too large, storing nothing', async () => {
    const { prisma } = await getDatabase()
    const before = await prisma.artwork.count()
    const notPng = await artworks.POST(request('/api/artworks', { body: { title: 'Bad', base: { png: uniquePng().toString('base64'), width: 256, height: 256, provenance, pixels: { png: Buffer.from('GIF89a').toString('base64'), width: 64, height: 64 } } }, cookie: owner }), {})
    expect(notPng.status).toBe(415)
    const huge = await artworks.POST(request('/api/artworks', { body: { title: 'Bad', base: { png: uniquePng().toString('base64'), width: 256, height: 256, provenance, pixels: { png: Buffer.alloc(1_500_000).toString('base64'), width: 64, height: 64 } } }, cookie: owner }), {})
    expect(huge.status).toBe(400)
    expect(await prisma.artwork.count()).toBe(before)
  })
})
