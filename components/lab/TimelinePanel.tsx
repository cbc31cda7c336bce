'use client'
// The learning timeline: one fixed set of latents at every checkpoint, a scrubber with play/pause,
// the step and the distance to real images at each, and any sample opened in the studio.
import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { createArtworkFromPixels } from '@/components/generate/open-artwork'
import { latentToJSON } from '@/lib/gan/latent'
import { stepLabel } from '@/lib/gan/learning-figure'
import type { ManifestCheckpoint } from '@/lib/gan/manifest'
import { PixelCanvas } from '@/components/generate/PixelCanvas'
import type { CheckpointSeries } from './useCheckpointSeries'

const FRAME_MS = 700

export const formatStep = (step: number) => step.toLocaleString('en-US')
export const swdOf = (c: ManifestCheckpoint | undefined) => c?.metrics?.swdMean

interface Props {
  series: CheckpointSeries
  seed: number
  onReroll: () => void
  index: number
  onIndex: (i: number) => void
}

export function TimelinePanel({ series, seed, onReroll, index, onIndex }: Props) {
  const router = useRouter()
  const { manifest, frames, loaded, latents, checkpoints } = series
  const total = checkpoints.length
  const [playing, setPlaying] = useState(false)
  const [picked, setPicked] = useState(0)
  const [opening, setOpening] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const ckpt = checkpoints[index]
  const frame = frames[index]
  const ready = total > 0 && frames.filter(Boolean).length === total
  const listed = manifest?.checkpoints.length ?? 0

  // play: step through the checkpoints, looping, while the frames are there
  useEffect(() => {
    if (!playing || !ready) return
    const t = setInterval(() => onIndex((index + 1) % total), FRAME_MS)
    return () => clearInterval(t)
  }, [playing, ready, index, total, onIndex])

  useEffect(() => {
    if (!ready) return
    const onKey = (e: KeyboardEvent) => {
      const t = e.target
      if (t instanceof HTMLInputElement && t.type !== 'range') return
      if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLElement && t.isContentEditable)) return
      if (e.metaKey || e.ctrlKey || e.altKey) return
      if (e.key === 'k' || e.key === 'K') setPlaying((p) => !p)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [ready])

  const open = async () => {
    const px = frame?.[picked]
    const z = latents[picked]
    if (!manifest || !ckpt || !px || !z) return
    setOpening(true)
    setMessage(null)
    try {
      const id = await createArtworkFromPixels(
        px,
        { kind: 'gan', modelId: manifest.id, checkpoint: ckpt.step, latent: latentToJSON(z), truncation: 1, origin: 'lab' },
        `Face at step ${formatStep(ckpt.step)}`,
      )
      router.push(`/studio/${id}`)
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e))
      setOpening(false)
    }
  }

  const swd = swdOf(ckpt)
  const base = ckpt?.metrics?.swdBaseMean
  return (
    <section aria-labelledby="timeline-heading" className="space-y-4 rounded-xl border border-black/10 p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="timeline-heading" className="text-xl font-semibold">
          From doodles to faces
        </h2>
        <p className="text-sm text-black/60">The same {latents.length || 16} latents, drawn by the generator at each saved step of its training.</p>
      </div>

      {!ready && !series.error && (
        <div className="space-y-1">
          <p className="text-sm text-black/70">
            {listed ? `Loading checkpoints ${loaded} of ${listed}…` : 'Loading the model…'}
          </p>
          <div role="progressbar" aria-label="Loading the checkpoints" aria-valuemin={0} aria-valuemax={listed || 1} aria-valuenow={loaded} className="h-2 overflow-hidden rounded bg-black/10">
            <div className="h-full bg-violet-600 transition-all" style={{ width: `${listed ? (100 * loaded) / listed : 5}%` }} />
          </div>
        </div>
      )}
      {series.error && <p role="alert" className="text-sm text-red-700">{series.error}</p>}
      {series.missing.length > 0 && (
        <p role="status" className="text-sm text-amber-800">
          {series.missing.length === 1 ? 'One checkpoint' : `${series.missing.length} checkpoints`} could not be loaded (step {series.missing.map(formatStep).join(', ')}); the timeline shows the others.
        </p>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={() => setPlaying((p) => !p)} disabled={!ready} aria-keyshortcuts="K" className="w-24 rounded-md bg-violet-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-violet-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-700 disabled:opacity-40">
          {playing ? 'Pause' : 'Play'}{' '}
          <kbd aria-hidden className="ml-1 text-xs opacity-70">
            K
          </kbd>
        </button>
        <label className="flex min-w-[240px] flex-1 items-center gap-3 text-sm">
          <span className="sr-only">Checkpoint</span>
          <input type="range" min={0} max={Math.max(0, total - 1)} step={1} value={index} disabled={!total} onChange={(e) => onIndex(Number(e.target.value))} aria-valuetext={ckpt ? `step ${formatStep(ckpt.step)}` : undefined} className="w-full accent-violet-700" />
        </label>
        <p data-testid="timeline-step" aria-live={playing ? 'off' : 'polite'} className="min-w-[260px] text-sm tabular-nums">
          Step <strong>{ckpt ? formatStep(ckpt.step) : '…'}</strong>
          {swd !== undefined && (
            <>
              {' '}· SWD <strong>{swd.toFixed(1)}</strong>
              {base !== undefined && <span className="text-black/60"> (real vs real {base.toFixed(1)})</span>}
            </>
          )}
        </p>
        <button type="button" onClick={onReroll} disabled={!ready} className="rounded-md border border-black/15 px-3 py-1.5 text-sm hover:border-black/40 focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-700 disabled:opacity-40">
          New latents
        </button>
      </div>

      <div className="grid gap-5 lg:grid-cols-[auto_1fr]">
        <div role="group" aria-label={`Samples at step ${ckpt ? formatStep(ckpt.step) : ''}`} data-testid="timeline-grid" data-seed={seed} className="grid w-fit grid-cols-[repeat(4,auto)] gap-1.5">
          {(latents.length ? latents : Array.from({ length: 16 })).map((_, k) => (
            <button key={k} type="button" onClick={() => setPicked(k)} aria-pressed={picked === k} aria-label={`Sample ${k + 1}`} className={`rounded-md p-0.5 focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-700 ${picked === k ? 'ring-2 ring-violet-600' : 'ring-1 ring-black/10'}`}>
              <PixelCanvas pixels={frame?.[k]} size={88} testId={`timeline-sample-${k}`} pixelated className="rounded" />
            </button>
          ))}
        </div>

        {/* min-w-0: a grid column otherwise grows to its content and the strip runs out of the card */}
        <div className="min-w-0 space-y-3">
          <h3 className="text-sm font-semibold">Sample {picked + 1} as it learned</h3>
          <ol className="flex flex-wrap gap-1 pb-1" aria-label="The chosen sample at every checkpoint">
            {checkpoints.map((c, i) => (
              <li key={c.step}>
                <button type="button" onClick={() => onIndex(i)} aria-current={i === index ? 'step' : undefined} className={`flex flex-col items-center rounded p-0.5 text-[10px] tabular-nums focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-700 ${i === index ? 'bg-violet-100 ring-2 ring-violet-600' : 'hover:bg-black/5'}`}>
                  <PixelCanvas pixels={frames[i]?.[picked]} size={40} pixelated className="rounded" />
                  <span className="sr-only">Step </span>
                  {stepLabel(c.step)}
                </button>
              </li>
            ))}
          </ol>
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" onClick={open} disabled={opening || !frame?.[picked]} className="rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-700 disabled:opacity-40">
              {opening ? 'Opening…' : `Open sample ${picked + 1} at step ${ckpt ? formatStep(ckpt.step) : ''} in the studio`}
            </button>
            {message && <p role="alert" className="text-sm text-red-700">{message}</p>}
          </div>
          <p className="text-xs text-black/60">
            Arrow keys move the scrubber when it has focus; <kbd>K</kbd> plays and pauses. SWD is the sliced Wasserstein distance (×10⁻³, lower is closer) between 2,000
            generated images and the held-out real faces.
          </p>
        </div>
      </div>
    </section>
  )
}
