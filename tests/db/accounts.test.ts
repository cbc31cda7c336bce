// "Sign up to keep your work" must keep it: a guest's artworks, versions, ops (also in other
// people's artworks), share links, likes and ratings move to the account they sign up with or
// sign in to, through the real auth library's link hook; and deleting any user leaves other
// people's artworks whole. On both databases the app runs on.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuth, type Auth } from '../../lib/auth/auth'
import { artworkRole } from '../../lib/auth/permissions'
import type { Database } from '../../lib/db/client'
import { openDatabase } from '../../lib/db/client'
import { authorLabel, mergeGuestIntoAccount, MergeRefusedError } from '../../lib/db/accounts'
import { createArtwork } from '../../lib/db/artworks'
import { publishVersion, setLike } from '../../lib/db/gallery'
import { upsertRating, listRatings } from '../../lib/db/ratings'
import { createShareLink } from '../../lib/db/share-links'
import { saveVersion } from '../../lib/collab/history'
import { listVersions } from '../../lib/db/versions'
import { submitOp } from '../../lib/collab/op-writer'
import { addRect, storedOp } from '../helpers/ops'
import { usingPostgres } from '../helpers/db'

const targets = [
  { name: 'PGlite (embedded default)', url: 'pglite:memory' },
  ...(usingPostgres() ? [{ name: 'PostgreSQL', url: process.env.DATABASE_URL as string }] : []),
]

const SECRET = 'test-secret-for-vitest-only-0123456789abcdef'
const latent = (seed: number) => Array.from({ length: 8 }, (_, i) => Math.sin(seed * 31 + i))

function cookieFrom(res: Response): string {
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0])
  if (!cookies.length) throw new Error(`no session cookie (status ${res.status})`)
  return cookies.join('; ')
}

