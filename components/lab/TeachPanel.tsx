'use client'
// Teach mode: the human as discriminator. Rate samples; a preference model over the latents
// (lib/taste, fitted here in the browser) steers the next samples toward what you liked.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import type { GeneratorHandle } from '@/components/generate/useGenerator'
import type { Pixels } from '@/lib/gan/runtime'
import { fitPreference, heldOutAccuracy, measuredLikeShare, predictLike, steeredBatch, steeringActive, steeringEffect, type SteerMethod } from '@/lib/taste/preference'
import { latentFingerprint, latentKey } from '@/lib/taste/wire'
import { TeachSample } from './teach-grid'
import { useTasteRatings } from './teach-ratings'
import { TeachStats } from './teach-stats'

const GRID = 12
/** the generate page's default variation: typical, clean faces */
const PSI = 0.8
const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0] as number

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
  const [confirmForget, setConfirmForget] = useState(false)
  const run = useRef(0)

  // ratings of this generator's latent size only (a retrained model could change it)
  const usable = (list: Iterable<{ latent: number[]; liked: boolean; steered: boolean }>) => [...list].filter((r) => r.latent.length === zDim)
  const all = useMemo(() => usable(taste.ratings.values()), [taste.ratings, zDim]) // eslint-disable-line react-hooks/exhaustive-deps -- usable only reads zDim
  // steering follows the ratings as of the last control change, so rating never reshuffles the grid
  const steerModel = useMemo(() => fitPreference(usable(taste.snapshot)), [taste.snapshot, zDim]) // eslint-disable-line react-hooks/exhaustive-deps -- see above
  // the figures follow every rating, a frame later so that a click answers at once
  const deferred = useDeferredValue(all)
  const liveModel = useMemo(() => fitPreference(deferred), [deferred])
  const accuracy = useMemo(() => heldOutAccuracy(deferred), [deferred])
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

  const changeStrength = (v: number) => {
    setStrength(v)
    freeze()
  }
  const changeMethod = (m: SteerMethod) => {
    setMethod(m)
    freeze()
  }
  const newBatch = () => {
    setSeed(randomSeed())
    freeze()
  }

  if (gen.error) return <p role="alert" className="rounded-lg bg-rose-50 p-4 text-rose-800">The generator could not start: {gen.error}</p>

  const likes = all.filter((r) => r.liked).length
  const shown = pixels?.batch === batch ? pixels.images : null
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
          <span id="steer-help" className="text-xs text-black/50">0: plain sampling</span>
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
          <span className="text-black/50"> · {likes} liked · {all.length - likes} disliked</span>
        </p>
        <div className="ml-auto flex items-center gap-2 text-sm">
          {confirmForget ? (
            <>
              <span>Forget all {all.length} ratings?</span>
              <button type="button" onClick={() => { setConfirmForget(false); void taste.forget() }} className="rounded-lg bg-rose-700 px-3 py-1.5 font-medium text-white outline-none focus-visible:ring-2 focus-visible:ring-rose-600 focus-visible:ring-offset-2">Forget</button>
              <button type="button" onClick={() => setConfirmForget(false)} className="rounded-lg border border-black/15 px-3 py-1.5 outline-none focus-visible:ring-2 focus-visible:ring-violet-600">Keep</button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmForget(true)} disabled={!all.length} className="rounded-lg border border-black/15 px-3 py-1.5 outline-none hover:border-black/30 focus-visible:ring-2 focus-visible:ring-violet-600 disabled:opacity-40">
              Forget my ratings
            </button>
          )}
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
        data-rendered={shown ? batch : ''}
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
