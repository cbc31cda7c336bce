'use client'
// Every shipped checkpoint loaded at once, and one fixed set of latents rendered by each: the
// learning timeline. Models stay loaded (~170 KB of weights each) so a new set of latents
// re-renders the whole timeline without downloading again.
import { useEffect, useRef, useState } from 'react'
import type * as tf from '@tensorflow/tfjs'
import { sampleLatents, type Latent } from '@/lib/gan/latent'
import { startGenerator } from '@/components/generate/useGenerator'
import { checkpointUrl, type ManifestCheckpoint, type ModelManifest } from '@/lib/gan/manifest'
import type { BackendInfo, Pixels } from '@/lib/gan/runtime'

export interface CheckpointSeries {
  manifest: ModelManifest | null
  backend: BackendInfo | null
  /** checkpoints tried so far, out of manifest.checkpoints.length */
  loaded: number
  /** the checkpoints on the timeline: those that loaded (set once all were tried) */
  checkpoints: ManifestCheckpoint[]
  /** steps of checkpoints that could not be loaded (the timeline goes on without them) */
  missing: number[]
  latents: Latent[]
  /** frames[i][k]: sample k at checkpoint i (absent until rendered) */
  frames: Array<Pixels[] | undefined>
  error: string | null
}

export function useCheckpointSeries(seed: number, count: number): CheckpointSeries {
  const [state, setState] = useState<CheckpointSeries>({ manifest: null, backend: null, loaded: 0, checkpoints: [], missing: [], latents: [], frames: [], error: null })
  const models = useRef<tf.LayersModel[]>([])
  const runtime = useRef<typeof import('@/lib/gan/runtime') | null>(null)
  const [modelsReady, setModelsReady] = useState(false)

  // load the manifest, the backend and then every checkpoint, oldest first
  useEffect(() => {
    let cancelled = false
    ;(async () => {
      try {
        const { rt, manifest, backend } = await startGenerator()
        runtime.current = rt
        if (cancelled) return
        setState((s) => ({ ...s, manifest, backend }))
        const checkpoints: ManifestCheckpoint[] = []
        const missing: number[] = []
        for (const [i, ckpt] of manifest.checkpoints.entries()) {
          try {
            const m = await rt.loadGenerator(checkpointUrl(manifest.id, ckpt))
            if (cancelled) return m.dispose()
            models.current.push(m)
            checkpoints.push(ckpt)
          } catch (e) {
            if (cancelled) return
            console.warn(`[lab] checkpoint ${ckpt.step} did not load`, e)
            missing.push(ckpt.step)
          }
          setState((s) => ({ ...s, loaded: i + 1 }))
        }
        if (checkpoints.length === 0) throw new Error('none of the checkpoints could be loaded')
        setState((s) => ({ ...s, checkpoints, missing }))
        setModelsReady(true)
      } catch (e) {
        if (!cancelled) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }))
      }
    })()
    return () => {
      cancelled = true
      for (const m of models.current) m.dispose()
      models.current = []
    }
  }, [])

  // render the latents at every checkpoint (again when the seed changes)
  useEffect(() => {
    const rt = runtime.current
    const zDim = state.manifest?.zDim
    if (!modelsReady || !rt || !zDim) return
    let cancelled = false
    const latents = sampleLatents(seed, count, zDim)
    setState((s) => ({ ...s, latents, frames: [] }))
    ;(async () => {
      for (const [i, m] of models.current.entries()) {
        const pixels = await rt.generatePixels(m, latents, 1)
        if (cancelled) return
        setState((s) => {
          const frames = [...s.frames]
          frames[i] = pixels
          return { ...s, frames }
        })
      }
    })().catch((e: unknown) => !cancelled && setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) })))
    return () => {
      cancelled = true
    }
  }, [modelsReady, seed, count, state.manifest?.zDim])

  return state
}