describe.each(targets)('a guest who gets an account keeps their work, on $name', ({ url }) => {
  let db: Database
  let auth: Auth
  const linked: Array<{ guestId: string; to: { id: string; name: string } }> = []

  beforeAll(async () => {
    db = await openDatabase({ url, poolSize: 4 })
    auth = createAuth(db.prisma, SECRET, { onGuestLinked: (guestId, to) => linked.push({ guestId, to }) })
  })
  afterAll(async () => {
    await db.close()
  })

  const userOf = async (cookie: string) => {
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) })
    if (!session) throw new Error('no session')
    return session.user
  }
  const newGuest = async () => {
    const cookie = cookieFrom(await auth.api.signInAnonymous({ headers: new Headers(), asResponse: true }))
    return { cookie, id: (await userOf(cookie)).id }
  }
  const newAccount = async (name: string) => {
    const email = `${name.toLowerCase()}-${randomUUID()}@test.invalid`
    const res = await auth.api.signUpEmail({ body: { email, password: 'correct horse battery', name }, asResponse: true })
    expect(res.status).toBe(200)
    const cookie = cookieFrom(res)
    return { email, cookie, id: (await userOf(cookie)).id }
  }

  /** Olga owns a piece and publishes it; the guest makes art of their own and edits Olga's through a link. */
  async function guestAtWork(guestId: string, olgaId: string) {
    const { prisma } = db
    const olgas = await createArtwork(prisma, olgaId, "Olga's piece")
    storedOp(await submitOp(prisma, { artworkId: olgas.id, authorId: olgaId, opId: randomUUID(), op: addRect('olga-1') }))
    await saveVersion(prisma, { artworkId: olgas.id, authorId: olgaId, message: 'Olga v1', png: null, thumb: null })
    const pub = await publishVersion(prisma, olgas.id, olgaId, { version: 1, title: 'Olga in the gallery', description: '', tags: [] })
    if (!pub) throw new Error('not published')
    await createShareLink(prisma, olgas.id, olgaId, 'edit')

    const mine = await createArtwork(prisma, guestId, 'Guest piece')
    for (const id of ['g-1', 'g-2']) storedOp(await submitOp(prisma, { artworkId: mine.id, authorId: guestId, opId: randomUUID(), op: addRect(id) }))
    await saveVersion(prisma, { artworkId: mine.id, authorId: guestId, message: 'guest v1', png: null, thumb: null })
    storedOp(await submitOp(prisma, { artworkId: mine.id, authorId: guestId, opId: randomUUID(), op: addRect('g-3', 20) }))
    await saveVersion(prisma, { artworkId: mine.id, authorId: guestId, message: 'guest v2', png: null, thumb: null })
    await createShareLink(prisma, mine.id, guestId, 'view')
    // in Olga's artwork, through her edit link
    storedOp(await submitOp(prisma, { artworkId: olgas.id, authorId: guestId, opId: randomUUID(), op: addRect('guest-in-olgas', 40) }))
    await saveVersion(prisma, { artworkId: olgas.id, authorId: guestId, message: 'guest edit in Olga v2', png: null, thumb: null })
    await setLike(prisma, pub.id, guestId, true)
    await upsertRating(prisma, guestId, { modelId: 'emoji-faces-64', checkpoint: 100, latent: latent(1), liked: true, steered: false })
    return { olgas, mine, pubId: pub.id }
  }

  /** Every row a user owns or wrote, by kind. */
  async function holdings(userId: string) {
    const { prisma } = db
    return {
      artworks: await prisma.artwork.count({ where: { ownerId: userId } }),
      versions: await prisma.version.count({ where: { authorId: userId } }),
      ops: await prisma.op.count({ where: { authorId: userId } }),
      shareLinks: await prisma.shareLink.count({ where: { createdById: userId } }),
      publications: await prisma.publication.count({ where: { authorId: userId } }),
      likes: await prisma.like.count({ where: { userId } }),
      ratings: await prisma.rating.count({ where: { userId } }),
    }
  }
  /** One artwork's whole history, author by author. */
  async function history(artworkId: string) {
    const { prisma } = db
    return {
      ops: await prisma.op.findMany({ where: { artworkId }, orderBy: { seq: 'asc' }, select: { seq: true, opId: true, objectId: true, authorId: true } }),
      versions: await prisma.version.findMany({ where: { artworkId }, orderBy: { number: 'asc' }, select: { number: true, message: true, authorId: true, seq: true } }),
    }
  }

  it('signing up moves everything the guest made to the new account, in their own and in others\' artworks', async () => {
    const olga = await newAccount('Olga')
    const guest = await newGuest()
    const { olgas, mine, pubId } = await guestAtWork(guest.id, olga.id)
    const before = await holdings(guest.id)
    expect(before).toEqual({ artworks: 1, versions: 3, ops: 4, shareLinks: 1, publications: 0, likes: 1, ratings: 1 })
    const olgaBefore = await holdings(olga.id)
    const historyBefore = { olgas: await history(olgas.id), mine: await history(mine.id) }
    const likeCountBefore = (await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount

    // "Sign up to keep your work", with the guest's cookie
    const res = await auth.api.signUpEmail({
      headers: new Headers({ cookie: guest.cookie }),
      body: { email: `ada-${randomUUID()}@test.invalid`, password: 'correct horse battery', name: 'Ada' },
      asResponse: true,
    })
    expect(res.status).toBe(200)
    const ada = await userOf(cookieFrom(res))
    expect(ada.id).not.toBe(guest.id)

    expect(await db.prisma.user.findUnique({ where: { id: guest.id } })).toBeNull()
    expect(await db.prisma.session.count({ where: { userId: guest.id } })).toBe(0)
    expect(await holdings(guest.id)).toEqual({ artworks: 0, versions: 0, ops: 0, shareLinks: 0, publications: 0, likes: 0, ratings: 0 })
    expect(await holdings(ada.id)).toEqual(before)
    // Olga's own rows and both artworks' histories: the same rows, only the guest's authorship renamed
    expect(await holdings(olga.id)).toEqual(olgaBefore)
    const rename = <T extends { authorId: string | null }>(rows: T[]) => rows.map((r) => ({ ...r, authorId: r.authorId === guest.id ? ada.id : r.authorId }))
    expect(await history(olgas.id)).toEqual({ ops: rename(historyBefore.olgas.ops), versions: rename(historyBefore.olgas.versions) })
    expect(await history(mine.id)).toEqual({ ops: rename(historyBefore.mine.ops), versions: rename(historyBefore.mine.versions) })
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount).toBe(likeCountBefore)
    // the artwork's URL still opens, now as the account's, and its history names the account
    expect(await artworkRole(db.prisma, mine.id, ada.id)).toBe('owner')
    expect((await listVersions(db.prisma, mine.id)).map((v) => v.author)).toEqual(['Ada', 'Ada'])
    expect(linked).toContainEqual({ guestId: guest.id, to: { id: ada.id, name: 'Ada', isGuest: false } })
  })

  it('signing in to an existing account merges, keeping one like and the newer rating where both had one', async () => {
    const olga = await newAccount('Olga')
    const bea = await newAccount('Bea')
    const guest = await newGuest()
    const { pubId, mine } = await guestAtWork(guest.id, olga.id)
    // Bea liked the same piece and rated the same sample earlier (the guest's rating is newer),
    // and rated another sample after the guest did
    await setLike(db.prisma, pubId, bea.id, true)
    const countBefore = (await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount
    expect(countBefore).toBe(2)
    await db.prisma.rating.create({
      data: { userId: bea.id, modelId: 'emoji-faces-64', checkpoint: 50, latent: [], latentHash: (await db.prisma.rating.findFirstOrThrow({ where: { userId: guest.id } })).latentHash, liked: false, updatedAt: new Date(Date.now() - 60_000) },
    })
    await upsertRating(db.prisma, bea.id, { modelId: 'emoji-faces-64', checkpoint: 100, latent: latent(2), liked: false, steered: false })
    const guestBefore = await holdings(guest.id)
    const beaBefore = await holdings(bea.id)

    const res = await auth.api.signInEmail({ headers: new Headers({ cookie: guest.cookie }), body: { email: bea.email, password: 'correct horse battery' }, asResponse: true })
    expect(res.status).toBe(200)
    expect((await userOf(cookieFrom(res))).id).toBe(bea.id)

    expect(await db.prisma.user.findUnique({ where: { id: guest.id } })).toBeNull()
    const after = await holdings(bea.id)
    expect(after).toEqual({
      artworks: beaBefore.artworks + guestBefore.artworks,
      versions: beaBefore.versions + guestBefore.versions,
      ops: beaBefore.ops + guestBefore.ops,
      shareLinks: beaBefore.shareLinks + guestBefore.shareLinks,
      publications: beaBefore.publications + guestBefore.publications,
      likes: 1, // both liked the piece: one like
      ratings: 2, // the shared sample once, plus Bea's other one
    })
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount).toBe(countBefore - 1)
    const ratings = await listRatings(db.prisma, bea.id, 'emoji-faces-64')
    expect(ratings.map((r) => ({ liked: r.liked, checkpoint: r.checkpoint })).sort((a, b) => a.checkpoint - b.checkpoint)).toEqual([
      { liked: false, checkpoint: 100 }, // Bea's other sample
      { liked: true, checkpoint: 100 }, // the shared sample: the guest's newer like won over Bea's older dislike
    ])
    expect(await artworkRole(db.prisma, mine.id, bea.id)).toBe('owner')
  })

  it('a guest who signs in again as a guest, or a retried merge, changes nothing; a real account is never merged away', async () => {
    const a = await newAccount('Cy')
    const b = await newAccount('Di')
    const art = await createArtwork(db.prisma, b.id, "Di's")
    await expect(mergeGuestIntoAccount(db.prisma, b.id, a.id)).rejects.toBeInstanceOf(MergeRefusedError)
    expect(await artworkRole(db.prisma, art.id, b.id)).toBe('owner')
    await expect(mergeGuestIntoAccount(db.prisma, a.id, a.id)).rejects.toBeInstanceOf(MergeRefusedError)
    // the guest was merged before (or never existed): nothing to do
    expect(await mergeGuestIntoAccount(db.prisma, randomUUID(), a.id)).toBeNull()
    await expect(mergeGuestIntoAccount(db.prisma, (await newGuest()).id, randomUUID())).rejects.toBeInstanceOf(MergeRefusedError)
  })

  it('a move that fails answers 500 without a cookie: the browser stays the guest, nothing is lost, and signing in retries', async () => {
    const olga = await newAccount('Olga')
    const guest = await newGuest()
    await guestAtWork(guest.id, olga.id)
    const before = await holdings(guest.id)
    // the same auth over a database whose transactions fail (the move is one transaction)
    const failing = new Proxy(db.prisma, { get: (target, key) => (key === '$transaction' ? () => Promise.reject(new Error('database went away')) : Reflect.get(target, key)) })
    const broken = createAuth(failing as typeof db.prisma, SECRET)
    const email = `eve-${randomUUID()}@test.invalid`
    const origin = 'http://localhost:3000'
    const res = await broken.handler(
      new Request(`${origin}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { cookie: guest.cookie, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery', name: 'Eve' }),
      }),
    )
    expect(res.status).toBe(500)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await holdings(guest.id)).toEqual(before)
    expect((await userOf(guest.cookie)).id).toBe(guest.id)

    // the account exists; signing in to it as the guest moves everything
    const signIn = await auth.api.signInEmail({ headers: new Headers({ cookie: guest.cookie }), body: { email, password: 'correct horse battery' }, asResponse: true })
    expect(signIn.status).toBe(200)
    expect(await holdings((await userOf(cookieFrom(signIn))).id)).toEqual(before)
    expect(await db.prisma.user.findUnique({ where: { id: guest.id } })).toBeNull()
  })

  it('deleting a collaborator keeps their work in other people\'s artworks, named as a former member', async () => {
    const olga = await newAccount('Olga')
    const mia = await newAccount('Mia')
    const { olgas, pubId } = await guestAtWork(mia.id, olga.id)
    const opsBefore = await db.prisma.op.count({ where: { artworkId: olgas.id } })
    const versionsBefore = await db.prisma.version.count({ where: { artworkId: olgas.id } })
    const likes = (await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount

    await db.prisma.user.delete({ where: { id: mia.id } })

    expect(await db.prisma.artwork.findUnique({ where: { id: olgas.id } })).not.toBeNull()
    expect(await db.prisma.op.count({ where: { artworkId: olgas.id } })).toBe(opsBefore)
    expect(await db.prisma.version.count({ where: { artworkId: olgas.id } })).toBe(versionsBefore)
    expect((await listVersions(db.prisma, olgas.id)).map((v) => v.author)).toEqual(['Mia (former member)', 'Olga'])
    expect(await db.prisma.op.findFirstOrThrow({ where: { artworkId: olgas.id, objectId: 'guest-in-olgas' }, select: { authorId: true, authorName: true } })).toEqual({ authorId: null, authorName: 'Mia' })
    // her like went with her account, and off the count; her own artwork went with her
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { id: pubId } })).likeCount).toBe(likes - 1)
    expect(await db.prisma.artwork.count({ where: { ownerId: mia.id } })).toBe(0)
  })
})

describe('authorLabel', () => {
  it('names the account, else the kept name as a former member', () => {
    expect(authorLabel({ name: 'Ada' }, null)).toBe('Ada')
    expect(authorLabel(null, 'Mia')).toBe('Mia (former member)')
    expect(authorLabel(null, null)).toBe('A former member')
  })
})
