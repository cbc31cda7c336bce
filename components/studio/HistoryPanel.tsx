'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { getJsonWithAccess, postJsonWithAccess } from './artwork-fetch'
import { PublishForm } from './PublishForm'

export interface VersionRow {
  id: string
  number: number
  message: string
  seq: number
  createdAt: string
  author: string
  parentNumber: number | null
  thumbUrl: string | null
}

interface Props {
  artworkId: string
  /** the share token the studio was opened with: a link's collaborator has no other access */
  token: string | null
  canWrite: boolean
  /** the owner may publish versions */
  isOwner: boolean
  title: string
  /** renders the current canvas and waits until every edit is stored; null when it cannot */
  prepareSave: () => Promise<{ png: string; thumb: string } | null>
  /** bump to reload the list (e.g. after a save elsewhere) */
  refreshKey: number
  /** a restore stored its ops up to this seq (they also arrive over the socket) */
  onRestored: (seq: number) => void
}

/** Versions with thumbnails; save (with a message), restore and fork. History is never rewritten. */
export function HistoryPanel({ artworkId, token, canWrite, isOwner, title, prepareSave, refreshKey, onRestored }: Props) {
  const [publishing, setPublishing] = useState<number | null>(null)
  const router = useRouter()
  const [versions, setVersions] = useState<VersionRow[]>([])
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)

  useEffect(() => {
    let cancelled = false
    getJsonWithAccess<{ versions: VersionRow[] }>(token, `/api/artworks/${artworkId}/versions`)
      .then((b) => !cancelled && setVersions(b.versions))
      .catch((e: unknown) => !cancelled && setError(`Could not load the versions: ${e instanceof Error ? e.message : String(e)}`))
    return () => {
      cancelled = true
    }
  }, [artworkId, token, refreshKey, reloads])

  const post = (url: string) => postJsonWithAccess<{ artwork?: { id: string }; seq?: number }>(token, url, {})

  const run = async (label: string, action: () => Promise<void>) => {
    setBusy(label)
    setError(null)
    try {
      await action()
      setReloads((n) => n + 1)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  const save = () =>
    run('save', async () => {
      const rendered = await prepareSave()
      if (!rendered) throw new Error('Some edits are not stored yet; try again in a moment.')
      await postJsonWithAccess(token, `/api/artworks/${artworkId}/versions`, { message: message.trim() || 'Saved version', ...rendered })
      setMessage('')
    })

  return (
    <section aria-labelledby="history-heading" className="flex h-full flex-col gap-3">
      <h2 id="history-heading" className="text-sm font-semibold uppercase tracking-wide text-black/60">
        Versions
      </h2>
      {canWrite && (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
        >
          <label className="block text-xs text-black/60" htmlFor="version-message">
            What changed?
          </label>
          <input id="version-message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} placeholder="e.g. added a hat" className="w-full rounded-md border border-black/15 px-2 py-1 text-sm" />
          <button type="submit" disabled={busy !== null} className="w-full rounded-md bg-violet-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-50">
            {busy === 'save' ? 'Saving…' : 'Save version'}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="text-xs text-rose-700">
          {error}
        </p>
      )}
      <ol className="flex-1 space-y-2 overflow-y-auto" aria-label="Version history">
        {versions.map((v) => (
          <li key={v.id} className="flex gap-2 rounded-lg border border-black/10 bg-white p-2" data-testid={`version-${v.number}`}>
            {v.thumbUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- content-addressed blob, already a thumbnail
              <img src={v.thumbUrl} alt={`Version ${v.number}`} width={56} height={56} className="h-14 w-14 rounded border border-black/10 object-cover" style={{ imageRendering: 'auto' }} />
            ) : (
              <div className="h-14 w-14 rounded bg-black/5" aria-hidden />
            )}
            <div className="min-w-0 flex-1 text-xs">
              <p className="font-semibold">
                v{v.number} <span className="font-normal text-black/60">· {v.author}</span>
              </p>
              <p className="truncate text-black/70" title={v.message}>
                {v.message}
              </p>
              <p className="text-black/60">{new Date(v.createdAt).toLocaleString()}</p>
              <div className="mt-1 flex flex-wrap gap-x-2 gap-y-1">
                {canWrite && (
                  <button type="button" disabled={busy !== null} onClick={() => run(`restore-${v.number}`, async () => {
                        const { seq } = await post(`/api/artworks/${artworkId}/versions/${v.number}/restore`)
                        if (seq !== undefined) onRestored(seq)
                      })} className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40 disabled:opacity-50">
                    {busy === `restore-${v.number}` ? 'Restoring…' : 'Restore'}
                  </button>
                )}
                {isOwner && (
                  <button type="button" onClick={() => setPublishing(publishing === v.number ? null : v.number)} className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40">
                    Publish
                  </button>
                )}
                {canWrite && (
                  <button
                    type="button"
                    disabled={busy !== null}
                    onClick={() =>
                      run(`fork-${v.number}`, async () => {
                        const r = await post(`/api/artworks/${artworkId}/versions/${v.number}/fork`)
                        if (r.artwork) router.push(`/studio/${r.artwork.id}`)
                      })
                    }
                    className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40 disabled:opacity-50"
                  >
                    {busy === `fork-${v.number}` ? 'Forking…' : 'Fork'}
                  </button>
                )}
              </div>
              {publishing === v.number && (
                <div className="mt-2">
                  <PublishForm artworkId={artworkId} version={v.number} defaultTitle={title} onClose={() => setPublishing(null)} />
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}
