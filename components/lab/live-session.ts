'use client'
// The live-training session behind TrainLivePanel: loads the live weights (with progress) once the
// generator's backend is chosen, keeps one trainer + session, runs it on the chosen real images,
// and collects progress, the loss history and the fixed-latent grid.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { GeneratorHandle } from '@/components/generate/useGenerator'
import { sampleLatents } from '@/lib/gan/latent'
import type { LiveInfo, LiveWeights } from '@/lib/gan/live-format'
import type { LiveProgress, LiveRunResult, LiveSession } from '@/lib/gan/live-train'
import type { Pixels } from '@/lib/gan/runtime'
import { decodeAtlas, fetchLikedLatents } from './live-data'

// tfjs and the trainer load only when the panel does
async function loadLiveLib() {
  const [format, data, preview, train] = await Promise.all([import('@/lib/gan/live-format'), import('@/lib/gan/live-data'), import('@/lib/gan/live-preview'), import('@/lib/gan/live-train')])
  return { ...format, ...data, ...preview, ...train }
}
type LiveLib = Awaited<ReturnType<typeof loadLiveLib>>

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
  /** live steps since the live weights' checkpoint */
  liveSteps: number
}
/** Where the live weights come from: the shipped model (the manifest's newest checkpoint) or another step. */
export interface LiveBase {
  step: number
  shipped: boolean
  /** "the shipped model" or "the step-9,667 checkpoint" */
  label: string
}

export const GRID_SEED = 7_2024
export const GRID_SIZE = 16
/** re-render the grid every this many steps (and after the last) */
export const RENDER_EVERY = 10
const MAX_HISTORY = 2000

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

export function liveBase(info: LiveInfo, shippedStep: number | undefined): LiveBase {
  const shipped = info.step === shippedStep
  return { step: info.step, shipped, label: shipped ? 'the shipped model' : `the step-${info.step.toLocaleString('en-US')} checkpoint` }
}

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
  const shippedStep = gen.manifest?.checkpoints.at(-1)?.step
  const base = useMemo(() => (info ? liveBase(info, shippedStep) : null), [info, shippedStep])
  const latents = useMemo(() => (info ? sampleLatents(GRID_SEED, GRID_SIZE, info.config.zDim) : []), [info])

  /** Draws the grid from `s`, unless `s` has been replaced (reset, reload) meanwhile. */
  const renderGrid = useCallback(async (s: LiveSession, li: LiveInfo) => {
    const pixels = await s.render(sampleLatents(GRID_SEED, GRID_SIZE, li.config.zDim))
    if (session.current === s) setGrid({ pixels, step: s.trainer.step, liveSteps: s.trainer.step - li.step })
  }, [])

  /** Replaces the session by a fresh one from the live weights (the trainer at the checkpoint again). */
  const freshSession = useCallback((l: LiveLib, li: LiveInfo, w: LiveWeights): LiveSession => {
    session.current?.dispose()
    session.current = null
    const s = new l.LiveSession(l.createLiveTrainer(li, w))
    session.current = s
    return s
  }, [])

  // load once the generator has chosen and initialised the backend (tensors made before that
  // would land on tfjs' default backend)
  useEffect(() => {
    if (!gen.backend || !modelId) return
    let cancelled = false
    ;(async () => {
      const l = await loadLiveLib()
      lib.current = l
      const bytes = l.httpBytes(l.liveBaseUrl(modelId))
      const li = await l.fetchLiveInfo(bytes).catch((e: unknown) => {
        throw new Error(`live training is not available for this model (${message(e)})`)
      })
      const w = await l.loadLiveWeights(li, bytes, (f) => !cancelled && setLoadProgress(f))
      if (cancelled) return l.disposeLiveWeights(w)
      weights.current = w
      const s = freshSession(l, li, w)
      setInfo(li)
      setBatch(s.trainer.hyper.batch)
      await renderGrid(s, li)
      if (!cancelled) setPhase('ready')
    })().catch((e: unknown) => {
      if (cancelled) return
      setError(message(e))
      setPhase('error')
    })
    return () => {
      cancelled = true
      const s = session.current
      const w = weights.current
      session.current = null
      weights.current = null
      atlas.current = null
      const release = () => {
        s?.dispose()
        if (w) lib.current?.disposeLiveWeights(w)
      }
      // a running step cannot be interrupted: stop, then free once it has returned (failed or not);
      // a start() still preparing sees that its session is gone and gives up
      if (s?.running) {
        s.stop()
        void running.current?.catch(() => {}).finally(release)
      } else release()
    }
  }, [gen.backend, modelId, renderGrid, freshSession])

  const start = useCallback(
    async (choice: DataChoice, steps: number) => {
      const l = lib.current
      const s = session.current
      if (!l || !s || !info || !base || s.running) return
      // every await may outlive this session (unmount, reload, reset): then give up quietly
      const gone = () => session.current !== s
      setPhase('preparing')
      setNotice(null)
      setError(null)
      let trained = false
      try {
        if (choice.kind === 'subset') {
          const src = info.subset.sources.find((x) => x.id === choice.source)
          if (!src) throw new Error(`no image set ${choice.source}`)
          atlas.current ??= await decodeAtlas(`${l.liveBaseUrl(info.modelId)}/${info.subset.path}`)
          if (gone()) return
          s.setData(l.tilesFromAtlas(atlas.current, info.subset, src.tiles, info.config.resolution))
        } else {
          const liked = await fetchLikedLatents(info.modelId, info.config.zDim)
          if (gone()) return
          if (!liked.ok) {
            setNotice(liked.message)
            setPhase('ready')
            return
          }
          if (liked.latents.length < 8) setNotice(`Only ${liked.latents.length} liked sample${liked.latents.length === 1 ? '' : 's'}: the generator will copy them closely.`)
          const images = await l.imagesFromLatents(s.trainer, liked.latents)
          if (gone()) return
          s.setData(images)
        }
        setProgress(null)
        setPhase('training')
        trained = true
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
        if (gone()) return
        // a stop lands between renders: show where it stopped
        if (res.stopped) await renderGrid(s, info)
        if (gone()) return
        setLastRun(res)
        setPhase('ready')
      } catch (e) {
        if (gone()) return
        const w = weights.current
        if (trained && w) {
          // the weights may be garbage now (a divergence leaves NaNs): back to the live weights
          const fresh = freshSession(l, info, w)
          setProgress(null)
          setLastRun(null)
          setHistory([])
          setError(`${message(e)}. The generator was reset to ${base.label}.`)
          await renderGrid(fresh, info).catch(() => {})
          if (session.current === fresh) setPhase('ready')
          return
        }
        setError(message(e))
        setPhase('error')
      }
    },
    [info, base, latents, renderGrid, freshSession],
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
    const s = freshSession(l, info, w)
    setProgress(null)
    setLastRun(null)
    setHistory([])
    setNotice(null)
    setError(null)
    await renderGrid(s, info)
    if (session.current === s) setPhase('ready')
  }, [info, renderGrid, freshSession])

  return { phase, info, base, batch, loadProgress, error, notice, progress, lastRun, history, grid, start, stop, reset }
}

export type LiveTraining = ReturnType<typeof useLiveTraining>
