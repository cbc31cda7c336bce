'use client'

import { StaticCanvas } from 'fabric'
import { useEffect, useRef, useState } from 'react'
import { canvasDocumentSchema, type CanvasDocument } from '@/lib/canvas/document'
import { applyOpInPlace, cloneDocument } from '@/lib/canvas/ops'
import { toCanvasOp } from '@/lib/collab/op-codec'
import type { StoredOp } from '@/lib/collab/protocol'
import { getJsonWithAccess } from './artwork-fetch'
import { FabricScene, PAPER } from './fabric-scene'

const SIZE = 480

/**
 * The refinement as a time-lapse: the first version, then every stored op in order. `token` is
 * the share token the studio was opened with, if any (the replay API needs read access).
 */
export function ReplayDialog({ src, token = null, onClose }: { src: string; token?: string | null; onClose: () => void }) {
  const canvasEl = useRef<HTMLCanvasElement>(null)
  const scene = useRef<FabricScene | null>(null)
  const [frames, setFrames] = useState<CanvasDocument[] | null>(null)
  const [frame, setFrame] = useState(0)
  const [playing, setPlaying] = useState(true)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    getJsonWithAccess<{ base: unknown; ops: StoredOp[] }>(token, src)
      .then(({ base, ops }) => {
        let doc = canvasDocumentSchema.parse(base)
        const out = [doc]
        for (const op of ops) {
          doc = cloneDocument(doc)
          if (applyOpInPlace(doc, toCanvasOp(op)).ok) out.push(doc)
        }
        setFrames(out)
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }, [src, token])

  useEffect(() => {
    if (!canvasEl.current) return
    const canvas = new StaticCanvas(canvasEl.current, { width: SIZE, height: SIZE, backgroundColor: PAPER, renderOnAddRemove: false })
    canvas.setZoom(SIZE / 1024)
    scene.current = new FabricScene(canvas)
    return () => {
      scene.current = null
      void canvas.dispose()
    }
  }, [])

  useEffect(() => {
    const doc = frames?.[frame]
    if (doc) void scene.current?.sync(doc)
  }, [frames, frame])

  useEffect(() => {
    if (!playing || !frames) return
    const timer = setInterval(() => setFrame((f) => (f + 1 < frames.length ? f + 1 : f)), Math.max(30, 4000 / frames.length))
    return () => clearInterval(timer)
  }, [playing, frames])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const last = (frames?.length ?? 1) - 1
  return (
    <div role="dialog" aria-modal="true" aria-labelledby="replay-title" className="fixed inset-0 z-50 flex items-center justify-center bg-black/50 p-4">
      <div className="space-y-3 rounded-2xl bg-white p-5 shadow-xl">
        <div className="flex items-center justify-between">
          <h2 id="replay-title" className="font-semibold">
            Replay: from the base image to now
          </h2>
          <button type="button" onClick={onClose} className="rounded px-2 text-xl leading-none hover:bg-black/5" aria-label="Close replay">
            ×
          </button>
        </div>
        <canvas ref={canvasEl} width={SIZE} height={SIZE} className="rounded-lg border border-black/10" />
        {error && <p role="alert">{error}</p>}
        <div className="flex items-center gap-3">
          <button type="button" onClick={() => (frame >= last ? (setFrame(0), setPlaying(true)) : setPlaying((p) => !p))} className="w-20 rounded-md border border-black/15 px-3 py-1 text-sm">
            {playing && frame < last ? 'Pause' : 'Play'}
          </button>
          <input type="range" min={0} max={last} value={frame} onChange={(e) => (setPlaying(false), setFrame(Number(e.target.value)))} aria-label="Replay position" className="flex-1 accent-violet-700" />
          <output className="w-24 text-right font-mono text-xs" aria-live="off">
            {frame} / {last} ops
          </output>
        </div>
      </div>
    </div>
  )
}
