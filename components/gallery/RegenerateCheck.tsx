'use client'

import { useRef, useState } from 'react'
import { checkpointUrl, fetchManifest } from '@/lib/gan/manifest'
import { latentFromJSON } from '@/lib/gan/latent'
import type { GanProvenance } from '@/lib/gan/provenance'
import { drawPixels } from '@/components/generate/pixels'

/** Mean absolute difference (0-255) between the regenerated and the stored base image. */
function meanDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0
  let n = 0
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += Math.abs((a[i + c] ?? 0) - (b[i + c] ?? 0))
    n += 3
  }
  return sum / n
}

/** A stored picture's RGBA pixels at `width` x `height` (drawn scaled when its size differs). */
async function storedPixels(url: string, width: number, height: number): Promise<Uint8ClampedArray> {
  const stored = new Image()
  stored.src = url
  await stored.decode()
  const scratch = document.createElement('canvas')
  scratch.width = width
  scratch.height = height
  const ctx = scratch.getContext('2d')!
  ctx.drawImage(stored, 0, 0, width, height)
  return ctx.getImageData(0, 0, width, height).data
}

interface Outcome {
  /** regenerated 64 px vs the stored original */
  diff: number
  /** its enlargement by the shipped upscaler vs the stored base layer (when the base was upscaled) */
  upscaled?: { diff: number; sameUpscaler: boolean }
}

/**
 * Recomputes the base image in this browser from the stored latent and compares it with the stored
 * one: the generator's 64 px with the stored original, and, for an upscaled base layer, the
 * upscaler's enlargement of it with the stored 256 px.
 */
export function RegenerateCheck({ provenance, baseImageUrl, pixelsUrl = null }: { provenance: GanProvenance; baseImageUrl: string; pixelsUrl?: string | null }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [state, setState] = useState<{ phase: 'idle' | 'running' | 'done' | 'error'; progress: number; message?: string; outcome?: Outcome }>({ phase: 'idle', progress: 0 })
  const original = pixelsUrl ?? baseImageUrl

  const run = async () => {
    setState({ phase: 'running', progress: 0 })
    try {
      const rt = await import('@/lib/gan/runtime')
      const [manifest] = await Promise.all([fetchManifest(provenance.modelId), rt.initBackend()])
      const ckpt = manifest.checkpoints.find((c) => c.step === provenance.checkpoint)
      if (!ckpt) throw new Error(`checkpoint ${provenance.checkpoint} is no longer shipped`)
      const model = await rt.loadGenerator(checkpointUrl(manifest.id, ckpt), (f) => setState((s) => ({ ...s, progress: f })))
      const [pixels] = await rt.generatePixels(model, [latentFromJSON(provenance.latent)], provenance.truncation)
      model.dispose()
      if (!pixels || !canvas.current) throw new Error('no image')
      drawPixels(canvas.current, pixels)
      const outcome: Outcome = { diff: meanDifference(pixels.data, await storedPixels(original, pixels.width, pixels.height)) }
      if (provenance.upscaler && pixelsUrl) {
        const up = await import('@/lib/gan/upscale-runtime')
        const { model: upscaler, ref } = await up.loadUpscaler()
        const large = await up.upscalePixels(upscaler, pixels)
        outcome.upscaled = {
          diff: meanDifference(large.data, await storedPixels(baseImageUrl, large.width, large.height)),
          sameUpscaler: ref.modelId === provenance.upscaler.modelId && ref.step === provenance.upscaler.step,
        }
      }
      setState({ phase: 'done', progress: 1, outcome })
    } catch (e) {
      setState({ phase: 'error', progress: 0, message: e instanceof Error ? e.message : String(e) })
    }
  }
  const outcome = state.outcome
  const matches = (d: number) => d <= 2

  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- the stored 64x64 base image */}
        <img src={original} alt="Stored base image" width={64} height={64} className="h-16 w-16 rounded border border-black/10" style={{ imageRendering: 'pixelated' }} />
        <canvas ref={canvas} width={64} height={64} className="h-16 w-16 rounded border border-black/10 bg-black/5" aria-label="Regenerated base image" />
        <button type="button" onClick={run} disabled={state.phase === 'running'} className="rounded-lg border border-black/15 bg-white px-3 py-1.5 text-sm hover:border-black/30 disabled:opacity-50">
          {state.phase === 'running' ? `Regenerating… ${Math.round(state.progress * 100)}%` : 'Regenerate the base image'}
        </button>
      </div>
      {state.phase === 'done' && outcome && (
        <p role="status" data-testid="regenerate-result" className={`text-sm ${matches(outcome.diff) && (!outcome.upscaled || matches(outcome.upscaled.diff)) ? 'text-emerald-700' : 'text-amber-700'}`}>
          {matches(outcome.diff) ? 'Matches' : 'Differs from'} the stored {pixelsUrl ? '64-px original' : 'base image'} (mean difference {outcome.diff.toFixed(2)} of 255)
          {outcome.upscaled ? (
            <>
              ; its 4x enlargement {matches(outcome.upscaled.diff) ? 'matches' : 'differs from'} the stored base layer (mean difference {outcome.upscaled.diff.toFixed(2)})
              {outcome.upscaled.sameUpscaler ? '' : ', made by an earlier upscaler than the one shipped now'}
            </>
          ) : null}
          .
        </p>
      )}
      {state.phase === 'error' && (
        <p role="alert" className="text-sm text-rose-700">
          {state.message}
        </p>
      )}
    </div>
  )
}
