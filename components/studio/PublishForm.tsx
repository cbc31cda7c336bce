'use client'

import Link from 'next/link'
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { ConfirmAction } from '@/components/ConfirmAction'

interface PublishedPiece {
  id: string
  title: string
  description: string
  tags: string[]
  likeCount: number
  version: number
}

type ErrorBody = { error?: { message: string; issues?: Array<{ path: string; message: string }> } }

/** The artwork's live gallery entries (owner only). */
async function fetchPublished(artworkId: string): Promise<PublishedPiece[]> {
  const res = await fetch(`/api/artworks/${artworkId}/publish`, { cache: 'no-store' })
  const body = (await res.json()) as { publications?: PublishedPiece[] } & ErrorBody
  if (!res.ok || !body.publications) throw new Error(body.error?.message ?? 'could not list the published pieces')
  return body.publications
}

/**
 * Publishes one version to the gallery: title, description, up to 8 tags. Publishing a version
 * that is already published updates its entry (the server keeps one per version). Lists this
 * artwork's live entries, each with a link and an Unpublish button.
 */
export function PublishForm({ artworkId, version, defaultTitle, onClose }: { artworkId: string; version: number; defaultTitle: string; onClose: () => void }) {
  const [title, setTitle] = useState(defaultTitle)
  const [description, setDescription] = useState('')
  const [tags, setTags] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<{ id: string; updated: boolean } | null>(null)
  const [pieces, setPieces] = useState<PublishedPiece[] | null>(null)
  const [removing, setRemoving] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const listHeading = useRef<HTMLHeadingElement>(null)
  const headingId = useId()
  const prefilled = useRef(false)

  const reload = useCallback(async () => setPieces(await fetchPublished(artworkId)), [artworkId])

  useEffect(() => {
    let cancelled = false
    fetchPublished(artworkId)
      .then((list) => {
        if (cancelled) return
        setPieces(list)
        // this version is already in the gallery: start from its entry, which publishing updates
        const mine = list.find((p) => p.version === version)
        if (!mine || prefilled.current) return
        prefilled.current = true
        setTitle(mine.title)
        setDescription(mine.description)
        setTags(mine.tags.join(', '))
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
    return () => {
      cancelled = true
    }
  }, [artworkId, version])

  const current = pieces?.find((p) => p.version === version) ?? null

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setNotice(null)
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
    try {
      const res = await fetch(`/api/artworks/${artworkId}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version, title, description, tags: tagList }),
      })
      const body = (await res.json()) as { publication?: { id: string }; outcome?: 'created' | 'updated' | 'republished' } & ErrorBody
      if (!res.ok || !body.publication) {
        setError(body.error?.issues?.[0] ? `${body.error.issues[0].path}: ${body.error.issues[0].message}` : (body.error?.message ?? 'could not publish'))
        return
      }
      setDone({ id: body.publication.id, updated: body.outcome === 'updated' })
      await reload().catch(() => {})
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  const takeDown = async (piece: PublishedPiece) => {
    setRemoving(piece.id)
    setError(null)
    setNotice(null)
    try {
      const res = await fetch(`/api/gallery/${piece.id}`, { method: 'DELETE' })
      const body = (await res.json()) as ErrorBody
      if (!res.ok) throw new Error(body.error?.message ?? 'could not unpublish')
      if (done?.id === piece.id) setDone(null)
      setNotice(`Unpublished “${piece.title}”.`)
      await reload()
      // the button that had focus is gone: keep keyboard users in the list
      listHeading.current?.focus()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setRemoving(null)
    }
  }

  const published = pieces && pieces.length > 0 && (
    <section aria-labelledby={headingId} className="space-y-1 rounded-lg border border-black/10 bg-white p-2">
      <h3 id={headingId} ref={listHeading} tabIndex={-1} className="text-[11px] font-semibold uppercase tracking-wide text-black/60">
        In the gallery
      </h3>
      <ul className="space-y-1.5 divide-y divide-black/5" aria-label="Published pieces of this artwork">
        {pieces.map((p) => (
          <li key={p.id} className="text-xs">
            <Link href={`/gallery/${p.id}`} title={p.title} className="block truncate rounded text-violet-800 underline underline-offset-2 hover:text-violet-950">
              {p.title}
            </Link>
            <div className="mt-0.5 flex items-center justify-between gap-2">
              <span className="text-black/60">
                v{p.version} · ♥ {p.likeCount}
              </span>
              <ConfirmAction
                question={`Unpublish v${p.version}?`}
                confirm="Unpublish"
                groupLabel={`Confirm unpublishing “${p.title}”`}
                onConfirm={() => void takeDown(p)}
                disabled={removing !== null}
                ariaLabel={`Unpublish “${p.title}” (version ${p.version})`}
                size="sm"
                className="shrink-0 rounded border border-rose-200 px-1.5 py-0.5 text-rose-700 hover:border-rose-400 hover:bg-rose-50"
              >
                {removing === p.id ? 'Unpublishing…' : 'Unpublish'}
              </ConfirmAction>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
  const status = (error || notice) && (
    <p role={error ? 'alert' : 'status'} className={`text-[11px] ${error ? 'text-rose-700' : 'text-black/70'}`}>
      {error ?? notice}
    </p>
  )

  if (done)
    return (
      <div className="space-y-1.5">
        <p role="status" className="rounded bg-emerald-50 p-2 text-xs text-emerald-900">
          {done.updated ? 'Publication updated.' : 'Published.'}{' '}
          <Link href={`/gallery/${done.id}`} className="underline">
            See it in the gallery
          </Link>
        </p>
        {status}
        {published}
      </div>
    )
  const field = 'w-full rounded border border-black/15 px-2 py-1 text-xs'
  return (
    <div className="space-y-1.5">
      <form onSubmit={submit} className="space-y-1.5 rounded-lg border border-violet-200 bg-violet-50/50 p-2" aria-label={`Publish version ${version}`}>
        {current && <p className="text-[11px] text-black/70">Version {version} is in the gallery as “{current.title}”: publishing again updates it.</p>}
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
        {status}
        <div className="flex gap-2">
          <button type="submit" disabled={busy} className="flex-1 rounded bg-violet-700 px-2 py-1 text-xs font-medium text-white disabled:opacity-50">
            {busy ? 'Publishing…' : current ? 'Update' : 'Publish'}
          </button>
          <button type="button" onClick={onClose} className="rounded border border-black/15 px-2 py-1 text-xs">
            Cancel
          </button>
        </div>
      </form>
      {published}
    </div>
  )
}
