'use client'
// Teach mode: the human as discriminator. Rate samples; a preference model over the latents
// (lib/taste, fitted in the browser, in a Web Worker) steers the next samples toward what you liked.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ConfirmAction } from '@/components/ConfirmAction'
import type { GeneratorHandle } from '@/components/generate/useGenerator'
import type { Pixels } from '@/lib/gan/runtime'
import { fitPreference, fitWithAccuracy, measuredLikeShare, predictLike, steeredBatch, steeringActive, steeringEffect, type LabelledLatent, type SteerMethod } from '@/lib/taste/preference'
import { latentFingerprint, latentKey } from '@/lib/taste/wire'
import type { FitJob, FitReply, FitResult } from './taste-fit.worker'
import { TeachSample } from './teach-grid'
import { useTasteRatings, type TasteMap } from './teach-ratings'
import { TeachStats } from './teach-stats'

const GRID = 12
/** the generate page's default variation: typical, clean faces */
const PSI = 0.8
/** a burst of ratings is fitted once, this long after the last of them */
const FIT_DELAY_MS = 300
const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0] as number

/** A fit and the ratings map (and latent size) it was made from. */
type Fit = FitResult & { source: TasteMap; zDim: number }

/**
 * Fitting off the main thread (seconds at the 2,000-rating listing cap): one worker, started on
 * first use, answering jobs in order. Where a worker cannot start or fails, the same code runs on
 * the main thread.
 */
class TasteFitter {
  private worker: Worker | null | undefined
  private next = 0
  private readonly waiting = new Map<number, { job: FitJob; done: (r: FitReply) => void }>()

  run(data: LabelledLatent[], accuracy: boolean): Promise<FitResult> {
    const job: FitJob = { id: this.next++, data, accuracy }
    const worker = this.start()
    const reply = worker
      ? new Promise<FitReply>((done) => {
          this.waiting.set(job.id, { job, done })
          worker.postMessage(job)
        })
      : Promise.resolve().then(() => this.here(job))
    return reply.then((r) => {
      if ('error' in r) throw new Error(r.error)
      return { model: r.model, accuracy: r.accuracy }
    })
  }

  close() {
    this.worker?.terminate()
    this.worker = null
    for (const [id, { done }] of this.waiting) done({ id, error: 'the panel closed' })
    this.waiting.clear()
  }

  private here(job: FitJob): FitReply {
    try {
      return { id: job.id, ...(job.accuracy ? fitWithAccuracy(job.data) : { model: fitPreference(job.data), accuracy: null }) }
    } catch (e) {
      return { id: job.id, error: e instanceof Error ? e.message : String(e) }
    }
  }

  private start(): Worker | null {
    if (this.worker !== undefined) return this.worker
    try {
      const worker = new Worker(new URL('./taste-fit.worker.ts', import.meta.url))
      worker.onmessage = (e: MessageEvent<FitReply>) => {
        const waiting = this.waiting.get(e.data.id)
        this.waiting.delete(e.data.id)
        waiting?.done(e.data)
      }
      // a worker that fails (its script did not load, say): its jobs and all later ones run here
      worker.onerror = () => {
        worker.terminate()
        this.worker = null
        const left = [...this.waiting.values()]
        this.waiting.clear()
        for (const { job, done } of left) done(this.here(job))
      }
      this.worker = worker
    } catch {
      this.worker = null
    }
    return this.worker
  }
}

function useFitter() {
  const fitter = useRef<TasteFitter | null>(null)
  useEffect(
    () => () => {
      fitter.current?.close()
      fitter.current = null
    },
    [],
  )
  return useCallback((data: LabelledLatent[], accuracy: boolean) => (fitter.current ??= new TasteFitter()).run(data, accuracy), [])
}

