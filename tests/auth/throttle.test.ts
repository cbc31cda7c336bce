// Issue 22, point 2: sign-in throttling keyed by the real client. Before: with no proxy every
// client shared one counter per node (3 wrong passwords locked the owner out), a made-up
// X-Forwarded-For per request skipped it, and the counters lived in each node's memory.
// Here: real HTTP servers wired as server.ts wires them, two "nodes" sharing counters in Redis.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuth, type Auth } from '../../lib/auth/auth'
import {
  CLIENT_ADDRESS_HEADER,
  parseTrustedProxies,
  resolveClientAddress,
  settleEveryRequest,
  settleForwardedHeaders,
  type ProxyTrust,
} from '../../lib/auth/network'
import { memoryThrottle, redisThrottle } from '../../lib/auth/throttle'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'

const SECRET = 'test-secret-for-vitest-only-0123456789abcdef'
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('the client address', () => {
  const none = parseTrustedProxies(undefined)
  const proxy = parseTrustedProxies('10.0.0.0/8, 192.168.1.5, ::1')

  it('refuses a malformed proxy list with the entry', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/2', '1.2.3.4/x', '::1/129']) {
      expect(() => parseTrustedProxies(bad)).toThrow(bad)
    }
  })

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('203.0.113.7', '1.1.1.1', none)).toBe('203.0.113.7')
    expect(resolveClientAddress('::ffff:203.0.113.7', '1.1.1.1, 2.2.2.2', none)).toBe('203.0.113.7')
    // a client pretending to come through one of our proxies is still itself
    expect(resolveClientAddress('203.0.113.7', '10.0.0.2', proxy)).toBe('203.0.113.7')
  })

  it('behind trusted proxies, is the rightmost address no trusted proxy vouches for', () => {
    expect(resolveClientAddress('10.0.0.2', '198.51.100.9', proxy)).toBe('198.51.100.9')
    // the leftmost entry is whatever the client sent: not believed
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.9', proxy)).toBe('198.51.100.9')
    expect(resolveClientAddress('10.0.0.2', '198.51.100.9, 192.168.1.5', proxy)).toBe('198.51.100.9')
    expect(resolveClientAddress('::1', '2001:db8::5', proxy)).toBe('2001:db8::5')
    // garbage in the chain: the proxy itself
    expect(resolveClientAddress('10.0.0.2', 'not-an-ip', proxy)).toBe('10.0.0.2')
    expect(resolveClientAddress('10.0.0.2', undefined, proxy)).toBe('10.0.0.2')
  })

  it('drops X-Forwarded-* from a peer that is not a proxy and overwrites the client header', () => {
    const h: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '1.1.1.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      [CLIENT_ADDRESS_HEADER]: '9.9.9.9',
    }
    settleForwardedHeaders(h, '203.0.113.7', proxy)
    expect(h).toEqual({ [CLIENT_ADDRESS_HEADER]: '203.0.113.7' })
    const p: Record<string, string | string[] | undefined> = { 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https' }
    settleForwardedHeaders(p, '10.1.2.3', proxy)
    expect(p).toEqual({ 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https', [CLIENT_ADDRESS_HEADER]: '198.51.100.9' })
  })
})

describe('throttle stores', () => {
  it('memory: a fixed window per key', async () => {
    let now = 0
    const store = memoryThrottle(() => now)
    const rule = { window: 10, max: 3 }
    const got = []
    for (let i = 0; i < 4; i++) got.push((await store.consume('a', rule)).allowed)
    expect(got).toEqual([true, true, true, false])
    expect((await store.consume('b', rule)).allowed).toBe(true)
    now = 10_001
    expect((await store.consume('a', rule)).allowed).toBe(true)
  })

  it('Redis down: counts on this node instead of failing sign-in', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
    dead.on('error', () => {})
    const store = redisThrottle(dead)
    const rule = { window: 10, max: 2 }
    const got = []
    for (let i = 0; i < 3; i++) got.push((await store.consume('k', rule)).allowed)
    expect(got).toEqual([true, true, false])
    dead.disconnect()
  })
})

