'use client'

import { useCallback, useEffect, useState } from 'react'
import { ConfirmAction } from '@/components/ConfirmAction'

interface Link {
  id: string
  token: string
  role: 'edit' | 'view'
  createdAt: string
}

/** The owner's share links: create (edit or view), copy, revoke. */
export function SharePanel({ artworkId }: { artworkId: string }) {
  const [links, setLinks] = useState<Link[]>([])
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)

  useEffect(() => {
    let cancelled = false
    fetch(`/api/artworks/${artworkId}/share`)
      .then((r) => r.json() as Promise<{ links?: Link[] }>)
      .then((b) => !cancelled && setLinks(b.links ?? []))
      .catch(() => {})
    return () => {
      cancelled = true
    }
  }, [artworkId, reloads])

  const urlOf = (l: Link) => `${window.location.origin}/studio/${artworkId}?token=${l.token}`
  const call = useCallback(async (url: string, init: RequestInit) => {
    setError(null)
    const res = await fetch(url, init)
    if (!res.ok) setError(((await res.json()) as { error?: { message: string } }).error?.message ?? `failed (${res.status})`)
    setReloads((n) => n + 1)
  }, [])

  return (
    <section aria-labelledby="share-heading" className="space-y-2 rounded-xl border border-black/10 bg-white p-3">
      <h2 id="share-heading" className="text-sm font-semibold uppercase tracking-wide text-black/60">
        Share
      </h2>
      <div className="flex gap-2">
        {(['edit', 'view'] as const).map((role) => (
          <button key={role} type="button" onClick={() => call(`/api/artworks/${artworkId}/share`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) })} className="flex-1 rounded-md border border-black/15 px-2 py-1 text-xs hover:border-black/40">
            New {role} link
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="text-xs text-rose-700">
          {error}
        </p>
      )}
      <ul className="space-y-1 text-xs" aria-label="Share links">
        {links.map((l) => (
          <li key={l.id} className="flex items-center gap-2" data-testid={`share-${l.role}`}>
            <span className={`rounded px-1.5 py-0.5 ${l.role === 'edit' ? 'bg-emerald-100 text-emerald-900' : 'bg-sky-100 text-sky-900'}`}>{l.role}</span>
            <textarea readOnly rows={2} value={urlOf(l)} aria-label={`${l.role} link`} className="min-w-0 flex-1 resize-none break-all rounded border border-black/10 px-1.5 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              className="rounded border border-black/15 px-1.5 py-0.5 hover:border-black/40"
              onClick={() => {
                void navigator.clipboard?.writeText(urlOf(l)).then(() => setCopied(l.id))
              }}
            >
              {copied === l.id ? 'Copied' : 'Copy'}
            </button>
            <ConfirmAction
              question="Revoke? Everyone who joined with it leaves at once."
              confirm="Revoke"
              groupLabel={`Confirm revoking the ${l.role} link`}
              onConfirm={() => void call(`/api/artworks/${artworkId}/share/${l.id}`, { method: 'DELETE' })}
              ariaLabel={`Revoke the ${l.role} link`}
              size="sm"
              className="rounded border border-rose-200 px-1.5 py-0.5 text-rose-700 hover:border-rose-400"
            >
              Revoke
            </ConfirmAction>
          </li>
        ))}
      </ul>
    </section>
  )
}