export function TeachPanel({ gen }: { gen: GeneratorHandle }) {
  const zDim = gen.manifest?.zDim ?? 0
  const modelId = gen.manifest?.id ?? null
  const step = gen.manifest?.checkpoints[gen.checkpoint]?.step ?? 0
  const taste = useTasteRatings(modelId)
  const { freeze } = taste
  const [seed, setSeed] = useState(randomSeed)
  const [strength, setStrength] = useState(0)
  const [method, setMethod] = useState<SteerMethod>('direction')
  const [pixels, setPixels] = useState<{ batch: string; images: Pixels[] } | null>(null)
  const run = useRef(0)
  const fit = useFitter()

  // ratings of this generator's latent size only (a retrained model could change it)
  const usable = useCallback((list: TasteMap) => [...list.values()].filter((r) => r.latent.length === zDim), [zDim])
  const all = useMemo(() => usable(taste.ratings), [taste.ratings, usable])

  // The figures follow every rating: fitted in the worker once a burst of ratings has settled
  // (the model and its cross-validation, which reuses that full fit).
  const [live, setLive] = useState<Fit | null>(null)
  // Steering uses the ratings as of the last control change (taste.snapshot), so rating never
  // reshuffles the grid: the fit of that snapshot, kept when the live fit moves on.
  const [adopted, setAdopted] = useState<Fit | null>(null)
  const snapshotRef = useRef(taste.snapshot)
  useEffect(() => {
    snapshotRef.current = taste.snapshot
  }, [taste.snapshot])
  const liveRun = useRef(0)
  useEffect(() => {
    const source = taste.ratings
    const mine = ++liveRun.current
    const timer = setTimeout(() => {
      fit(all, true).then(
        (r) => {
          const result: Fit = { ...r, source, zDim }
          if (mine === liveRun.current) setLive(result)
          if (source === snapshotRef.current) setAdopted(result)
        },
        (e: unknown) => console.error('Teach mode: fitting the taste model failed', e),
      )
    }, FIT_DELAY_MS)
    return () => clearTimeout(timer)
  }, [all]) // eslint-disable-line react-hooks/exhaustive-deps -- all changes with taste.ratings and zDim; fit is stable

  const fitOf = (f: Fit | null) => (f && f.source === taste.snapshot && f.zDim === zDim ? f : null)
  const exact = fitOf(live) ?? fitOf(adopted)
  // while the new snapshot is fitted, the previous steering stays (no flash of plain samples)
  const steerModel = (exact ?? adopted)?.model ?? null
  const steerPending = !exact
  // the snapshot is not the current ratings (rated since the control change): the live fit will
  // not bring its model, so fit it on its own
  const ownSteerFit = steerPending && taste.snapshot !== taste.ratings
  useEffect(() => {
    if (!ownSteerFit) return
    const source = taste.snapshot
    let cancelled = false
    fit(usable(source), false).then(
      (r) => {
        if (!cancelled) setAdopted({ ...r, source, zDim })
      },
      (e: unknown) => console.error('Teach mode: fitting the taste model failed', e),
    )
    return () => {
      cancelled = true
    }
  }, [ownSteerFit, taste.snapshot, usable, fit, zDim])

  const liveModel = live?.model ?? null
  const accuracy = live?.accuracy ?? null
  const measured = useMemo(() => measuredLikeShare(all), [all])
  const predicted = useMemo(() => (liveModel && zDim ? steeringEffect(liveModel, zDim, { method, strength }) : null), [liveModel, zDim, method, strength])

  const options = useMemo(() => ({ method, strength }), [method, strength])
  const latents = useMemo(() => (zDim ? steeredBatch(steerModel, seed, GRID, zDim, options) : []), [steerModel, seed, zDim, options])
  const steered = steeringActive(steerModel, options)
  const batch = useMemo(() => latents.map(latentFingerprint).join(' '), [latents])

  useEffect(() => {
    if (!gen.ready || !latents.length) return
    const mine = ++run.current
    void gen.generate(latents, PSI).then((images) => {
      if (mine === run.current) setPixels({ batch, images })
    })
  }, [gen.ready, gen.generate, gen.checkpoint, latents, batch]) // eslint-disable-line react-hooks/exhaustive-deps -- gen is a fresh object each render

  const rate = useCallback((i: number, liked: boolean) => {
    const z = latents[i]
    if (z) void taste.rate(z, liked, steered, step)
  }, [latents, taste, steered, step])

  /** steering follows the ratings made so far; their fit is at hand when the live one is current */
  const freezeSteering = () => {
    if (live && live.source === taste.ratings && live.zDim === zDim) setAdopted(live)
    freeze()
  }
  const changeStrength = (v: number) => {
    setStrength(v)
    freezeSteering()
  }
  const changeMethod = (m: SteerMethod) => {
    setMethod(m)
    freezeSteering()
  }
  const newBatch = () => {
    setSeed(randomSeed())
    freezeSteering()
  }

  if (gen.error) return <p role="alert" className="rounded-lg bg-rose-50 p-4 text-rose-800">The generator could not start: {gen.error}</p>

  const likes = all.filter((r) => r.liked).length
  const shown = pixels?.batch === batch ? pixels.images : null
  // a steered grid waiting for the fit of the latest ratings is not final yet
  const settling = steerPending && strength > 0
  return (
    <section aria-labelledby="teach-heading" className="space-y-4">
      <header className="space-y-1">
        <h2 id="teach-heading" className="text-2xl font-semibold tracking-tight">Teach it your taste</h2>
        <p className="max-w-3xl text-sm text-black/70">
          Be the discriminator: like or dislike samples. Your browser fits a logistic regression over the latent vectors behind them and steers new samples toward
          what you liked, along the learned direction or by drawing several candidates per slot and keeping the best. Your ratings are saved, so your taste is here
          next time.
        </p>
      </header>

      <div className="flex flex-wrap items-end gap-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm">
        <button type="button" onClick={newBatch} disabled={!gen.ready} className="rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white outline-none hover:bg-violet-800 focus-visible:ring-2 focus-visible:ring-violet-600 focus-visible:ring-offset-2 disabled:opacity-40">
          New batch
        </button>
        <label className="flex flex-col text-sm">
          <span className="text-black/70">
            Steer <output className="font-mono">{Math.round(strength * 100)}%</output>
          </span>
          <input type="range" min={0} max={1} step={0.05} value={strength} onChange={(e) => changeStrength(Number(e.target.value))} className="w-48 accent-violet-700" aria-label="Steering strength" aria-valuetext={`${Math.round(strength * 100)}%`} aria-describedby="steer-help" />
          <span id="steer-help" className="text-xs text-black/60">0: plain sampling</span>
        </label>
        <fieldset className="text-sm">
          <legend className="text-black/70">Steering method</legend>
          <div className="mt-1 flex gap-3">
            {(['direction', 'rejection'] as const).map((m) => (
              <label key={m} className="flex items-center gap-1">
                <input type="radio" name="steer-method" value={m} checked={method === m} onChange={() => changeMethod(m)} className="accent-violet-700" />
                {m === 'direction' ? 'Along the direction' : 'Best of many'}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="text-sm" data-testid="teach-count" aria-live="polite">
          <strong className="tabular-nums">{all.length}</strong> {all.length === 1 ? 'rating' : 'ratings'}
          <span className="text-black/60"> · {likes} liked · {all.length - likes} disliked</span>
        </p>
        <div className="ml-auto flex items-center gap-2 text-sm">
          <ConfirmAction
            question={`Forget all ${all.length} ratings?`}
            confirm="Forget"
            groupLabel="Confirm forgetting your ratings"
            onConfirm={() => void taste.forget()}
            disabled={!all.length}
            className="rounded-lg border border-black/15 px-3 py-1.5 hover:border-black/30"
          >
            Forget my ratings
          </ConfirmAction>
        </div>
      </div>

      {taste.error && <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800">{taste.error}</p>}

      {!gen.ready && (
        <div className="rounded-xl border border-black/10 bg-white p-4">
          <p className="mb-2 text-sm text-black/70">{gen.manifest ? 'Loading the generator…' : 'Starting the generator…'}</p>
          <div role="progressbar" aria-label="Loading the generator" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(gen.progress * 100)} className="h-2 overflow-hidden rounded-full bg-black/10">
            <div className="h-full bg-violet-600 transition-[width]" style={{ width: `${Math.round(gen.progress * 100)}%` }} />
          </div>
        </div>
      )}

      <ul
        className="grid grid-cols-3 gap-3 sm:grid-cols-4 lg:grid-cols-6"
        aria-label={steered ? 'Steered samples to rate' : 'Samples to rate'}
        data-testid="teach-grid"
        data-batch={batch}
        data-rendered={shown && !settling ? batch : ''}
        aria-busy={settling}
        data-loaded={taste.loaded}
      >
        {latents.map((z, i) => {
          const rating = taste.ratings.get(latentKey(z))
          return (
            <TeachSample
              key={`${i}-${latentFingerprint(z)}`}
              index={i}
              fingerprint={latentFingerprint(z)}
              steered={steered}
              pixels={shown?.[i]}
              rating={rating?.liked}
              score={liveModel ? predictLike(liveModel, z) : null}
              disabled={!gen.ready || !taste.loaded}
              onRate={(liked) => rate(i, liked)}
            />
          )
        })}
      </ul>

      <TeachStats accuracy={accuracy} predicted={predicted} measured={measured} strength={strength} />
    </section>
  )
}
