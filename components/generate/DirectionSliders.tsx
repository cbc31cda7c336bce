'use client'
// Sliders for the model's latent directions (GANSpace, computed offline by lib/gan/offline/ganspace.ts, applied by lib/gan/directions.ts): loads
// public/models/<id>/directions.json and reports the chosen offsets (in sigmas) to the panel,
// which moves every latent it renders by them. Directions belong to one checkpoint; on another
// the sliders are hidden and the panel renders unmoved latents.
import { useEffect, useId, useState } from 'react'
import { fetchDirections, type Direction, type DirectionsFile } from '@/lib/gan/directions'

/** What the panel applies: applyDirections(z, directions, offsets). */
export interface DirectionEdit {
  directions: readonly Direction[]
  offsets: readonly number[]
}

const RANGE = 3

interface Props {
  modelId: string | undefined
  /** training step of the loaded checkpoint */
  step: number | undefined
  /** the generator's latent size */
  zDim: number | undefined
  /** null: render latents unmoved */
  onChange: (edit: DirectionEdit | null) => void
}

type Loaded = { status: 'loading' } | { status: 'none' } | { status: 'error'; message: string } | { status: 'ready'; file: DirectionsFile }

export function DirectionSliders({ modelId, step, zDim, onChange }: Props) {
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' })
  const [offsets, setOffsets] = useState<number[]>([])
  const helpId = useId()

  useEffect(() => {
    if (!modelId) return
    let cancelled = false
    fetchDirections(modelId)
      .then((file) => {
        if (cancelled) return
        setLoaded(file ? { status: 'ready', file } : { status: 'none' })
        setOffsets(file ? file.components.map(() => 0) : [])
      })
      .catch((e: unknown) => !cancelled && setLoaded({ status: 'error', message: e instanceof Error ? e.message : String(e) }))
    return () => {
      cancelled = true
    }
  }, [modelId])

  const file = loaded.status === 'ready' ? loaded.file : null
  // a file for another model size would make applyDirections throw while the grid renders
  const usable = !!file && file.modelId === modelId && file.checkpoint === step && file.components.every((c) => c.latent.length === zDim)
  const moved = offsets.some((o) => o !== 0)

  useEffect(() => {
    onChange(usable && moved && file ? { directions: file.components, offsets } : null)
  }, [usable, moved, file, offsets, onChange])

  if (loaded.status === 'loading' || loaded.status === 'none') return null
  if (loaded.status === 'error')
    return (
      <p className="text-xs text-black/60" role="status">
        Latent directions are unavailable: {loaded.message}
      </p>
    )
  if (!file) return null
  if (!usable)
    return (
      <p className="rounded-xl border border-black/10 bg-white p-4 text-sm text-black/60 shadow-sm" data-testid="directions-other-step">
        Latent directions were computed for step {file.checkpoint.toLocaleString('en')}: pick that checkpoint to use them.
      </p>
    )

  const setOne = (k: number, v: number) => setOffsets((cur) => cur.map((o, i) => (i === k ? v : o)))

  return (
    <section className="rounded-xl border border-black/10 bg-white p-4 shadow-sm" aria-labelledby={`${helpId}-title`}>
      <div className="flex items-center justify-between gap-3">
        <h2 id={`${helpId}-title`} className="text-sm font-medium">
          Directions
        </h2>
        <button type="button" onClick={() => setOffsets((cur) => cur.map(() => 0))} disabled={!moved} className="rounded-md border border-black/15 px-2 py-0.5 text-xs hover:border-black/30 focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-700 disabled:opacity-40">
          Reset
        </button>
      </div>
      <p id={helpId} className="mt-1 text-xs text-black/60">
        The main ways this checkpoint&apos;s faces differ, found by the machine (GANSpace: principal components of its first layer). Each slider moves every sample; ±1 is a typical difference between two faces, ±3 an extreme one. Double-click a slider to zero it.
      </p>
      <div className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-2 xl:grid-cols-3">
        {file.components.map((c, k) => {
          const v = offsets[k] ?? 0
          const shown = `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(1)}`
          // directions nobody has named yet are shown as such, not as "Component 4"
          const name = /^Component \d+$/.test(c.name) ? `Unnamed direction ${k + 1}` : c.name
          return (
            <label key={c.index} className="flex flex-col text-xs">
              <span className="flex justify-between gap-2 text-black/70">
                <span className="truncate" title={`${name}: ${(c.explainedVariance * 100).toFixed(1)}% of how the faces differ`}>
                  {name}
                </span>
                <output className="shrink-0 font-mono">{shown}</output>
              </span>
              <input
                type="range"
                min={-RANGE}
                max={RANGE}
                step={0.1}
                value={v}
                onChange={(e) => setOne(k, Number(e.target.value))}
                onDoubleClick={() => setOne(k, 0)}
                aria-label={name}
                aria-valuetext={`${shown} along ${name}`}
                aria-describedby={helpId}
                className="accent-violet-700"
              />
            </label>
          )
        })}
      </div>
    </section>
  )
}
