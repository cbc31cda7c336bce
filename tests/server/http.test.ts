import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { hasNul, HttpError, readJson, withErrors } from '../../lib/server/http'
import { nestedDeeperThan } from '../../lib/canvas/document'

const schema = z.object({ title: z.string().max(10) }).strict()
const post = (body: BodyInit, type = 'application/json') =>
  new Request('http://test.local/api/x', { method: 'POST', body, headers: { 'content-type': type } })

async function errorOf(p: Promise<unknown>): Promise<HttpError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  if (!(e instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(e)}`)
  return e
}

describe('readJson', () => {
  it('returns the validated body', async () => {
    await expect(readJson(post('{"title":"ok"}'), schema)).resolves.toEqual({ title: 'ok' })
  })

  it('answers 400 bad_json for malformed JSON, with the parser message', async () => {
    const e = await errorOf(readJson(post('{"title": '), schema))
    expect([e.status, e.code]).toEqual([400, 'bad_json'])
    expect(e.message).toMatch(/not valid JSON/)
  })

  it('answers 400 invalid with the failing paths', async () => {
    const e = await errorOf(readJson(post('{"title":"far too long for this"}'), schema))
    expect([e.status, e.code]).toEqual([400, 'invalid'])
    expect(e.issues?.[0]?.path).toBe('title')
    const extra = await errorOf(readJson(post('{"title":"x","admin":true}'), schema))
    expect(extra.code).toBe('invalid')
  })

  it('answers 413 for a body over the limit, even without a content-length', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(5000) })
    const e = await errorOf(readJson(post(big), schema, 1024))
    expect([e.status, e.code]).toEqual([413, 'too_large'])
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(200)))
        c.close()
      },
    })
    const streamed = new Request('http://test.local/api/x', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
    expect((await errorOf(readJson(streamed, schema, 1024))).status).toBe(413)
  })

  it('answers 415 for a body that is not JSON', async () => {
    const e = await errorOf(readJson(post('title=x', 'application/x-www-form-urlencoded'), schema))
    expect([e.status, e.code]).toEqual([415, 'unsupported_media_type'])
  })
})

describe('readJson on a deeply nested body', () => {
  it('answers 400 before validating it (a 3,000-level body overflowed the validator)', async () => {
    let deep: unknown = 1
    for (let i = 0; i < 3000; i++) deep = [deep]
    const req = new Request('http://h/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deep }) })
    const err = await readJson(req, z.object({ deep: z.json() })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect(err).toMatchObject({ status: 400, code: 'invalid' })
    // levels are containers along a path: {a: [{b: 1}]} has 3
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false)
    expect(nestedDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true)
    expect(nestedDeeperThan('flat', 0)).toBe(false)
  })
})

describe('withErrors', () => {
  it('turns thrown HttpErrors and crashes into JSON answers', async () => {
    const h1 = withErrors(async () => {
      throw new HttpError(403, 'forbidden', 'nope')
    })
    const r1 = await h1(new Request('http://t/'), {})
    expect(r1.status).toBe(403)
    expect(await r1.json()).toEqual({ error: { code: 'forbidden', message: 'nope' } })
    const h2 = withErrors(async () => {
      throw new Error('secret internals')
    })
    const r2 = await h2(new Request('http://t/'), {})
    expect(r2.status).toBe(500)
    expect(JSON.stringify(await r2.json())).not.toContain('secret internals')
  })
})

describe('a NUL in the address (issue 22: answered 500)', () => {
  it('is refused with 400 before the handler runs', async () => {
    let ran = 0
    const handler = withErrors(async () => {
      ran++
      return new Response('{}')
    })
    for (const url of ['http://h/api/artworks/x/share/%00', 'http://h/api/gallery/%00/like', 'http://h/api/ratings?modelId=a%00b', 'http://h/api/x/%E0%A4%A']) {
      const res = await handler(new Request(url, { method: 'DELETE' }), {})
      expect(res.status, url).toBe(400)
    }
    expect(ran).toBe(0)
    expect((await handler(new Request('http://h/api/gallery/abc/like', { method: 'PUT' }), {})).status).toBe(200)
    expect(hasNul('http://h/a%20b?x=1')).toBe(false)
  })
})
