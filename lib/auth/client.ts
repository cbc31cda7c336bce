'use client'
// Browser side of identity: the auth library's client, and "continue as a guest" on demand so
// that anyone can start making art at once and sign up later.
import { createAuthClient } from 'better-auth/react'
import { anonymousClient } from 'better-auth/client/plugins'

export const authClient = createAuthClient({ plugins: [anonymousClient()] })

/** Resolves once the browser has a session, creating a guest one when there is none. */
export async function ensureSession(): Promise<{ id: string; name: string }> {
  const current = await authClient.getSession()
  if (current.data?.user) return current.data.user
  const created = await authClient.signIn.anonymous()
  if (created.error || !created.data) throw new Error(created.error?.message ?? 'could not start a guest session')
  return created.data.user
}
