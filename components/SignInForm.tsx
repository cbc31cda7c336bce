'use client'

import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { authClient, ensureSession } from '@/lib/auth/client'

/**
 * Email + password sign-in and sign-up through the auth library, or continue as a guest. A guest
 * who signs up or signs in brings their work along (the server moves it: lib/db/accounts.ts);
 * afterwards the form goes back to `next` (the page the user came from), else to /generate.
 */
export function SignInForm({ initialMode = 'signin', next = null }: { initialMode?: 'signin' | 'signup'; next?: string | null }) {
  const router = useRouter()
  const session = authClient.useSession()
  const guest = (session.data?.user as { name: string; isAnonymous?: boolean | null } | undefined)?.isAnonymous ? session.data?.user.name : null
  const [mode, setMode] = useState<'signin' | 'signup'>(initialMode)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    const res = mode === 'signin' ? await authClient.signIn.email({ email, password }) : await authClient.signUp.email({ email, password, name: (name.trim() || email.split('@')[0]!).slice(0, 40) })
    setBusy(false)
    if (res.error) {
      // a guest's sign-up that failed on the server (the move of their work, say) left them the
      // guest with everything they made; the account may exist already, so signing in retries
      const failedOnServer = res.error.status >= 500
      return setError(
        failedOnServer && guest
          ? 'Something went wrong before your guest work could move to the account. Nothing was lost: try signing in to it.'
          : res.error.message || 'That did not work.',
      )
    }
    router.push(next ?? '/generate')
    router.refresh()
  }

  const field = 'mt-1 block w-full rounded-md border border-black/15 px-3 py-2'
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <div className="flex rounded-lg bg-black/5 p-1 text-sm" role="tablist">
        {(['signin', 'signup'] as const).map((m) => (
          <button key={m} role="tab" aria-selected={mode === m} type="button" onClick={() => setMode(m)} className={`flex-1 rounded-md px-3 py-1.5 ${mode === m ? 'bg-white shadow-sm' : 'text-black/60'}`}>
            {m === 'signin' ? 'Sign in' : 'Create account'}
          </button>
        ))}
      </div>
      {guest && (
        <p className="rounded-lg bg-violet-50 px-3 py-2 text-sm text-violet-950" data-testid="guest-carry-note">
          You are drawing as the guest <strong>{guest}</strong>. Everything you made as a guest (artworks, versions, edits in shared pieces, likes and ratings) moves to the account you {mode === 'signup' ? 'create' : 'sign in to'}.
        </p>
      )}
      <form onSubmit={submit} className="space-y-3">
        {mode === 'signup' && (
          <label className="block text-sm">
            Display name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={40} autoComplete="nickname" className={field} />
          </label>
        )}
        <label className="block text-sm">
          Email
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" className={field} />
        </label>
        <label className="block text-sm">
          Password
          <input type="password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={mode === 'signin' ? 'current-password' : 'new-password'} className={field} />
        </label>
        {error && (
          <p role="alert" className="text-sm text-rose-700">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="w-full rounded-lg bg-violet-700 px-4 py-2 font-medium text-white hover:bg-violet-800 disabled:opacity-50">
          {busy ? '…' : mode === 'signin' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      {guest ? (
        <button type="button" onClick={() => router.push(next ?? '/generate')} className="w-full text-sm text-black/60 underline-offset-2 hover:underline">
          Go on as {guest} for now
        </button>
      ) : (
        <button type="button" onClick={() => void ensureSession().then(() => router.push(next ?? '/generate'))} className="w-full text-sm text-black/60 underline-offset-2 hover:underline">
          Continue as a guest
        </button>
      )}
    </div>
  )
}
