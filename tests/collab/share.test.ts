// Share links over HTTP and sockets: only the owner manages them; a revoked link stops working at
// once, also for sockets that joined with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as shareRoute from '../../app/api/artworks/[id]/share/route'
import * as revokeRoute from '../../app/api/artworks/[id]/share/[linkId]/route'
import { sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import type { OpAck } from '../../lib/collab/protocol'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'
import { connectClient, join, nextEvent, startNode, type TestNode } from '../helpers/realtime'

let node: TestNode
let owner: string
let artworkId: string
beforeAll(async () => {
  node = await startNode()
  owner = await guestCookie('Owner')
  const ownerId = (await sessionUser(new Headers({ cookie: owner })))!.id
  const { prisma } = await getDatabase()
  artworkId = (await createArtwork(prisma, ownerId, 'Shared')).id
})
afterAll(async () => {
  await node.close()
  await closeDatabase()
})

const call = (method: string, url: string, cookie: string, body?: unknown) =>
  new Request(`http://127.0.0.1${url}`, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) })

describe('share links', () => {
  it('only the owner creates and lists them; tokens are 128-bit and unique', async () => {
    const params = Promise.resolve({ id: artworkId })
    const made = await shareRoute.POST(call('POST', `/api/artworks/${artworkId}/share`, owner, { role: 'edit' }), { params })
    expect(made.status).toBe(201)
    const { link } = (await made.json()) as { link: { token: string } }
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(16)
    const stranger = await guestCookie('Stranger')
    expect((await shareRoute.POST(call('POST', `/api/artworks/${artworkId}/share`, stranger, { role: 'edit' }), { params })).status).toBe(404)
    // even a collaborator with an edit link cannot mint links
    const viaLink = new Request(`http://127.0.0.1/api/artworks/${artworkId}/share?token=${link.token}`, { method: 'POST', headers: { cookie: stranger, 'content-type': 'application/json' }, body: '{"role":"edit"}' })
    expect((await shareRoute.POST(viaLink, { params })).status).toBe(403)
    expect((await shareRoute.POST(call('POST', `/api/artworks/${artworkId}/share`, owner, { role: 'admin' }), { params })).status).toBe(400)
    const list = (await (await shareRoute.GET(call('GET', `/api/artworks/${artworkId}/share`, owner), { params })).json()) as { links: unknown[] }
    expect(list.links.length).toBeGreaterThanOrEqual(1)
  })

  it('revoking a link evicts the sockets that joined with it and refuses their edits', async () => {
    const params = Promise.resolve({ id: artworkId })
    const { link } = (await (await shareRoute.POST(call('POST', `/api/artworks/${artworkId}/share`, owner, { role: 'edit' }), { params })).json()) as { link: { id: string; token: string } }
    const guest = await connectClient(node.url, await guestCookie('Guest'))
    const joined = await join(guest, { artworkId, token: link.token })
    expect(joined).toMatchObject({ ok: true, role: 'edit' })
    const rect = canvasObjectSchema.parse({ id: 'g1', type: 'rect', left: 1, top: 1, width: 5, height: 5 })
    const send = (id: string) => guest.timeout(5000).emitWithAck('op', { artworkId, opId: crypto.randomUUID(), op: { kind: 'add', objectId: id, data: { object: { ...rect, id } } } }) as Promise<OpAck>
    expect((await send('g1')).ok).toBe(true)

    const told = nextEvent<{ revoked: boolean }>(guest, 'access')
    const res = await revokeRoute.DELETE(call('DELETE', `/api/artworks/${artworkId}/share/${link.id}`, owner), { params: Promise.resolve({ id: artworkId, linkId: link.id }) })
    expect(await res.json()).toMatchObject({ revoked: true, evicted: 1 })
    expect((await told).revoked).toBe(true)
    expect(await send('g2')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await join(guest, { artworkId, token: link.token })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const { prisma } = await getDatabase()
    expect(await prisma.op.count({ where: { artworkId, objectId: 'g2' } })).toBe(0)
    guest.close()
  })
})
