// A guest with studio tabs open signs up in another tab: the open sockets, on whichever node they
// are connected to, become the account's (EVENTS.identity), keep editing (their ops are stored as
// the account's), and the room sees the new name. Real sockets, two nodes through Redis.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { getAuth, sessionUser } from '../../lib/auth/auth'
import { createArtwork } from '../../lib/db/artworks'
import { getDatabase } from '../../lib/db/process-database'
import { EVENTS, type Member, type OpAck, type SocketUser } from '../../lib/collab/protocol'
import { guestCookie, emailCookie } from '../helpers/auth'
import { addRect } from '../helpers/ops'
import { join, nextEvent, twoRedisNodes } from '../helpers/realtime'

const nodes = twoRedisNodes()

describe('a guest who signs up while editing', () => {
  it('keeps editing as the account on every node, and the room shows the new name', async () => {
    const { prisma } = await getDatabase()
    const olgaCookie = await emailCookie(`olga-${randomUUID()}@test.invalid`, 'correct horse battery', 'Olga')
    const olga = (await sessionUser(new Headers({ cookie: olgaCookie })))!
    const olgas = await createArtwork(prisma, olga.id, "Olga's")
    const token = `edit-${olgas.id}`
    await prisma.shareLink.create({ data: { artworkId: olgas.id, token, role: 'edit', createdById: olga.id } })

    const guestCookieHeader = await guestCookie('Teal Otter')
    const guest = (await sessionUser(new Headers({ cookie: guestCookieHeader })))!
    const own = await createArtwork(prisma, guest.id, 'Guest piece')

    // the guest: its own artwork on node A, Olga's (through her link) on node B; Olga watches on A
    const ownTab = await nodes.connect(nodes.a, guestCookieHeader)
    const sharedTab = await nodes.connect(nodes.b, guestCookieHeader)
    const olgaTab = await nodes.connect(nodes.a, olgaCookie)
    expect(await join(ownTab, { artworkId: own.id })).toMatchObject({ ok: true, role: 'owner' })
    expect(await join(olgaTab, { artworkId: olgas.id })).toMatchObject({ ok: true, role: 'owner' })
    expect(await join(sharedTab, { artworkId: olgas.id, token })).toMatchObject({ ok: true, role: 'edit' })

    // sign up in "another tab": an HTTP request with the guest's cookie
    const toldOwn = nextEvent<SocketUser>(ownTab, EVENTS.identity)
    const toldShared = nextEvent<SocketUser>(sharedTab, EVENTS.identity)
    const auth = await getAuth()
    const res = await auth.api.signUpEmail({
      headers: new Headers({ cookie: guestCookieHeader }),
      body: { email: `ada-${randomUUID()}@test.invalid`, password: 'correct horse battery', name: 'Ada' },
      asResponse: true,
    })
    expect(res.status).toBe(200)
    const ada = await prisma.user.findFirstOrThrow({ where: { name: 'Ada', isAnonymous: false }, orderBy: { createdAt: 'desc' } })
    expect(await toldOwn).toEqual({ id: ada.id, name: 'Ada', isGuest: false })
    expect(await toldShared).toEqual({ id: ada.id, name: 'Ada', isGuest: false })
    expect(await prisma.user.findUnique({ where: { id: guest.id } })).toBeNull()

    // the client rejoins on that event (lib/collab/client.ts): the room hears the new name
    const presence = nextEvent<{ members: Member[] }>(olgaTab, EVENTS.presence)
    expect(await join(sharedTab, { artworkId: olgas.id, token })).toMatchObject({ ok: true, role: 'edit' })
    expect((await presence).members.map((m) => m.name).sort()).toEqual(['Ada', 'Olga'])
    expect(await join(ownTab, { artworkId: own.id })).toMatchObject({ ok: true, role: 'owner' })

    // and both tabs go on editing, as Ada
    for (const [tab, artworkId] of [
      [ownTab, own.id],
      [sharedTab, olgas.id],
    ] as const) {
      const opId = randomUUID()
      const ack = (await tab.timeout(10_000).emitWithAck(EVENTS.op, { artworkId, opId, op: addRect(`after-${artworkId}`) })) as OpAck
      expect(ack.ok).toBe(true)
      expect(await prisma.op.findUniqueOrThrow({ where: { opId }, select: { authorId: true } })).toEqual({ authorId: ada.id })
    }
  })
})
