'use client'
// The user's ratings of one model in the browser: loaded from /api/ratings on mount (taste persists
// across visits), saved as they are made (optimistic, rolled back with a message on failure), and
// forgotten on request. `snapshot` is the set that steering uses: it only moves when the panel
// asks (freeze), so rating a sample never reshuffles the grid under the pointer.
import { useCallback, useEffect, useRef, useState } from 'react'
import { authClient, ensureSession } from '@/lib/auth/client'
import { latentKey, ratingListSchema, roundLatent } from '@/lib/taste/wire'

export interface TasteEntry {
  latent: number[]
  liked: boolean
  steered: boolean
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } }
    return body.error?.message ?? `HTTP ${res.status}`
  } catch {
    return `HTTP ${res.status}`
  }
}

export function useTasteRatings(modelId: string | null) {
  const [ratings, setRatings] = useState<ReadonlyMap<string, TasteEntry>>(new Map())
  const [snapshot, setSnapshot] = useState<TasteEntry[]>([])
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // the latest map, for callbacks that must not be re-created on every rating
  const latest = useRef(ratings)
  useEffect(() => {
    latest.current = ratings
  }, [ratings])

  useEffect(() => {
    if (!modelId) return
    let cancelled = false
    ;(async () => {
      try {
        // a first-time visitor has no session yet: nothing to load, and no guest made just to read
        const session = await authClient.getSession()
        let list: TasteEntry[] = []
        if (session.data?.user) {
          const res = await fetch(`/api/ratings?modelId=${encodeURIComponent(modelId)}`, { cache: 'no-store' })
          if (!res.ok) throw new Error(await errorMessage(res))
          list = ratingListSchema.parse(await res.json()).ratings.map(({ latent, liked, steered }) => ({ latent, liked, steered }))
        }
        if (cancelled) return
        const map = new Map(list.map((r) => [latentKey(r.latent), r]))
        setRatings(map)
        setSnapshot([...map.values()])
      } catch (e) {
        if (!cancelled) setError(`Could not load your ratings: ${e instanceof Error ? e.message : String(e)}`)
      } finally {
        if (!cancelled) setLoaded(true)
      }
    })()
    return () => {
      cancelled = true
    }
  }, [modelId])

  const rate = useCallback(
    async (latent: ArrayLike<number>, liked: boolean, steered: boolean, checkpoint: number) => {
      if (!modelId) return
      const key = latentKey(latent)
      const entry: TasteEntry = { latent: roundLatent(latent), liked, steered }
      const previous = latest.current.get(key)
      setRatings((m) => new Map(m).set(key, entry))
      setError(null)
      try {
        await ensureSession()
        const res = await fetch('/api/ratings', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ modelId, checkpoint, latent: entry.latent, liked, steered }),
        })
        if (!res.ok) throw new Error(await errorMessage(res))
      } catch (e) {
        // roll back, unless a later rating of the same sample has replaced this one meanwhile
        setRatings((m) => {
          if (m.get(key) !== entry) return m
          const next = new Map(m)
          if (previous) next.set(key, previous)
          else next.delete(key)
          return next
        })
        setError(`Your rating was not saved: ${e instanceof Error ? e.message : String(e)}`)
      }
    },
    [modelId],
  )

  const forget = useCallback(async () => {
    if (!modelId) return
    setError(null)
    try {
      await ensureSession()
      const res = await fetch(`/api/ratings?modelId=${encodeURIComponent(modelId)}`, { method: 'DELETE' })
      if (!res.ok) throw new Error(await errorMessage(res))
      setRatings(new Map())
      setSnapshot([])
    } catch (e) {
      setError(`Could not forget your ratings: ${e instanceof Error ? e.message : String(e)}`)
    }
  }, [modelId])

  /** Steering from now on uses the ratings made so far. */
  const freeze = useCallback(() => setSnapshot([...latest.current.values()]), [])

  return { ratings, snapshot, loaded, error, rate, forget, freeze }
}
