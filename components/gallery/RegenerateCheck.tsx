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

/** Recomputes the base image in this browser from the stored latent and compares it with the stored one. */
export function RegenerateCheck({ provenance, baseImageUrl }: { provenance: GanProvenance; baseImageUrl: string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [state, setState] = useState<{ phase: 'idle' | 'running' | 'done' | 'error'; progress: number; message?: string; diff?: number }>({ phase: 'idle', progress: 0 })

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
      const stored = new Image()
      stored.src = baseImageUrl
      await stored.decode()
      const scratch = document.createElement('canvas')
      scratch.width = pixels.width
      scratch.height = pixels.height
      const ctx = scratch.getContext('2d')!
      ctx.drawImage(stored, 0, 0, pixels.width, pixels.height)
      const diff = meanDifference(pixels.data, ctx.getImageData(0, 0, pixels.width, pixels.height).data)
      setState({ phase: 'done', progress: 1, diff })
    } catch (e) {
      setState({ phase: 'error', progress: 0, message: e instanceof Error ? e.message : String(e) })
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- the stored 64x64 base image */}
        <img src={baseImageUrl} alt="Stored base image" width={64} height={64} className="h-16 w-16 rounded border border-black/10" />
        <canvas ref={canvas} width={64} height={64} className="h-16 w-16 rounded border border-black/10 bg-black/5" aria-label="Regenerated base image" />
        <button type="button" onClick={run} disabled={state.phase === 'running'} className="rounded-lg border border-black/15 bg-white px-3 py-1.5 text-sm hover:border-black/30 disabled:opacity-50">
          {state.phase === 'running' ? `Regenerating… ${Math.round(state.progress * 100)}%` : 'Regenerate the base image'}
        </button>
      </div>
      {state.phase === 'done' && state.diff !== undefined && (
        <p role="status" data-testid="regenerate-result" className={`text-sm ${state.diff <= 2 ? 'text-emerald-700' : 'text-amber-700'}`}>
          {state.diff <= 2 ? 'Matches' : 'Differs from'} the stored base image (mean difference {state.diff.toFixed(2)} of 255).
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
