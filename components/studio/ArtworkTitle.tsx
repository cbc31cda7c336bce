'use client'

import { useState } from 'react'

/** The artwork's title; its owner renames it in place (Enter saves, Escape cancels). */
export function ArtworkTitle({ artworkId, title, canRename, onRenamed }: { artworkId: string; title: string | null; canRename: boolean; onRenamed: (title: string) => void }) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  if (title === null) return <h1 className="text-xl font-semibold">Loading…</h1>
  if (!editing)
    return (
      <div className="flex items-center gap-1">
        <h1 className="max-w-[22rem] truncate text-xl font-semibold" title={title}>
          {title}
        </h1>
        {canRename && (
          <button type="button" onClick={() => (setDraft(title), setError(null), setEditing(true))} aria-label="Rename the artwork" title="Rename" className="rounded px-1 text-base text-black/50 hover:bg-black/5 hover:text-black focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-600">
            ✎
          </button>
        )}
      </div>
    )
  const save = async () => {
    const next = draft.trim()
    if (!next || next === title) return setEditing(false)
    setBusy(true)
    try {
      const res = await fetch(`/api/artworks/${artworkId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: next }) })
      const body = (await res.json()) as { artwork?: { title: string }; error?: { message: string } }
      if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? `failed (${res.status})`)
      onRenamed(body.artwork.title)
      setEditing(false)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <label className="sr-only" htmlFor="artwork-title">
        Title
      </label>
      <input id="artwork-title" autoFocus value={draft} maxLength={120} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setEditing(false)} className="w-72 rounded-md border border-black/20 px-2 py-1 text-lg font-semibold" />
      <button type="submit" disabled={busy} className="rounded-md bg-violet-700 px-2.5 py-1 text-sm text-white disabled:opacity-50">
        {busy ? 'Saving…' : 'Rename'}
      </button>
      {error && (
        <span role="alert" className="text-xs text-rose-700">
          {error}
        </span>
      )}
    </form>
  )
}
