'use client'

import { useEffect, useRef } from 'react'
import type { Versions } from './useVersions'

export type { VersionRow } from './useVersions'

interface Props {
  v: Versions
  canWrite: boolean
  /** the owner may publish versions */
  isOwner: boolean
  /** opens the publish dialog for a version */
  onPublish: (version: number) => void
}

/** Versions with thumbnails; save (with a message), restore, publish and fork. History is never rewritten. */
export function HistoryPanel({ v, canWrite, isOwner, onPublish }: Props) {
  const list = useRef<HTMLOListElement>(null)
  // a version this page just saved is scrolled into view (it is added at the end of the list)
  useEffect(() => {
    if (v.savedNumber === null) return
    list.current?.querySelector(`[data-testid="version-${v.savedNumber}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [v.savedNumber, v.versions])

  return (
    <section aria-labelledby="history-heading" className="flex h-full min-h-0 flex-col gap-2">
      <h2 id="history-heading" className="text-sm font-semibold uppercase tracking-wide text-black/60">
        Versions
      </h2>
      {canWrite && (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault()
            void v.save()
          }}
        >
          <label className="sr-only" htmlFor="version-message">
            What changed?
          </label>
          <input id="version-message" value={v.message} onChange={(e) => v.setMessage(e.target.value)} maxLength={500} placeholder="What changed? (e.g. added a hat)" className="min-w-0 flex-1 rounded-md border border-black/15 px-2 py-1 text-sm" />
          <button type="submit" disabled={v.busy !== null} className="rounded-md border border-violet-700 px-2 py-1 text-sm text-violet-800 hover:bg-violet-50 disabled:opacity-50">
            {v.busy === 'save' ? 'Saving…' : 'Save'}
          </button>
        </form>
      )}
      {v.error && (
        <p role="alert" className="text-xs text-rose-700">
          {v.error}
        </p>
      )}
      <ol ref={list} className="min-h-0 flex-1 space-y-2 overflow-y-auto" aria-label="Version history">
        {v.versions.map((row) => (
          <li key={row.id} className="flex gap-2 rounded-lg border border-black/10 bg-white p-2" data-testid={`version-${row.number}`}>
            {row.thumbUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- content-addressed blob, already a thumbnail
              <img src={row.thumbUrl} alt={`Version ${row.number}`} width={56} height={56} className="h-14 w-14 rounded border border-black/10 object-cover" style={{ imageRendering: 'auto' }} />
            ) : (
              <div className="h-14 w-14 rounded bg-black/5" aria-hidden />
            )}
            <div className="min-w-0 flex-1 text-xs">
              <p className="font-semibold">
                v{row.number} <span className="font-normal text-black/60">· {row.author}</span>
              </p>
              <p className="truncate text-black/70" title={row.message}>
                {row.message}
              </p>
              <p className="text-black/60">{new Date(row.createdAt).toLocaleString()}</p>
              <div className="mt-1 flex flex-wrap gap-x-2 gap-y-1">
                {canWrite && (
                  <button type="button" disabled={v.busy !== null} onClick={() => void v.restore(row.number)} className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40 disabled:opacity-50">
                    {v.busy === `restore-${row.number}` ? 'Restoring…' : 'Restore'}
                  </button>
                )}
                {isOwner && (
                  <button type="button" onClick={() => onPublish(row.number)} className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40">
                    Publish
                  </button>
                )}
                {canWrite && (
                  <button type="button" disabled={v.busy !== null} onClick={() => void v.fork(row.number)} className="rounded border border-black/15 px-2 py-0.5 hover:border-black/40 disabled:opacity-50">
                    {v.busy === `fork-${row.number}` ? 'Forking…' : 'Fork'}
                  </button>
                )}
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}
