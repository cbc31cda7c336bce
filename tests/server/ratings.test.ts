// /api/ratings called with real Requests against the real database and auth library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as ratings from '../../app/api/ratings/route'
import { latentHash } from '../../lib/db/ratings'
import { latentToJSON, sampleLatent } from '../../lib/gan/latent'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { RATING_CAP, RATING_LIST_LIMIT, type StoredRating } from '../../lib/taste/wire'
import { guestCookie } from '../helpers/auth'

const MODEL = 'emoji-faces-64'
let cookie: string
let other: string
beforeAll(async () => {
  ;[cookie, other] = [await guestCookie('Rater'), await guestCookie('Someone else')]
})
afterAll(async () => {
  await closeDatabase()
})

const url = (q = `?modelId=${MODEL}`) => `http://127.0.0.1/api/ratings${q}`
const put = (body: unknown, as = cookie) =>
  ratings.PUT(new Request(url(''), { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', cookie: as } }), {})
async function list(as = cookie, modelId = MODEL) {
  const res = await ratings.GET(new Request(url(`?modelId=${modelId}`), { headers: { cookie: as } }), {})
  expect(res.status).toBe(200)
  return ((await res.json()) as { ratings: StoredRating[]; limit: number }).ratings
}
const rating = (seed: number, liked: boolean, extra: Record<string, unknown> = {}) => ({
  modelId: MODEL,
  checkpoint: 9600,
  latent: latentToJSON(sampleLatent(seed, 100)),
  liked,
  ...extra,
})

describe('/api/ratings', () => {
  it('stores a rating, and re-rating the same latent updates it instead of duplicating', async () => {
    const first = await put(rating(1, true))
    expect(first.status).toBe(200)
    const answer = (await first.json()) as { rating: StoredRating; count: number }
    expect(answer.count).toBe(1)
    expect(answer.rating).toMatchObject({ modelId: MODEL, checkpoint: 9600, liked: true, steered: false })
    expect(answer.rating.latent).toEqual(rating(1, true).latent)

    const again = await put(rating(1, false, { steered: true, checkpoint: 9800 }))
    expect(((await again.json()) as { count: number }).count).toBe(1)
    const stored = await list()
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ liked: false, steered: true, checkpoint: 9800 })
    expect(new Date(stored[0]!.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(stored[0]!.createdAt).getTime())

    // the unique key holds in the database itself
    const { prisma } = await getDatabase()
    const row = await prisma.rating.findFirstOrThrow({ where: { latentHash: latentHash(rating(1, true).latent) } })
    await expect(
      prisma.rating.create({ data: { userId: row.userId, modelId: MODEL, checkpoint: 1, latent: [0], latentHash: row.latentHash, liked: true } }),
    ).rejects.toMatchObject({ code: 'P2002' })
  })

  it('lists only the caller\'s ratings of that model, newest first', async () => {
    await put(rating(2, true))
    await put(rating(3, false))
    // a rating of a model no longer shipped (PUT refuses those): stored directly
    const { prisma } = await getDatabase()
    const { userId } = await prisma.rating.findFirstOrThrow({ where: { latentHash: latentHash(rating(2, true).latent) } })
    await prisma.rating.create({ data: { userId, modelId: 'another-model', checkpoint: 1, latent: rating(4, true).latent, latentHash: latentHash(rating(4, true).latent), liked: true } })
    await put(rating(5, true), other)
    const mine = await list()
    expect(mine.map((r) => r.latent[0])).toEqual([rating(3, false), rating(2, true), rating(1, false)].map((r) => r.latent[0]))
    expect(await list(cookie, 'another-model')).toHaveLength(1)
    expect(await list(other)).toHaveLength(1)
  })

  it('rejects bad input with clear JSON errors and stores nothing', async () => {
    const before = (await list()).length
    const cases: Array<[unknown, number, string]> = [
      ['{"modelId": ', 400, 'bad_json'],
      [{ ...rating(9, true), modelId: 'Not A Model' }, 400, 'invalid'],
      // well-formed, but no such model is shipped (no public/models/<id>/manifest.json)
      [{ ...rating(9, true), modelId: 'another-model' }, 400, 'invalid'],
      [{ ...rating(9, true), modelId: 'models' }, 400, 'invalid'],
      [{ ...rating(9, true), liked: 'yes' }, 400, 'invalid'],
      [{ ...rating(9, true), latent: [] }, 400, 'invalid'],
      [{ ...rating(9, true), latent: new Array(513).fill(0.5) }, 400, 'invalid'],
      [{ ...rating(9, true), latent: [1, 2, 1e6] }, 400, 'invalid'],
      [{ ...rating(9, true), checkpoint: -1 }, 400, 'invalid'],
      [{ ...rating(9, true), userId: 'someone-else' }, 400, 'invalid'],
      [{ ...rating(9, true), padding: 'x'.repeat(20_000) }, 413, 'too_large'],
    ]
    for (const [body, status, code] of cases) {
      const res = await put(body)
      const text = typeof body === 'string' ? body : JSON.stringify(body).slice(0, 60)
      expect(res.status, text).toBe(status)
      const answer = (await res.json()) as { error: { code: string; message: string } }
      expect(answer.error.code, text).toBe(code)
      expect(answer.error.message.length).toBeGreaterThan(5)
    }
    const wrongType = await ratings.PUT(new Request(url(''), { method: 'PUT', body: JSON.stringify(rating(9, true)), headers: { 'content-type': 'text/plain', cookie } }), {})
    expect(wrongType.status).toBe(415)
    const badQuery = await ratings.GET(new Request(url('?modelId=../etc'), { headers: { cookie } }), {})
    expect(badQuery.status).toBe(400)
    expect(((await badQuery.json()) as { error: { code: string } }).error.code).toBe('invalid')
    const noModel = await ratings.DELETE(new Request(url(''), { method: 'DELETE', headers: { cookie } }), {})
    expect(noModel.status).toBe(400)
    expect(await list()).toHaveLength(before)
  })

  it('requires a session for every method', async () => {
    for (const as of ['', 'better-auth.session_token=forged.value']) {
      const get = await ratings.GET(new Request(url(), { headers: { cookie: as } }), {})
      const write = await put(rating(10, true), as)
      const del = await ratings.DELETE(new Request(url(), { method: 'DELETE', headers: { cookie: as } }), {})
      for (const res of [get, write, del]) {
        expect(res.status).toBe(401)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
      }
    }
    const { prisma } = await getDatabase()
    expect(await prisma.rating.count({ where: { latentHash: latentHash(rating(10, true).latent) } })).toBe(0)
  })

  it('forgets the caller\'s taste for one model only', async () => {
    const before = (await list()).length
    expect(before).toBeGreaterThan(0)
    const res = await ratings.DELETE(new Request(url(), { method: 'DELETE', headers: { cookie } }), {})
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ deleted: before })
    expect(await list()).toHaveLength(0)
    expect(await list(cookie, 'another-model')).toHaveLength(1)
    expect(await list(other)).toHaveLength(1)
  })

  it('caps a listing at the newest RATING_LIST_LIMIT ratings', async () => {
    const { prisma } = await getDatabase()
    const heavy = await guestCookie('Heavy rater')
    await put(rating(20, true), heavy)
    const userId = (await prisma.rating.findFirstOrThrow({ where: { latentHash: latentHash(rating(20, true).latent) } })).userId
    // synthetic ratings one second apart, the newest a minute before the real one
    const made = (await prisma.rating.findFirstOrThrow({ where: { userId } })).updatedAt.getTime()
    const base = made - 60_000 - (RATING_LIST_LIMIT + 5) * 1000
    await prisma.rating.createMany({
      data: Array.from({ length: RATING_LIST_LIMIT + 5 }, (_, i) => ({
        userId,
        modelId: MODEL,
        checkpoint: 0,
        latent: [i],
        latentHash: latentHash([i]),
        liked: i % 2 === 0,
        updatedAt: new Date(base + i * 1000),
      })),
    })
    const listed = await list(heavy)
    expect(listed).toHaveLength(RATING_LIST_LIMIT)
    // the newest: the real rating made now, then the synthetic ones from the latest down
    expect(listed[1]!.latent).toEqual([RATING_LIST_LIMIT + 4])
    expect(listed.at(-1)!.latent).toEqual([6])
  })

  it(`refuses new ratings past ${RATING_CAP} per model, but still lets existing ones change`, async () => {
    const { prisma } = await getDatabase()
    const prolific = await guestCookie('Prolific rater')
    expect((await put(rating(30, true), prolific)).status).toBe(200)
    const userId = (await prisma.rating.findFirstOrThrow({ where: { latentHash: latentHash(rating(30, true).latent) } })).userId
    await prisma.rating.createMany({
      data: Array.from({ length: RATING_CAP - 1 }, (_, i) => ({ userId, modelId: MODEL, checkpoint: 0, latent: [i], latentHash: latentHash([i]), liked: true })),
    })

    const refused = await put(rating(31, true), prolific)
    expect(refused.status).toBe(409)
    const answer = (await refused.json()) as { error: { code: string; message: string } }
    expect(answer.error.code).toBe('conflict')
    expect(answer.error.message).toContain('5,000')
    expect(await prisma.rating.count({ where: { userId, latentHash: latentHash(rating(31, true).latent) } })).toBe(0)

    // changing a rating it already has is fine: the count stays at the cap
    const changed = await put(rating(30, false), prolific)
    expect(changed.status).toBe(200)
    expect(((await changed.json()) as { count: number }).count).toBe(RATING_CAP)
    expect((await put({ modelId: MODEL, checkpoint: 1, latent: [7], liked: false }, prolific)).status).toBe(200)
    // the cap is per user
    expect((await put(rating(31, true), other)).status).toBe(200)
    // and forgetting makes room again
    const del = await ratings.DELETE(new Request(url(), { method: 'DELETE', headers: { cookie: prolific } }), {})
    expect(await del.json()).toEqual({ deleted: RATING_CAP })
    expect((await put(rating(31, true), prolific)).status).toBe(200)
  })
})
