// How many pictures one person may store per minute (issue 20, pt 5): an upload is up to 2 MB of
// PNG, and a script with an edit link could otherwise fill the blob store. Counted per user in
// the app's throttle store (Redis when REDIS_URL is set, so every node counts together); past the
// budget the upload is refused with 429 before anything is read or stored.
import { appThrottle } from '../auth/auth'
import type { ThrottleRule, ThrottleStore } from '../auth/throttle'
import { HttpError } from './http'

/** The budget: GANVAS_UPLOADS_PER_MINUTE (default 60: a painting and its doodle every two seconds). */
export function uploadRule(env: NodeJS.ProcessEnv = process.env): ThrottleRule {
  const raw = env.GANVAS_UPLOADS_PER_MINUTE?.trim()
  const max = raw ? Number(raw) : 60
  if (!Number.isInteger(max) || max < 1) throw new Error(`GANVAS_UPLOADS_PER_MINUTE must be a positive integer, got ${raw}`)
  return { window: 60, max }
}

/** Spends one upload of `userId`'s budget, or throws 429 rate_limited with how long to wait. */
export async function spendUpload(userId: string, store: ThrottleStore = appThrottle()): Promise<void> {
  const decision = await store.consume(`upload:${userId}`, uploadRule())
  if (!decision.allowed) {
    throw new HttpError(429, 'rate_limited', `Too many pictures stored in a minute: try again in ${decision.retryAfter ?? 60} s. Nothing was stored.`)
  }
}
