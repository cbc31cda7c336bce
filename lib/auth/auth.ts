// Identity through better-auth: email + password accounts and guests (anonymous plugin) with a
// display name; sessions are rows in the database behind an HttpOnly cookie. We never hash
// passwords or sign cookies ourselves.
import { betterAuth } from 'better-auth'
import { APIError } from 'better-auth/api'
import { prismaAdapter } from 'better-auth/adapters/prisma'
import { anonymous } from 'better-auth/plugins'
import type { PrismaClient } from '../db/client'
import { mergeGuestIntoAccount } from '../db/accounts'
import { getDatabase } from '../db/process-database'
import { announceGuestLinked } from './guest-linked'
import { authSecret } from './secret'
import { guestName } from './guest-names'
import { siteOrigins } from './origin'
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies, trustedProxies, type ProxyTrust } from './network'
import { memoryThrottle, redisThrottle, type ThrottleStore } from './throttle'
import { Redis } from 'ioredis'

export const GUEST_EMAIL_DOMAIN = 'guest.ganvas.invalid'

export interface AuthHooks {
  /**
   * A guest's work moved to an account (sign-up or sign-in as a guest): tell the guest's open
   * sockets who they are now. Called after the move is committed.
   */
  onGuestLinked?: (guestId: string, user: SessionUser) => void
}

/** The longest display name (guests' and accounts'): it is shown on every gallery card and cursor. */
export const DISPLAY_NAME_MAX = 40
/** Email addresses longer than this are not addresses (RFC 5321 caps a path at 256). */
const EMAIL_MAX = 254

/** Refuses (400, nothing stored) a name or email over its limit; names are stored trimmed. */
function checkUserStrings(user: { name?: unknown; email?: unknown }): void {
  if (typeof user.name === 'string' && [...user.name.trim()].length > DISPLAY_NAME_MAX) {
    throw new APIError('BAD_REQUEST', { message: `A display name is at most ${DISPLAY_NAME_MAX} characters.` })
  }
  if (typeof user.name === 'string' && user.name.trim() === '') throw new APIError('BAD_REQUEST', { message: 'A display name cannot be empty.' })
  if (typeof user.email === 'string' && user.email.length > EMAIL_MAX) throw new APIError('BAD_REQUEST', { message: `An email address is at most ${EMAIL_MAX} characters.` })
}

/** How this deployment is reached: proxies, shared throttle counters, cookies. */
export interface AuthNetwork {
  /** reverse proxies whose X-Forwarded-* are believed (GANVAS_TRUSTED_PROXIES) */
  proxies: ProxyTrust
  /** where sign-in throttle counters live; the library's per-process memory when absent */
  throttle?: ThrottleStore
  /** throttle outside production too (tests); the library throttles in production only */
  throttleAlways?: boolean
  /** GANVAS_COOKIE_SECURE=1|0; unset: Secure behind a trusted proxy or on an https BETTER_AUTH_URL */
  secureCookies?: boolean
}

