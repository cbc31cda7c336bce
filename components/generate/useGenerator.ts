'use client'
// Loads the shipped generator in the browser: manifest, backend, one checkpoint at a time, with
// progress; and runs it on latents.
import { useCallback, useEffect, useRef, useState } from 'react'
import type * as tf from '@tensorflow/tfjs'
import { checkpointUrl, fetchManifest, type ModelManifest } from '@/lib/gan/manifest'
import type { BackendInfo, Pixels } from '@/lib/gan/runtime'
import type { Latent } from '@/lib/gan/latent'

export interface GeneratorState {
  manifest: ModelManifest | null
  backend: BackendInfo | null
  /** index into manifest.checkpoints of the loaded (or loading) checkpoint */
  checkpoint: number
  /** 0..1 while weights download; 1 when ready */
  progress: number
  ready: boolean
  error: string | null
}

/** tfjs (loaded only on the pages that generate), the page's backend and the model's manifest. */
export async function startGenerator() {
  const rt = await import('@/lib/gan/runtime')
  const [manifest, backend] = await Promise.all([fetchManifest(), rt.sharedBackend()])
  return { rt, manifest, backend }
}

export function useGenerator() {
  const [state, setState] = useState<GeneratorState>({ manifest: null, backend: null, checkpoint: -1, progress: 0, ready: false, error: null })
  const model = useRef<tf.LayersModel | null>(null)
  const runtime = useRef<typeof import('@/lib/gan/runtime') | null>(null)

  useEffect(() => {
    let cancelled = false
    ;(async () => {
      try {
        const { rt, manifest, backend } = await startGenerator()
        runtime.current = rt
        if (!cancelled) setState((s) => ({ ...s, manifest, backend, checkpoint: manifest.checkpoints.length - 1 }))
      } catch (e) {
        if (!cancelled) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }))
      }
    })()
    return () => {
      cancelled = true
    }
  }, [])

  useEffect(() => {
    const { manifest, checkpoint } = state
    const rt = runtime.current
    if (!manifest || checkpoint < 0 || !rt) return
    const ckpt = manifest.checkpoints[checkpoint]
    if (!ckpt) return
    let cancelled = false
    setState((s) => ({ ...s, ready: false, progress: 0 }))
    rt.loadGenerator(checkpointUrl(manifest.id, ckpt), (f) => !cancelled && setState((s) => ({ ...s, progress: f })))
      .then((m) => {
        if (cancelled) {
          m.dispose()
          return
        }
        model.current?.dispose()
        model.current = m
        setState((s) => ({ ...s, ready: true, progress: 1 }))
      })
      .catch((e: unknown) => !cancelled && setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) })))
    return () => {
      cancelled = true
    }
  }, [state.manifest, state.checkpoint]) // eslint-disable-line react-hooks/exhaustive-deps -- reload only when the checkpoint changes

  useEffect(
    () => () => {
      model.current?.dispose()
    },
    [],
  )

  const generate = useCallback(async (latents: readonly Latent[], psi: number): Promise<Pixels[]> => {
    if (!model.current || !runtime.current) return []
    return runtime.current.generatePixels(model.current, latents, psi)
  }, [])

  const selectCheckpoint = useCallback((index: number) => setState((s) => ({ ...s, checkpoint: index })), [])

  return { ...state, generate, selectCheckpoint }
}

/** What useGenerator gives its users (the lab passes one instance to its panels). */
export type GeneratorHandle = ReturnType<typeof useGenerator>
