// Sign-in throttling counters shared by every node: with several nodes behind Redis, a per-process
// counter lets an attacker spread guesses over the nodes (and lets a restart reset them). The
// auth library asks `consume` once per request; we count in Redis with one atomic script.
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'

export interface ThrottleRule {
  /** seconds */
  window: number
  max: number
}

export interface ThrottleDecision {
  allowed: boolean
  /** seconds until the window frees up, when refused */
  retryAfter: number | null
}

export interface ThrottleStore {
  consume(key: string, rule: ThrottleRule): Promise<ThrottleDecision>
}

// INCR then (first hit) set the window's expiry, in one step: concurrent requests on different
// nodes cannot both read "2 of 3" and pass.
const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`

/** A fixed window per key in this process (the fallback while Redis cannot be reached). */
export function memoryThrottle(now: () => number = Date.now): ThrottleStore {
  // bounded: the least recently counted keys go first (an expired window is as good as none)
  const windows = new LRUCache<string, { count: number; until: number }>({ max: 100_000 })
  return {
    async consume(key, rule) {
      const t = now()
      let w = windows.get(key)
      if (!w || w.until <= t) {
        w = { count: 0, until: t + rule.window * 1000 }
        windows.set(key, w)
      }
      w.count++
      return w.count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.ceil((w.until - t) / 1000) }
    },
  }
}

/**
 * Counters in Redis under `prefix`. If Redis fails, this node keeps counting on its own (the
 * limit still holds per node) rather than locking everyone out or letting everyone through.
 */
export function redisThrottle(redis: Redis, prefix = 'ganvas:throttle:', fallback: ThrottleStore = memoryThrottle()): ThrottleStore {
  let warned = false
  return {
    async consume(key, rule) {
      try {
        const [count, ttl] = (await redis.eval(CONSUME, 1, prefix + key, String(rule.window * 1000))) as [number, number]
        warned = false
        return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.max(1, Math.ceil(ttl / 1000)) }
      } catch (e) {
        if (!warned) console.error('[auth] throttle counters: Redis unavailable, counting on this node:', e instanceof Error ? e.message : e)
        warned = true
        return fallback.consume(key, rule)
      }
    },
  }
}
