// Admission control for ops on this node (issue 19): past a bound of ops accepted but not yet
// answered (stored, or refused by the op log), new ops are refused with `rate_limited` and a
// retry time instead of queueing without bound. Without it an overloaded node collapses: the
// writer's queue and the heap grow, every op gets dearer (garbage collection), and delivery takes
// seconds for everyone (bench:collab --curve, 800 clients). The browser's connection holds its
// ops and resends them after the wait (lib/collab/client.ts), so nothing a user drew is lost.
// Counted per process; pure bookkeeping, no I/O.
import type { LimitVerdict } from './socket-limits'

export interface AdmissionLimits {
  /** ops accepted and not yet answered on this node, at most */
  maxOpsInFlight: number
  /** a refused op is sent again after this long, spread by up to the same again (so resends do not arrive together) */
  retryAfterMs: number
}

// At the measured ~0.3-0.6 ms of server CPU per op (bench:collab --curve), 1,000 ops are about
// half a second of work; far above what normal load holds (tens at 1,000 ops/s).
export const DEFAULT_ADMISSION: AdmissionLimits = { maxOpsInFlight: 1_000, retryAfterMs: 500 }

export interface Admission {
  /** one more op: admitted (call leave() when it is answered), or refused with a wait */
  enter(): LimitVerdict
  leave(): void
  /** ops admitted and not yet answered */
  readonly inFlight: number
}

export function createAdmission(limits: AdmissionLimits = DEFAULT_ADMISSION, random: () => number = Math.random): Admission {
  let inFlight = 0
  return {
    enter() {
      if (inFlight >= limits.maxOpsInFlight) {
        const retryAfterMs = Math.max(1, Math.round(limits.retryAfterMs * (1 + random())))
        return { ok: false, retryAfterMs, message: `The server is busy; your changes are sent again in ${Math.ceil(retryAfterMs / 1000)} s.` }
      }
      inFlight++
      return { ok: true }
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1)
    },
    get inFlight() {
      return inFlight
    },
  }
}
