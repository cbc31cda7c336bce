'use client'
// Browser side of identity: the auth library's client, and "continue as a guest" on demand so
// that anyone can start making art at once and sign up later.
import { createAuthClient } from 'better-auth/react'
import { anonymousClient } from 'better-auth/client/plugins'

export const authClient = createAuthClient({ plugins: [anonymousClient()] })

type SessionUser = { id: string; name: string }

async function sessionOrGuest(): Promise<SessionUser> {
  const current = await authClient.getSession()
  if (current.data?.user) return current.data.user
  const created = await authClient.signIn.anonymous()
  if (created.error || !created.data) throw new Error(created.error?.message ?? 'could not start a guest session')
  return created.data.user
}

/** Runs `fn` holding a lock shared by every tab of this site (Web Locks), or alone where there are none. */
function acrossTabs<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return locks ? locks.request(name, fn) : fn()
}

let inFlight: Promise<SessionUser> | null = null

/**
 * Resolves once the browser has a session, creating a guest one when there is none. One guest
 * per browser: calls made at once (a quick run of likes) share one request, and tabs take turns,
 * each looking again once it holds the lock. Two guests created at once would split a visitor's
 * work between them, and the second sign-in is refused while the first one's cookie is set.
 */
export function ensureSession(): Promise<SessionUser> {
  inFlight ??= acrossTabs('ganvas-session', sessionOrGuest).finally(() => {
    inFlight = null
  })
  return inFlight
}
