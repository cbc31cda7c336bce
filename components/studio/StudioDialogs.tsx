'use client'
// The studio's dialogs: publishing a version to the gallery, and the owner's share links.

import { useState } from 'react'
import { Modal } from '@/components/Modal'
import { PublishForm } from './PublishForm'
import { SharePanel } from './SharePanel'
import type { VersionRow } from './useVersions'

/** Publish one version (the one asked for, else the newest): its form and the artwork's live entries. */
export function PublishDialog({ artworkId, versions, initial, title, onClose }: { artworkId: string; versions: VersionRow[]; initial: number | null; title: string; onClose: () => void }) {
  const newest = versions.reduce((n, v) => Math.max(n, v.number), 0)
  const [version, setVersion] = useState(initial ?? newest)
  return (
    <Modal title="Publish to the gallery" onClose={onClose} wide>
      {versions.length === 0 ? (
        <p className="text-sm text-black/70">Save a version first: a published piece is a saved version.</p>
      ) : (
        <>
          <label className="flex items-center gap-2 text-sm">
            Version
            <select value={version} onChange={(e) => setVersion(Number(e.target.value))} className="rounded-md border border-black/15 px-2 py-1">
              {[...versions].reverse().map((v) => (
                <option key={v.id} value={v.number}>
                  v{v.number}: {v.message}
                </option>
              ))}
            </select>
          </label>
          <PublishForm key={version} artworkId={artworkId} version={version} defaultTitle={title} onClose={onClose} />
        </>
      )}
    </Modal>
  )
}

export function ShareDialog({ artworkId, onClose }: { artworkId: string; onClose: () => void }) {
  return (
    <Modal title="Share this artwork" onClose={onClose} wide>
      <p className="text-sm text-black/70">An edit link lets anyone who has it draw here with you, live; a view link shows the canvas live, read-only. Revoke a link to close it at once.</p>
      <SharePanel artworkId={artworkId} />
    </Modal>
  )
}
