'use client'

import { useRouter } from 'next/navigation'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { applyDirections } from '@/lib/gan/directions'
import { breed, childSeed, latentToJSON, sampleLatent, slerp, type Latent } from '@/lib/gan/latent'
import type { GanProvenance } from '@/lib/gan/provenance'
import type { Pixels } from '@/lib/gan/runtime'
import { DirectionSliders, type DirectionEdit } from './DirectionSliders'
import { createArtworkFromPixels } from './open-artwork'
import { useUpscaled } from './useUpscaled'
import { PixelCanvas } from './PixelCanvas'
import { useGenerator } from './useGenerator'

interface Sample {
  key: string
  latent: Latent
  origin: GanProvenance['origin']
  seed?: number
}

const GRID = 16
const CHILDREN = 8
const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0] as number

function rollSamples(seed: number, zDim: number): Sample[] {
  return Array.from({ length: GRID }, (_, i) => {
    const s = childSeed(seed, i)
    return { key: `s${s}`, latent: sampleLatent(s, zDim), origin: 'sample' as const, seed: s }
  })
}

export function GeneratePanel() {
  const gen = useGenerator()
  const router = useRouter()
  const zDim = gen.manifest?.zDim ?? 0
  const [firstSeed] = useState(randomSeed)
  const initial = useMemo(() => (zDim ? rollSamples(firstSeed, zDim) : []), [zDim, firstSeed])
  const [rolled, setSamples] = useState<Sample[] | null>(null)
  const samples = rolled ?? initial
  const [psi, setPsi] = useState(0.8)
  const [selected, setSelected] = useState<string[]>([])
  const [focused, setFocused] = useState<string | null>(null)
  const [pixels, setPixels] = useState<Map<string, Pixels>>(new Map())
  const [blendT, setBlendT] = useState(0.5)
  const [blendPixels, setBlendPixels] = useState<Pixels | null>(null)
  const [opening, setOpening] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const generation = useRef(0)
  // direction sliders move every latent that is rendered or opened (samples keep their own latent)
  const [edit, setEdit] = useState<DirectionEdit | null>(null)
  const move = useCallback((z: Latent) => (edit ? applyDirections(z, edit.directions, edit.offsets) : z), [edit])
  const moved = !!edit && edit.offsets.some((v) => v !== 0)

  const reroll = useCallback(() => {
    if (!zDim) return
    setSamples(rollSamples(randomSeed(), zDim))
    setSelected([])
    setFocused(null)
  }, [zDim])

  // render every sample whenever the samples, the variation or the checkpoint change
  useEffect(() => {
    if (!gen.ready || samples.length === 0) return
    const run = ++generation.current
    void gen.generate(samples.map((s) => move(s.latent)), psi).then((out) => {
      if (run !== generation.current) return
      setPixels(new Map(samples.map((s, i) => [s.key, out[i] as Pixels])))
    })
  }, [gen.ready, gen.generate, samples, psi, gen.checkpoint, move]) // eslint-disable-line react-hooks/exhaustive-deps -- gen is a fresh object each render

  const byKey = useMemo(() => new Map(samples.map((s) => [s.key, s])), [samples])
  const blendPair = useMemo(() => (selected.length === 2 ? ([byKey.get(selected[0]!), byKey.get(selected[1]!)] as const) : null), [selected, byKey])
  const blendLatent = useMemo(() => (blendPair?.[0] && blendPair[1] ? slerp(blendPair[0].latent, blendPair[1].latent, blendT) : null), [blendPair, blendT])

  useEffect(() => {
    if (!gen.ready || !blendLatent) return
    void gen.generate([move(blendLatent)], psi).then((out) => setBlendPixels(out[0] ?? null))
  }, [gen.ready, blendLatent, psi, move]) // eslint-disable-line react-hooks/exhaustive-deps -- see above

  const toggle = (key: string) => {
    setFocused(key)
    setSelected((cur) => (cur.includes(key) ? cur.filter((k) => k !== key) : [...cur, key].slice(-4)))
  }

  const doBreed = useCallback(() => {
    const parents = selected.map((k) => byKey.get(k)).filter((s): s is Sample => !!s)
    if (!parents.length) return
    const seed = randomSeed()
    const kids = breed(parents.map((p) => p.latent), CHILDREN, seed).map((latent, i) => ({ key: `b${seed}-${i}`, latent, origin: 'breed' as const }))
    setSamples([...parents, ...kids])
    setSelected([])
    setFocused(kids[0]?.key ?? null)
  }, [selected, byKey])

  const keepBlend = () => {
    if (!blendLatent) return
    const sample: Sample = { key: `m${Date.now()}`, latent: blendLatent, origin: 'blend' }
    // the blend joins the grid first; its parents stay (the oldest unselected sample makes room)
    const rest = samples.filter((s) => !selected.includes(s.key))
    const parents = samples.filter((s) => selected.includes(s.key))
    const keep = rest.slice(0, Math.max(0, GRID - 1 - parents.length))
    const kept = new Set([...parents, ...keep].map((s) => s.key))
    setSamples([sample, ...samples.filter((s) => kept.has(s.key))])
    setSelected([])
    setFocused(sample.key)
  }

  const focusedSample = focused ? byKey.get(focused) : undefined
  const focusedLarge = useUpscaled(focusedSample ? pixels.get(focusedSample.key) : undefined)
  const checkpoint = gen.manifest?.checkpoints[gen.checkpoint]

  const openInCanvas = useCallback(async () => {
    const sample = focusedSample
    const px = sample && pixels.get(sample.key)
    if (!sample || !px || !gen.manifest || !checkpoint) return
    setOpening(true)
    setMessage(null)
    try {
      const provenance: GanProvenance = {
        kind: 'gan',
        modelId: gen.manifest.id,
        checkpoint: checkpoint.step,
        latent: latentToJSON(move(sample.latent)),
        truncation: psi,
        // moved along latent directions, the latent no longer is the seed's: say so
        ...(moved ? { origin: 'directions' as const } : { origin: sample.origin, ...(sample.seed !== undefined ? { seed: sample.seed } : {}) }),
      }
      const id = await createArtworkFromPixels(px, provenance)
      router.push(`/studio/${id}`)
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e))
      setOpening(false)
    }
  }, [focusedSample, pixels, gen.manifest, checkpoint, psi, router, move, moved])

  // keyboard: R re-roll, B breed, Enter open the focused sample
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.metaKey || e.ctrlKey || e.altKey) return
      if (e.key === 'r' || e.key === 'R') reroll()
      else if (e.key === 'b' || e.key === 'B') doBreed()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [reroll, doBreed])

  if (gen.error) return <p role="alert" className="rounded-lg bg-rose-50 p-4 text-rose-800">The generator could not start: {gen.error}</p>

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
      <section aria-label="Samples" className="space-y-4">

        {!gen.ready && (
          <div className="rounded-xl border border-black/10 bg-white p-4">
            <p className="mb-2 text-sm text-black/70">{gen.manifest ? `Loading the generator (step ${checkpoint?.step.toLocaleString('en')})…` : 'Starting the generator…'}</p>
            <div role="progressbar" aria-label="Loading the generator" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(gen.progress * 100)} className="h-2 overflow-hidden rounded-full bg-black/10">
              <div className="h-full bg-violet-600 transition-[width]" style={{ width: `${Math.round(gen.progress * 100)}%` }} />
            </div>
          </div>
        )}

        <ul className="grid grid-cols-4 gap-3" aria-label="Generated samples">
          {samples.map((s, i) => (
            <li key={s.key}>
              <SampleTile label={`Sample ${i + 1}${s.origin === 'breed' ? ' (child)' : s.origin === 'blend' ? ' (blend)' : ''}`} pixels={pixels.get(s.key)} selected={selected.includes(s.key)} focused={focused === s.key} onClick={() => toggle(s.key)} />
            </li>
          ))}
        </ul>

        {blendPair && (
          <div role="group" className="flex items-center gap-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm" aria-label="Blend">
            <PixelCanvas pixels={blendPair[0] ? pixels.get(blendPair[0].key) : undefined} className="h-16 w-16 rounded" />
            <label className="flex flex-1 flex-col text-sm">
              <span className="text-black/70">Blend {Math.round(blendT * 100)}%</span>
              <input type="range" min={0} max={1} step={0.01} value={blendT} onChange={(e) => setBlendT(Number(e.target.value))} className="accent-violet-700" />
            </label>
            <PixelCanvas pixels={blendPair[1] ? pixels.get(blendPair[1].key) : undefined} className="h-16 w-16 rounded" />
            <PixelCanvas pixels={blendLatent ? (blendPixels ?? undefined) : undefined} className="h-24 w-24 rounded ring-2 ring-violet-600" />
            <button type="button" onClick={keepBlend} className="rounded-lg border border-black/15 px-3 py-2 text-sm hover:border-black/30">
              Keep blend
            </button>
          </div>
        )}

        <div className="flex flex-wrap items-end gap-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm">
          <button type="button" onClick={reroll} disabled={!gen.ready} className="rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-40">
            Re-roll <kbd className="ml-1 rounded bg-white/20 px-1 text-xs">R</kbd>
          </button>
          <label className="flex flex-col text-sm">
            <span className="text-black/70">
              Variation <output className="font-mono">{psi.toFixed(2)}</output>
            </span>
            <input type="range" min={0} max={1.5} step={0.05} value={psi} onChange={(e) => setPsi(Number(e.target.value))} className="w-48 accent-violet-700" aria-label="Variation" aria-describedby="psi-help" />
            <span id="psi-help" className="text-xs text-black/60">
              lower: typical faces · higher: wilder (the truncation ψ)
            </span>
          </label>
          <button type="button" onClick={doBreed} disabled={!gen.ready || selected.length === 0} className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30 disabled:opacity-40">
            Breed {selected.length ? `${selected.length} → ${CHILDREN}` : ''} <kbd className="ml-1 rounded bg-black/5 px-1 text-xs">B</kbd>
          </button>
          <p className="text-xs text-black/60">Click samples to select them: two to blend, one or more to breed.</p>
        </div>


        {/* the less used controls below the samples: ten directions take room, and most people never open them */}
        <details className="group rounded-xl border border-black/10 bg-white shadow-sm">
          <summary className="cursor-pointer select-none rounded-xl px-4 py-3 text-sm font-medium hover:bg-black/[0.02] focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-700">More directions: steer every sample along the ways the faces vary</summary>
          <div className="px-1 pb-1">
            <DirectionSliders modelId={gen.manifest?.id} step={checkpoint?.step} zDim={gen.manifest?.zDim} onChange={setEdit} />
          </div>
        </details>
      </section>

      <aside aria-label="Selected sample" className="space-y-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm lg:sticky lg:top-4 lg:self-start">
        <h2 className="font-semibold">Model</h2>
        {gen.manifest && (
          <label className="block text-sm">
            <span className="text-black/70">Checkpoint (training step)</span>
            <select value={gen.checkpoint} onChange={(e) => gen.selectCheckpoint(Number(e.target.value))} className="mt-1 block w-full rounded-md border border-black/15 bg-white px-2 py-1">
              {gen.manifest.checkpoints.map((c, i) => (
                <option key={c.path} value={i}>
                  step {c.step.toLocaleString('en')}
                </option>
              ))}
            </select>
          </label>
        )}
        {/* what people need is "it runs here, on this"; the renderer string is for the curious */}
        <div className="text-xs text-black/60" data-testid="backend">
          {gen.backend ? (
            <details>
              <summary className="cursor-pointer">Running on {gen.backend.name === 'webgl' ? 'your graphics card (WebGL)' : gen.backend.name === 'wasm' ? 'your processor (WebAssembly)' : gen.backend.name}</summary>
              <p className="mt-1 break-words">{gen.backend.reason}</p>
            </details>
          ) : (
            'Choosing a backend…'
          )}
        </div>
        <hr className="border-black/10" />
        {focusedSample ? (
          <div className="space-y-3">
            <figure className="space-y-1">
              <PixelCanvas pixels={focusedLarge ?? pixels.get(focusedSample.key)} className="aspect-square w-full rounded-lg" label="The selected sample" testId="selected-preview" />
              <figcaption className="text-xs text-black/60" aria-live="polite">
                {focusedLarge ? `${focusedLarge.width} px: enlarged 4x by the upscaler, as the canvas will get it` : '64 px: enlarging…'}
              </figcaption>
            </figure>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs" aria-label="Provenance">
              <dt className="text-black/60">model</dt>
              <dd>{gen.manifest?.id}</dd>
              <dt className="text-black/60">checkpoint</dt>
              <dd>step {checkpoint?.step.toLocaleString('en')}</dd>
              <dt className="text-black/60">origin</dt>
              <dd>{focusedSample.origin}</dd>
              {focusedSample.seed !== undefined && (
                <>
                  <dt className="text-black/60">seed</dt>
                  <dd className="font-mono">{focusedSample.seed}</dd>
                </>
              )}
              <dt className="text-black/60">variation (ψ)</dt>
              <dd>{psi.toFixed(2)}</dd>
              <dt className="text-black/60">latent</dt>
              <dd className="truncate font-mono" title={latentToJSON(move(focusedSample.latent)).join(', ')}>
                [{latentToJSON(move(focusedSample.latent)).slice(0, 3).map((v) => v.toFixed(2)).join(', ')}, …] ({focusedSample.latent.length})
              </dd>
            </dl>
            <button type="button" onClick={openInCanvas} disabled={opening || !pixels.get(focusedSample.key)} className="w-full rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-40">
              {opening ? 'Opening…' : 'Open in canvas'}
            </button>
            {message && (
              <p role="alert" className="text-sm text-rose-700">
                {message}
              </p>
            )}
          </div>
        ) : (
          <p className="text-sm text-black/60">Pick a sample to see how it was made and to open it on a canvas.</p>
        )}
      </aside>
    </div>
  )
}

function SampleTile(props: { label: string; pixels: Pixels | undefined; selected: boolean; focused: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-pressed={props.selected}
      aria-label={props.label}
      onClick={props.onClick}
      className={`block w-full overflow-hidden rounded-lg border-2 bg-white p-0.5 transition ${props.selected ? 'border-violet-600 shadow-md' : props.focused ? 'border-violet-300' : 'border-transparent hover:border-black/20'}`}
    >
      <PixelCanvas pixels={props.pixels} className="aspect-square w-full rounded-md" />
    </button>
  )
}
