'use client'

import Link from 'next/link'
import { usePathname, useRouter } from 'next/navigation'
import { useState } from 'react'
import { authClient } from '@/lib/auth/client'
import { signInHref } from '@/lib/auth/return-path'

/** Who you are in the header: a guest (rename, or sign up to keep your work) or an account. */
export function UserMenu() {
  const { data, isPending, refetch } = authClient.useSession()
  const router = useRouter()
  const pathname = usePathname()
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState('')
  if (isPending) return null
  const user = data?.user as { name: string; isAnonymous?: boolean | null } | undefined
  // back to this very page afterwards, its query (a share link's token) included
  const toSignIn = (mode: 'signin' | 'signup') => (e: React.MouseEvent) => {
    e.preventDefault()
    router.push(signInHref(mode, window.location.pathname + window.location.search))
  }
  if (!user)
    return (
      <Link href={signInHref('signin', pathname)} onClick={toSignIn('signin')} className="text-sm text-black/70 hover:text-black">
        Sign in
      </Link>
    )
  if (renaming)
    return (
      <form
        className="flex items-center gap-1"
        onSubmit={async (e) => {
          e.preventDefault()
          if (name.trim()) await authClient.updateUser({ name: name.trim().slice(0, 40) })
          setRenaming(false)
          refetch()
        }}
      >
        <label className="sr-only" htmlFor="display-name">
          Display name
        </label>
        <input id="display-name" autoFocus value={name} maxLength={40} onChange={(e) => setName(e.target.value)} className="w-32 rounded border border-black/20 px-2 py-0.5 text-sm" />
        <button type="submit" className="rounded bg-violet-700 px-2 py-0.5 text-xs text-white">
          Save
        </button>
      </form>
    )
  return (
    <div className="flex items-center gap-2 text-sm">
      <button type="button" title="Change your display name" onClick={() => (setName(user.name), setRenaming(true))} className="rounded px-1 text-black/80 hover:bg-black/5" data-testid="me">
        {user.name}
        {user.isAnonymous ? <span className="ml-1 text-xs text-black/60">(guest)</span> : null}
      </button>
      {user.isAnonymous ? (
        <Link href={signInHref('signup', pathname)} onClick={toSignIn('signup')} className="text-xs text-violet-700 hover:underline">
          Sign up to keep your work
        </Link>
      ) : (
        <button type="button" onClick={() => void authClient.signOut().then(() => (router.push('/'), router.refresh()))} className="text-xs text-black/60 hover:text-black">
          Sign out
        </button>
      )}
    </div>
  )
}