export function createAuth(prisma: PrismaClient, secret: string, hooks: AuthHooks = {}, network: AuthNetwork = { proxies: trustedProxies() }) {
  const behindProxy = network.proxies.entries.length > 0
  // Behind a proxy that terminates TLS the app sees plain http: the cookie must still be Secure.
  const secureCookies = network.secureCookies ?? (behindProxy && !process.env.BETTER_AUTH_URL?.trim() ? true : undefined)
  return betterAuth({
    appName: 'GANvas',
    secret,
    baseURL: baseUrlConfig(behindProxy),
    advanced: {
      // the address server.ts resolved (peer, or the client a trusted proxy forwarded for); a
      // client's own X-Forwarded-For never reaches the throttle
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      ...(behindProxy ? { trustedProxyHeaders: true } : {}),
      ...(secureCookies !== undefined ? { useSecureCookies: secureCookies } : {}),
    },
    database: prismaAdapter(prisma, { provider: 'postgresql' }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    // CSRF defence: a cookie-bearing POST must come from the origin it is addressed to.
    trustedOrigins: (request?: Request) => (request ? siteOrigins(request) : []),
    telemetry: { enabled: false },
    // every user string is capped (issue 22: a 200,000-character name went into every gallery page)
    databaseHooks: {
      user: {
        create: {
          before: async (user) => {
            checkUserStrings(user)
            return { data: { ...user, name: user.name.trim() } }
          },
        },
        update: {
          before: async (user) => {
            checkUserStrings(user)
            return typeof user.name === 'string' ? { data: { ...user, name: user.name.trim() } } : undefined
          },
        },
      },
    },
    // every browser that opens a shared link becomes a guest: allow more than the default 3
    // sign-ins per 10 s per address for that one endpoint (people behind one NAT, classrooms)
    // (sign-in, sign-up and password changes keep the library's 3 per 10 s per address)
    rateLimit: {
      customRules: { '/sign-in/anonymous': { window: 10, max: 30 } },
      ...(network.throttleAlways ? { enabled: true } : {}),
      ...(network.throttle ? { customStorage: network.throttle } : {}),
    },
    plugins: [
      anonymous({
        emailDomainName: GUEST_EMAIL_DOMAIN,
        generateName: () => guestName(),
        // The plugin would delete the guest after sign-up, and with it (through the foreign keys)
        // everything the guest made. Instead the link hook moves the guest's work to the account
        // and deletes the emptied guest in the same transaction; if that fails, nothing is lost
        // and signing in again (as the guest) retries it.
        disableDeleteAnonymousUser: true,
        onLinkAccount: async ({ anonymousUser, newUser }) => {
          const guestId = anonymousUser.user.id
          const user = newUser.user as { id: string; name: string; isAnonymous?: boolean | null }
          if (user.id === guestId || user.isAnonymous) return
          // On failure this throws a plain error: the answer is a 500 that sets no cookie, so the
          // browser stays the guest (with all its work) and signing in to the new account retries
          // the move. (An APIError would answer with the new account's cookie, leaving the guest's
          // work behind a session the browser no longer has.)
          const moved = await mergeGuestIntoAccount(prisma, guestId, user.id)
          if (moved) hooks.onGuestLinked?.(guestId, { id: user.id, name: user.name, isGuest: false })
        },
      }),
    ],
  })
}

/**
 * BETTER_AUTH_URL pins one public URL (production). Otherwise the URL is taken per request from
 * the Host header, allowed only for the hosts in GANVAS_ALLOWED_HOSTS (default: this machine).
 */
function baseUrlConfig(behindProxy: boolean) {
  const fixed = process.env.BETTER_AUTH_URL?.trim()
  if (fixed) return fixed
  const hosts = process.env.GANVAS_ALLOWED_HOSTS?.split(',').map((h) => h.trim()).filter(Boolean)
  const fallback = `http://localhost:${process.env.PORT ?? 3000}`
  // behind a trusted proxy, its X-Forwarded-Proto says whether the browser used https
  const protocol = behindProxy ? ('auto' as const) : ('http' as const)
  return { allowedHosts: hosts?.length ? hosts : ['localhost:*', '127.0.0.1:*', '[::1]:*'], protocol, fallback }
}

/** The deployment's network settings from the environment (server.ts and getAuth). */
export function authNetworkFromEnv(env: NodeJS.ProcessEnv = process.env): AuthNetwork {
  const secure = env.GANVAS_COOKIE_SECURE?.trim()
  if (secure !== undefined && secure !== '' && secure !== '0' && secure !== '1') throw new Error('GANVAS_COOKIE_SECURE must be 0 or 1')
  const redisUrl = env.REDIS_URL?.trim()
  return {
    proxies: parseTrustedProxies(env.GANVAS_TRUSTED_PROXIES),
    // one connection, opened on the first throttled request (the library throttles in production)
    ...(redisUrl ? { throttle: appThrottle(env) } : {}),
    ...(secure === '0' || secure === '1' ? { secureCookies: secure === '1' } : {}),
  }
}

// On globalThis: server.ts and Next's bundled route handlers load this module separately, and
// shutdown must close the connection the handlers opened.
const REDIS_KEY = Symbol.for('ganvas.auth.throttleRedis')
const redisHolder = globalThis as typeof globalThis & { [REDIS_KEY]?: Redis }

function lazyRedisThrottle(url: string): ThrottleStore {
  let store: ThrottleStore | undefined
  return {
    consume(key, rule) {
      if (!store) {
        const redis = new Redis(url, { maxRetriesPerRequest: 1 })
        redis.on('error', () => {}) // reported by the store when a count fails
        redisHolder[REDIS_KEY] = redis
        store = redisThrottle(redis)
      }
      return store.consume(key, rule)
    },
  }
}

const STORE_KEY = Symbol.for('ganvas.auth.throttleStores')
const storeHolder = globalThis as typeof globalThis & { [STORE_KEY]?: Map<string, ThrottleStore> }

/**
 * The app's one set of counters for throttling (sign-in guesses, uploads): in Redis when
 * REDIS_URL is set, so every node counts together (one connection, opened on first use), else in
 * this process.
 */
export function appThrottle(env: NodeJS.ProcessEnv = process.env): ThrottleStore {
  const url = env.REDIS_URL?.trim() || ''
  const stores = (storeHolder[STORE_KEY] ??= new Map())
  let store = stores.get(url)
  if (!store) {
    store = url ? lazyRedisThrottle(url) : memoryThrottle()
    stores.set(url, store)
  }
  return store
}

/** Closes the throttle's Redis connection, if one was opened (shutdown). */
export async function closeAuth(): Promise<void> {
  const r = redisHolder[REDIS_KEY]
  redisHolder[REDIS_KEY] = undefined
  storeHolder[STORE_KEY]?.clear()
  if (r) await r.quit().catch(() => r.disconnect())
}


export type Auth = ReturnType<typeof createAuth>

const KEY = Symbol.for('ganvas.auth')
const holder = globalThis as typeof globalThis & { [KEY]?: Promise<Auth> }

/** The process's auth instance, bound to the process's database. */
export function getAuth(): Promise<Auth> {
  holder[KEY] ??= getDatabase().then(
    (db) => createAuth(db.prisma, authSecret(), { onGuestLinked: announceGuestLinked }, authNetworkFromEnv()),
    (e: unknown) => {
      holder[KEY] = undefined
      throw e
    },
  )
  return holder[KEY]
}

export interface SessionUser {
  id: string
  name: string
  isGuest: boolean
}

/** The signed-in user for a request's (or a socket handshake's) headers, or null. */
export async function sessionUser(headers: Headers): Promise<SessionUser | null> {
  const auth = await getAuth()
  const session = await auth.api.getSession({ headers })
  if (!session) return null
  const user = session.user as { id: string; name: string; isAnonymous?: boolean | null }
  return { id: user.id, name: user.name, isGuest: !!user.isAnonymous }
}
