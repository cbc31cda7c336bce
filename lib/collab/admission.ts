// Admission control for ops on this node (issue 19): past a bound of ops accepted but not yet
// answered (stored, or refused by the op log), new ops are refused with `rate_limited` and a wait,
// before anything about them is parsed, instead of queueing without bound. Without it an
// overloaded node collapses: the writer's queue and the heap grow, every op gets dearer (garbage
// collection), and delivery takes seconds for everyone (bench:collab --curve, 800 clients).
//
// The wait is how long the node needs to answer what it holds down to half the bound (at the rate
// it answered ops over the last second), spread at random over up to twice that, so that refused
// clients come back when there is room and not all at once; the browser's connection
// (lib/collab/client.ts) sends nothing while it waits, then one op, and the rest once that one is
// admitted and answered, in order, so nothing a user drew is lost and a refusal costs one op's
// answer per waiting connection. Counted per process; pure bookkeeping, no I/O.
import type { LimitVerdict } from './socket-limits'

export interface AdmissionLimits {
  /** ops accepted and not yet answered on this node, at most */
  maxOpsInFlight: number
  /** the shortest wait asked for */
  minRetryAfterMs: number
  /** the longest (before the random spread): long waits leave a node idle when the crowd is held back */
  maxRetryAfterMs: number
}

// At the measured ~0.3-0.6 ms of server CPU per op (bench:collab --curve), 3,000 ops are about a
// second of work; far above what normal load holds (tens at 1,000 ops/s, ~1,000 at bursts of 2,000).
export const DEFAULT_ADMISSION: AdmissionLimits = { maxOpsInFlight: 6_000, minRetryAfterMs: 100, maxRetryAfterMs: 2_000 }

/** Answers are counted in windows this long to estimate the rate the node drains its ops at. */
const RATE_WINDOW_MS = 1_000

export interface Admission {
  /** one more op: admitted (call leave() when it is answered), or refused with a wait */
  enter(): LimitVerdict
  leave(): void
  /** ops admitted and not yet answered */
  readonly inFlight: number
}

export function createAdmission(
  limits: AdmissionLimits = DEFAULT_ADMISSION,
  random: () => number = Math.random,
  now: () => number = () => performance.now(),
): Admission {
  let inFlight = 0
  // answers in the current and the previous window
  let windowStart = now()
  let answered = 0
  let answeredBefore = 0
  const roll = (t: number) => {
    if (t - windowStart < RATE_WINDOW_MS) return
    answeredBefore = t - windowStart < 2 * RATE_WINDOW_MS ? answered : 0
    answered = 0
    windowStart = t
  }
  return {
    enter() {
      const t = now()
      roll(t)
      if (inFlight >= limits.maxOpsInFlight) {
        // ops answered per ms over the last full window (or what there is of the current one)
        const rate = Math.max(answeredBefore / RATE_WINDOW_MS, answered / Math.max(1, t - windowStart))
        // nothing answered yet (a node just started): the shortest wait, not a guess
        const drainMs = rate > 0 ? (inFlight - limits.maxOpsInFlight / 2) / rate : limits.minRetryAfterMs
        const base = Math.min(limits.maxRetryAfterMs, Math.max(limits.minRetryAfterMs, drainMs))
        const retryAfterMs = Math.max(1, Math.round(base * (1 + random())))
        return { ok: false, retryAfterMs, message: `The server is busy; your changes are sent again in ${Math.ceil(retryAfterMs / 1000)} s.` }
      }
      inFlight++
      return { ok: true }
    },
    leave() {
      roll(now())
      answered++
      inFlight = Math.max(0, inFlight - 1)
    },
    get inFlight() {
      return inFlight
    },
  }
}
