// Per-connection limits on what a socket may send (issue 22: a hostile client could flood the
// op log and everyone's screens). Ops past the limit are refused before anything is stored, with
// how long to wait (the client holds its ops and resends them then: nothing a user drew is lost);
// cursor and stroke previews past it are dropped (they are volatile anyway). Counted per
// connection in this process: a connection lives on one node.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

export interface Budget {
  /** how many (ops, messages) or how much (bytes) per window */
  points: number
  /** the window, in seconds */
  seconds: number
  /** once over, refused for this long (seconds): the client's resend lands after it */
  blockSeconds?: number
}

export interface SocketLimits {
  ops: Budget
  /** serialised op bytes */
  opBytes: Budget
  /** cursor and stroke-preview messages together */
  relay: Budget
}

// A select-all move or a paste sends one op per object: bursts of hundreds are normal, sustained
// hundreds a second are not. 8 MB per 10 s is 32 ops at the 256 KB op limit.
export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  ops: { points: 600, seconds: 10, blockSeconds: 2 },
  opBytes: { points: 8 * 1024 * 1024, seconds: 10, blockSeconds: 2 },
  relay: { points: 120, seconds: 1 },
}

export type LimitVerdict = { ok: true } | { ok: false; retryAfterMs: number; message: string }

export interface SocketLimiter {
  /** one op of `bytes` from connection `id` */
  op(id: string, bytes: number): Promise<LimitVerdict>
  /** one cursor or stroke-preview message: false means drop it */
  relay(id: string): Promise<boolean>
  /** the connection closed: forget its counters */
  forget(id: string): void
}

const limiter = (b: Budget, prefix: string) =>
  new RateLimiterMemory({ keyPrefix: prefix, points: b.points, duration: b.seconds, ...(b.blockSeconds ? { blockDuration: b.blockSeconds } : {}) })

export function createSocketLimiter(limits: SocketLimits = DEFAULT_SOCKET_LIMITS): SocketLimiter {
  const ops = limiter(limits.ops, 'ops')
  const bytes = limiter(limits.opBytes, 'bytes')
  const relay = limiter(limits.relay, 'relay')
  const refusal = (e: unknown, what: string): LimitVerdict => {
    if (!(e instanceof RateLimiterRes)) throw e
    const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext))
    return { ok: false, retryAfterMs, message: `Too many ${what} from this connection; they are sent again in ${Math.ceil(retryAfterMs / 1000)} s.` }
  }
  return {
    async op(id, size) {
      try {
        await ops.consume(id, 1)
      } catch (e) {
        return refusal(e, 'changes')
      }
      try {
        await bytes.consume(id, Math.max(1, size))
      } catch (e) {
        return refusal(e, 'bytes of changes')
      }
      return { ok: true }
    },
    async relay(id) {
      try {
        await relay.consume(id, 1)
        return true
      } catch (e) {
        if (e instanceof RateLimiterRes) return false
        throw e
      }
    },
    forget(id) {
      void ops.delete(id)
      void bytes.delete(id)
      void relay.delete(id)
    },
  }
}
