// Who is on the other end of a request: the address sign-in throttling keys on, and whether the
// X-Forwarded-* headers may be believed. Anyone can send X-Forwarded-For, so it is believed only
// from a reverse proxy the deployment names (GANVAS_TRUSTED_PROXIES); otherwise the peer address
// of the TCP connection is the client. server.ts resolves this once per request and writes it to
// CLIENT_ADDRESS_HEADER (replacing whatever the client sent), which the auth library reads.
import type { IncomingMessage, Server } from 'node:http'
import { BlockList, isIP } from 'node:net'

/** Set by server.ts on every request; never taken from the client. */
export const CLIENT_ADDRESS_HEADER = 'x-ganvas-client-address'

const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const

export interface ProxyTrust {
  /** The configured entries, as written (for messages). */
  readonly entries: readonly string[]
  has(address: string): boolean
}

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function normaliseAddress(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a)
  return mapped?.[1] ?? a.toLowerCase()
}

/**
 * GANVAS_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse proxies in
 * front of this server ("127.0.0.1,10.0.0.0/8"). A malformed entry stops the server at start
 * with its name: a typo must not silently trust nobody (or everybody).
 */
export function parseTrustedProxies(value: string | undefined): ProxyTrust {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const list = new BlockList()
  for (const entry of entries) {
    const [addr = '', prefix, ...rest] = entry.split('/')
    const ip = normaliseAddress(addr)
    const family = isIP(ip)
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix)
    const max = family === 6 ? 128 : 32
    if (!family || rest.length || !Number.isInteger(bits) || bits < 0 || bits > max || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new Error(`GANVAS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`)
    }
    list.addSubnet(ip, bits, family === 6 ? 'ipv6' : 'ipv4')
  }
  return {
    entries,
    has(address: string) {
      const ip = normaliseAddress(address)
      const family = isIP(ip)
      return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4')
    },
  }
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy; then X-Forwarded-For read
 * from the right (each proxy appends the address it received from), skipping trusted proxies,
 * up to the first address no trusted proxy vouches for. Null when there is nothing to go on.
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trust: ProxyTrust): string | null {
  if (!peer) return null
  const from = normaliseAddress(peer)
  if (!trust.has(from) || !forwardedFor) return isIP(from) ? from : null
  const hops = forwardedFor.split(',').map((s) => normaliseAddress(s)).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!isIP(hop)) return from // garbage in the chain: the last trustworthy address is the proxy
    if (!trust.has(hop)) return hop
  }
  return hops[0] ?? from
}

type HeaderBag = Record<string, string | string[] | undefined>

/**
 * Rewrites a request's headers in place before anything reads them: the resolved client address
 * goes to CLIENT_ADDRESS_HEADER, and X-Forwarded-* from a peer that is not a trusted proxy are
 * dropped (so the origin check, the auth library's base URL and its cookies see the truth).
 */
export function settleForwardedHeaders(headers: HeaderBag, peer: string | undefined, trust: ProxyTrust): void {
  const viaProxy = peer !== undefined && trust.has(peer)
  const xff = headers['x-forwarded-for']
  const client = resolveClientAddress(peer, viaProxy ? (Array.isArray(xff) ? xff.join(',') : xff) : undefined, trust)
  if (!viaProxy) for (const h of FORWARDED) delete headers[h]
  if (client) headers[CLIENT_ADDRESS_HEADER] = client
  else delete headers[CLIENT_ADDRESS_HEADER]
}

/**
 * Settles every request of `server` (HTTP and WebSocket upgrades) before any other listener
 * reads it: Next, the auth library and socket.io all see the settled headers.
 */
export function settleEveryRequest(server: Server, trust: ProxyTrust): void {
  const settle = (req: IncomingMessage) => settleForwardedHeaders(req.headers, req.socket.remoteAddress, trust)
  server.prependListener('request', settle)
  server.prependListener('upgrade', settle)
}

/** The deployment's proxy trust, read once from the environment. */
let fromEnv: ProxyTrust | undefined
export function trustedProxies(): ProxyTrust {
  fromEnv ??= parseTrustedProxies(process.env.GANVAS_TRUSTED_PROXIES)
  return fromEnv
}
