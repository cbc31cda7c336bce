'use client'
// The artwork's versions and what can be done with them (save, restore, fork), shared by the
// studio's header (Save version, always in view) and its Versions panel.
import { useRouter } from 'next/navigation'
import { useCallback, useEffect, useState } from 'react'
import { getJsonWithAccess, postJsonWithAccess } from './artwork-fetch'

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

export interface VersionsOptions {
  artworkId: string
  /** the share token the studio was opened with: a link's collaborator has no other access */
  token: string | null
  /** renders the current canvas and waits until every edit is stored; null when it cannot */
  prepareSave: () => Promise<{ png: string; thumb: string } | null>
  /** bump to reload the list (e.g. after a save elsewhere) */
  refreshKey: number
  /** a restore stored its ops up to this seq (they also arrive over the socket) */
  onRestored: (seq: number) => void
}

export type Versions = ReturnType<typeof useVersions>

export function useVersions({ artworkId, token, prepareSave, refreshKey, onRestored }: VersionsOptions) {
  const router = useRouter()
  const [versions, setVersions] = useState<VersionRow[]>([])
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)
  /** the number of the version this page saved last (the panel scrolls it into view) */
  const [savedNumber, setSavedNumber] = useState<number | null>(null)

  useEffect(() => {
    let cancelled = false
    getJsonWithAccess<{ versions: VersionRow[] }>(token, `/api/artworks/${artworkId}/versions`)
      .then((b) => !cancelled && setVersions(b.versions))
      .catch((e: unknown) => !cancelled && setError(`Could not load the versions: ${e instanceof Error ? e.message : String(e)}`))
    return () => {
      cancelled = true
    }
  }, [artworkId, token, refreshKey, reloads])

  const run = useCallback(async (label: string, action: () => Promise<void>) => {
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
  }, [])

  const post = useCallback((url: string) => postJsonWithAccess<{ artwork?: { id: string }; seq?: number }>(token, url, {}), [token])

  const save = useCallback(
    () =>
      run('save', async () => {
        const rendered = await prepareSave()
        if (!rendered) throw new Error('Some edits are not stored yet; try again in a moment.')
        const body = await postJsonWithAccess<{ version?: { number: number } }>(token, `/api/artworks/${artworkId}/versions`, { message: message.trim() || 'Saved version', ...rendered })
        if (body.version) setSavedNumber(body.version.number)
        setMessage('')
      }),
    [run, prepareSave, token, artworkId, message],
  )

  const restore = useCallback(
    (n: number) =>
      run(`restore-${n}`, async () => {
        const { seq } = await post(`/api/artworks/${artworkId}/versions/${n}/restore`)
        if (seq !== undefined) onRestored(seq)
      }),
    [run, post, artworkId, onRestored],
  )

  const fork = useCallback(
    (n: number) =>
      run(`fork-${n}`, async () => {
        const r = await post(`/api/artworks/${artworkId}/versions/${n}/fork`)
        if (r.artwork) router.push(`/studio/${r.artwork.id}`)
      }),
    [run, post, artworkId, router],
  )

  return { versions, message, setMessage, busy, error, save, restore, fork, savedNumber }
}
