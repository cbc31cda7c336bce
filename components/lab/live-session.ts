'use client'
// The live-training session behind TrainLivePanel: loads the live weights (with progress) once the
// generator's backend is chosen, keeps one trainer + session, runs it on the chosen real images,
// and collects progress, the loss history and the fixed-latent grid.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { GeneratorHandle } from '@/components/generate/useGenerator'
import { sampleLatents } from '@/lib/gan/latent'
import type { LiveInfo, LiveProgress, LiveRunResult, LiveSession, LiveWeights } from '@/lib/gan/live-train'
import type { Pixels } from '@/lib/gan/runtime'
import { decodeAtlas, fetchLikedLatents } from './live-data'

type LiveLib = typeof import('@/lib/gan/live-train')

export type DataChoice = { kind: 'subset'; source: string } | { kind: 'liked' }
export type LivePhase = 'loading' | 'ready' | 'preparing' | 'training' | 'stopping' | 'error'
export interface LossPoint {
  step: number
  lossD: number
  lossG: number
}
export interface LiveGrid {
  pixels: Pixels[]
  /** the trainer's step that the grid shows */
  step: number
  /** live steps since the shipped weights */
  liveSteps: number
}

export const GRID_SEED = 7_2024
export const GRID_SIZE = 16
/** re-render the grid every this many steps (and after the last) */
export const RENDER_EVERY = 10
const MAX_HISTORY = 2000

export function useLiveTraining(gen: GeneratorHandle) {
  const [phase, setPhase] = useState<LivePhase>('loading')
  const [info, setInfo] = useState<LiveInfo | null>(null)
  const [loadProgress, setLoadProgress] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [progress, setProgress] = useState<LiveProgress | null>(null)
  const [lastRun, setLastRun] = useState<LiveRunResult | null>(null)
  const [history, setHistory] = useState<LossPoint[]>([])
  const [grid, setGrid] = useState<LiveGrid | null>(null)
  const [batch, setBatch] = useState(0)
  const lib = useRef<LiveLib | null>(null)
  const weights = useRef<LiveWeights | null>(null)
  const session = useRef<LiveSession | null>(null)
  const running = useRef<Promise<unknown> | null>(null)
  const atlas = useRef<ImageData | null>(null)
  const modelId = gen.manifest?.id
  const latents = useMemo(() => (info ? sampleLatents(GRID_SEED, GRID_SIZE, info.config.zDim) : []), [info])

  const renderGrid = useCallback(async (s: LiveSession, li: LiveInfo) => {
    const pixels = await s.render(sampleLatents(GRID_SEED, GRID_SIZE, li.config.zDim))
    setGrid({ pixels, step: s.trainer.step, liveSteps: s.trainer.step - li.step })
  }, [])

  // load once the generator has chosen and initialised the backend (tensors made before that
  // would land on tfjs' default backend)
  useEffect(() => {
    if (!gen.backend || !modelId) return
    let cancelled = false
    ;(async () => {
      const l = await import('@/lib/gan/live-train')
      lib.current = l
      const bytes = l.httpBytes(l.liveBaseUrl(modelId))
      const li = await l.fetchLiveInfo(bytes).catch((e: unknown) => {
        throw new Error(`live training is not available for this model (${e instanceof Error ? e.message : String(e)})`)
      })
      const w = await l.loadLiveWeights(li, bytes, (f) => !cancelled && setLoadProgress(f))
      if (cancelled) return l.disposeLiveWeights(w)
      weights.current = w
      const s = new l.LiveSession(l.createLiveTrainer(li, w))
      session.current = s
      setInfo(li)
      setBatch(s.trainer.hyper.batch)
      await renderGrid(s, li)
      if (!cancelled) setPhase('ready')
    })().catch((e: unknown) => {
      if (cancelled) return
      setError(e instanceof Error ? e.message : String(e))
      setPhase('error')
    })
    return () => {
      cancelled = true
      const s = session.current
      const w = weights.current
      session.current = null
      weights.current = null
      const release = () => {
        s?.dispose()
        if (w) lib.current?.disposeLiveWeights(w)
      }
      // a running step cannot be interrupted: stop, then free once it has returned
      if (s?.running) {
        s.stop()
        void running.current?.finally(release)
      } else release()
    }
  }, [gen.backend, modelId, renderGrid])

  const start = useCallback(
    async (choice: DataChoice, steps: number) => {
      const l = lib.current
      const s = session.current
      if (!l || !s || !info || s.running) return
      setPhase('preparing')
      setNotice(null)
      setError(null)
      try {
        if (choice.kind === 'subset') {
          const src = info.subset.sources.find((x) => x.id === choice.source)
          if (!src) throw new Error(`no image set ${choice.source}`)
          atlas.current ??= await decodeAtlas(`${l.liveBaseUrl(info.modelId)}/${info.subset.path}`)
          s.setData(l.tilesFromAtlas(atlas.current, info.subset, src.tiles, info.config.resolution))
        } else {
          const liked = await fetchLikedLatents(info.modelId, info.config.zDim)
          if (!liked.ok) {
            setNotice(liked.message)
            setPhase('ready')
            return
          }
          if (liked.latents.length < 8) setNotice(`Only ${liked.latents.length} liked sample${liked.latents.length === 1 ? '' : 's'}: the generator will copy them closely.`)
          s.setData(await l.imagesFromLatents(s.trainer, liked.latents))
        }
        setProgress(null)
        setPhase('training')
        const run = s.run({
          steps,
          renderEvery: RENDER_EVERY,
          latents,
          onProgress: (p) => {
            setProgress(p)
            setHistory((h) => [...h.slice(-(MAX_HISTORY - 1)), { step: p.globalStep - info.step, lossD: p.lossD, lossG: p.lossG }])
          },
          onRender: (pixels, step) => setGrid({ pixels, step, liveSteps: step - info.step }),
        })
        running.current = run
        const res = await run
        // a stop lands between renders: show where it stopped
        if (res.stopped && session.current === s) await renderGrid(s, info)
        setLastRun(res)
        setPhase('ready')
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e))
        setPhase('error')
      }
    },
    [info, latents, renderGrid],
  )

  const stop = useCallback(() => {
    if (!session.current?.running) return
    session.current.stop()
    setPhase('stopping')
  }, [])

  const reset = useCallback(async () => {
    const l = lib.current
    const w = weights.current
    if (!l || !w || !info || session.current?.running) return
    session.current?.dispose()
    const s = new l.LiveSession(l.createLiveTrainer(info, w))
    session.current = s
    setProgress(null)
    setLastRun(null)
    setHistory([])
    setNotice(null)
    setError(null)
    await renderGrid(s, info)
    setPhase('ready')
  }, [info, renderGrid])

  return { phase, info, batch, loadProgress, error, notice, progress, lastRun, history, grid, start, stop, reset }
}

export type LiveTraining = ReturnType<typeof useLiveTraining>
