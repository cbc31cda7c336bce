'use client'
// The user's ratings of one model in the browser: loaded from /api/ratings on mount (taste persists
// across visits), saved as they are made (optimistic, rolled back with a message on failure), and
// forgotten on request. `snapshot` is the ratings map that steering uses: it only moves when the
// panel asks (freeze), so rating a sample never reshuffles the grid under the pointer.
//
// Ordering: saves of one sample are sent one after another (so the last click is what the server
// keeps); "Forget" waits for the saves already sent, skips the ones not yet sent and ignores their
// answers (a generation counter), and saves made after it wait for its DELETE. Everything is keyed
// by modelId: a change of model starts from an empty, loading state and drops the old model's answers.
import { useCallback, useEffect, useRef, useState } from 'react'
import { authClient, ensureSession } from '@/lib/auth/client'
import { latentKey, ratingListSchema, roundLatent } from '@/lib/taste/wire'

export interface TasteEntry {
  latent: number[]
  liked: boolean
  steered: boolean
}
export type TasteMap = ReadonlyMap<string, TasteEntry>

interface TasteState {
  modelId: string | null
  ratings: TasteMap
  snapshot: TasteMap
  loaded: boolean
  error: string | null
}

const EMPTY: TasteMap = new Map()
const initial = (modelId: string | null): TasteState => ({ modelId, ratings: EMPTY, snapshot: EMPTY, loaded: false, error: null })

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } }
    return body.error?.message ?? `HTTP ${res.status}`
  } catch {
    return `HTTP ${res.status}`
  }
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e))

export function useTasteRatings(modelId: string | null) {
  const [state, setState] = useState<TasteState>(() => initial(modelId))
  // a state left from another model counts as nothing loaded yet
  const view = state.modelId === modelId ? state : initial(modelId)
  const [reload, setReload] = useState(0)

  // the latest map, for callbacks that must not be re-created on every rating
  const latest = useRef(view.ratings)
  useEffect(() => {
    latest.current = view.ratings
  }, [view.ratings])
  /** per model and sample: the save in progress, which the next save of that sample waits for */
  const saves = useRef(new Map<string, Promise<void>>())
  /** per sample: what the server is known to hold (null: no rating), to roll back to */
  const confirmed = useRef(new Map<string, TasteEntry | null>())
  /** a Forget in progress, which new saves wait for */
  const barrier = useRef<Promise<void>>(Promise.resolve())
  /** bumped by Forget and by a change of model: answers of older requests are ignored */
  const generation = useRef(0)

  /** updates the state only while it is still this model's */
  const update = useCallback((fn: (s: TasteState) => TasteState) => setState((s) => (s.modelId === modelId ? fn(s) : s)), [modelId])

  useEffect(() => {
    if (!modelId) return
    generation.current++
    saves.current = new Map()
    confirmed.current = new Map()
    let cancelled = false
    ;(async () => {
      let next: Pick<TasteState, 'ratings' | 'error'>
      try {
        // a first-time visitor has no session yet: nothing to load, and no guest made just to read
        const session = await authClient.getSession()
        let list: TasteEntry[] = []
        if (session.data?.user) {
          const res = await fetch(`/api/ratings?modelId=${encodeURIComponent(modelId)}`, { cache: 'no-store' })
          if (!res.ok) throw new Error(await errorMessage(res))
          list = ratingListSchema.parse(await res.json()).ratings.map(({ latent, liked, steered }) => ({ latent, liked, steered }))
        }
        next = { ratings: new Map(list.map((r) => [latentKey(r.latent), r])), error: null }
      } catch (e) {
        next = { ratings: EMPTY, error: `Could not load your ratings: ${describe(e)}` }
      }
      if (!cancelled) setState({ modelId, snapshot: next.ratings, loaded: true, ...next })
    })()
    return () => {
      cancelled = true
    }
  }, [modelId, reload])

  const rate = useCallback(
    (latent: ArrayLike<number>, liked: boolean, steered: boolean, checkpoint: number): Promise<void> => {
      if (!modelId) return Promise.resolve()
      const key = latentKey(latent)
      const entry: TasteEntry = { latent: roundLatent(latent), liked, steered }
      if (!confirmed.current.has(key)) confirmed.current.set(key, latest.current.get(key) ?? null)
      update((s) => ({ ...s, ratings: new Map(s.ratings).set(key, entry), error: null }))
      const gen = generation.current
      const send = async () => {
        if (gen !== generation.current) return // forgotten (or another model) before it was sent
        let failure: string | null = null
        try {
          await ensureSession()
          const res = await fetch('/api/ratings', {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ modelId, checkpoint, latent: entry.latent, liked, steered }),
          })
          if (!res.ok) failure = await errorMessage(res)
        } catch (e) {
          failure = describe(e)
        }
        if (gen !== generation.current) return // the answer to a request from before Forget
        if (!failure) {
          confirmed.current.set(key, entry)
          return
        }
        // roll back to what the server holds, unless a later rating of the sample replaced this one
        const kept = confirmed.current.get(key) ?? null
        update((s) => {
          if (s.ratings.get(key) !== entry) return { ...s, error: `Your rating was not saved: ${failure}` }
          const ratings = new Map(s.ratings)
          if (kept) ratings.set(key, kept)
          else ratings.delete(key)
          return { ...s, ratings, error: `Your rating was not saved: ${failure}` }
        })
      }
      const job = (saves.current.get(key) ?? barrier.current).then(send)
      saves.current.set(key, job)
      void job.finally(() => {
        if (saves.current.get(key) === job) saves.current.delete(key)
      })
      return job
    },
    [modelId, update],
  )

  const forget = useCallback(async () => {
    if (!modelId) return
    const gen = ++generation.current
    const before = latest.current
    const sent = [...saves.current.values()]
    saves.current = new Map()
    confirmed.current = new Map()
    update((s) => ({ ...s, error: null }))
    const run = (async () => {
      // a save already on its way would otherwise land after the DELETE and bring a rating back
      await Promise.allSettled(sent)
      await ensureSession()
      const res = await fetch(`/api/ratings?modelId=${encodeURIComponent(modelId)}`, { method: 'DELETE' })
      if (!res.ok) throw new Error(await errorMessage(res))
    })()
    barrier.current = run.catch(() => {})
    try {
      await run
      if (gen !== generation.current) return
      // ratings made while the DELETE was on its way were saved after it: they stay
      const keep = (m: TasteMap): TasteMap => new Map([...m].filter(([k, v]) => before.get(k) !== v))
      update((s) => {
        const ratings = keep(s.ratings)
        return { ...s, ratings, snapshot: s.snapshot === s.ratings ? ratings : keep(s.snapshot) }
      })
    } catch (e) {
      if (gen !== generation.current) return
      update((s) => ({ ...s, error: `Could not forget your ratings: ${describe(e)}` }))
      // saves skipped above may leave the page showing ratings the server lacks: read them again
      setReload((n) => n + 1)
    }
  }, [modelId, update])

  /** Steering from now on uses the ratings made so far. */
  const freeze = useCallback(() => update((s) => ({ ...s, snapshot: s.ratings })), [update])

  return { ratings: view.ratings, snapshot: view.snapshot, loaded: view.loaded, error: view.error, rate, forget, freeze }
}