/** A node as server.ts wires it: settle the headers, then the auth library's handler. */
async function startNode(auth: Auth, trust: ProxyTrust): Promise<{ server: Server; url: string }> {
  const server = createServer()
  settleEveryRequest(server, trust)
  server.on('request', (req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      void auth
        .handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, ...(body ? { body } : {}) }))
        .then(async (r) => {
          res.writeHead(r.status, Object.fromEntries(r.headers))
          res.end(Buffer.from(await r.arrayBuffer()))
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('sign-in throttling across two nodes (Redis counters)', () => {
  const servers: Server[] = []
  const redis: Redis[] = []
  const email = `owner-${randomUUID()}@test.invalid`
  const password = 'correct horse battery'
  let direct: { a: string; b: string }
  let proxied: { a: string; b: string }

  beforeAll(async () => {
    const { prisma } = await getDatabase()
    const prefix = `ganvas:test-throttle:${randomUUID()}:`
    const make = (trust: ProxyTrust) => {
      const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
      redis.push(r)
      return createAuth(prisma, SECRET, {}, { proxies: trust, throttle: redisThrottle(r, prefix), throttleAlways: true })
    }
    const none = parseTrustedProxies(undefined)
    const loopbackProxy = parseTrustedProxies('127.0.0.1')
    const nodes = await Promise.all([startNode(make(none), none), startNode(make(none), none), startNode(make(loopbackProxy), loopbackProxy), startNode(make(loopbackProxy), loopbackProxy)])
    servers.push(...nodes.map((n) => n.server))
    direct = { a: nodes[0]!.url, b: nodes[1]!.url }
    proxied = { a: nodes[2]!.url, b: nodes[3]!.url }
    const res = await fetch(`${direct.a}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
      body: JSON.stringify({ email, password, name: 'Owner' }),
    })
    expect(res.status).toBe(200)
  })

  afterAll(async () => {
    for (const s of servers) s.closeAllConnections()
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    await Promise.all(redis.map((r) => r.quit()))
    await closeDatabase()
  })

  const signIn = (base: string, pw: string, forwardedFor?: string) =>
    fetch(`${base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ email, password: pw }),
    })

  it('a made-up X-Forwarded-For per request does not escape the counter, and the count is shared by the nodes', async () => {
    // the sign-up above counted once for this peer (the library counts sign-up and sign-in apart)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await signIn(i % 2 ? direct.b : direct.a, 'wrong password!', `203.0.113.${i + 10}`)).status)
    expect(statuses).toEqual([401, 401, 401])
    // the fourth guess, on the other node, from "another address": refused before checking it
    const fourth = await signIn(direct.b, password, '203.0.113.99')
    expect(fourth.status).toBe(429)
    expect(Number(fourth.headers.get('x-retry-after'))).toBeGreaterThan(0)
    expect(fourth.headers.get('set-cookie')).toBeNull()
  })

  it('behind a trusted proxy, a guesser does not lock the owner out, on either node', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn(i % 2 ? proxied.b : proxied.a, 'wrong password!', '203.0.113.66')).status).toBe(401)
    expect((await signIn(proxied.a, password, '203.0.113.66')).status).toBe(429)
    expect((await signIn(proxied.b, password, '203.0.113.66')).status).toBe(429)
    // the owner, from their own address, signs in
    const owner = await signIn(proxied.b, password, '198.51.100.23')
    expect(owner.status).toBe(200)
    expect(owner.headers.get('set-cookie')).toContain('session_token')
    // the guesser prefixing a made-up hop does not become someone else
    expect((await signIn(proxied.a, password, '198.51.100.23, 203.0.113.66')).status).toBe(429)
  })
})

describe('cookies behind a proxy', () => {
  afterAll(async () => {
    await closeDatabase()
  })

  it('are Secure behind a trusted proxy (which terminates TLS), and not on plain local http', async () => {
    const { prisma } = await getDatabase()
    const signUp = (auth: Auth) =>
      auth.handler(
        new Request('http://localhost:3000/api/auth/sign-up/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          body: JSON.stringify({ email: `c-${randomUUID()}@test.invalid`, password: 'correct horse battery', name: 'C' }),
        }),
      )
    const behind = await signUp(createAuth(prisma, SECRET, {}, { proxies: parseTrustedProxies('10.0.0.1') }))
    expect(behind.status).toBe(200)
    expect(behind.headers.get('set-cookie')).toMatch(/__Secure-better-auth\.session_token=[^;]+;.*Secure/i)
    const local = await signUp(createAuth(prisma, SECRET, {}, { proxies: parseTrustedProxies(undefined) }))
    expect(local.status).toBe(200)
    expect(local.headers.get('set-cookie')).not.toMatch(/Secure/i)
  })
})
