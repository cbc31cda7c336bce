'use client'

import Link from 'next/link'
import { useState } from 'react'

/** Publishes one version to the gallery: title, description, up to 8 tags. */
export function PublishForm({ artworkId, version, defaultTitle, onClose }: { artworkId: string; version: number; defaultTitle: string; onClose: () => void }) {
  const [title, setTitle] = useState(defaultTitle)
  const [description, setDescription] = useState('')
  const [tags, setTags] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [published, setPublished] = useState<string | null>(null)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
    const res = await fetch(`/api/artworks/${artworkId}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version, title, description, tags: tagList }),
    })
    const body = (await res.json()) as { publication?: { id: string }; error?: { message: string; issues?: Array<{ path: string; message: string }> } }
    setBusy(false)
    if (!res.ok || !body.publication) return setError(body.error?.issues?.[0] ? `${body.error.issues[0].path}: ${body.error.issues[0].message}` : (body.error?.message ?? 'could not publish'))
    setPublished(body.publication.id)
  }

  if (published)
    return (
      <p role="status" className="rounded bg-emerald-50 p-2 text-xs text-emerald-900">
        Published.{' '}
        <Link href={`/gallery/${published}`} className="underline">
          See it in the gallery
        </Link>
      </p>
    )
  const field = 'w-full rounded border border-black/15 px-2 py-1 text-xs'
  return (
    <form onSubmit={submit} className="space-y-1.5 rounded-lg border border-violet-200 bg-violet-50/50 p-2" aria-label={`Publish version ${version}`}>
      <label className="block text-[11px] text-black/60">
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} required className={field} />
      </label>
      <label className="block text-[11px] text-black/60">
        Description
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} rows={2} className={field} />
      </label>
      <label className="block text-[11px] text-black/60">
        Tags (comma-separated, up to 8)
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="smile, hat" className={field} />
      </label>
      {error && (
        <p role="alert" className="text-[11px] text-rose-700">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" disabled={busy} className="flex-1 rounded bg-violet-700 px-2 py-1 text-xs font-medium text-white disabled:opacity-50">
          {busy ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" onClick={onClose} className="rounded border border-black/15 px-2 py-1 text-xs">
          Cancel
        </button>
      </div>
    </form>
  )
}
