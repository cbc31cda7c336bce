'use client'
// The base layer's look: how opaque it is (fade the generator's picture to paint over it) and
// whether its 64x64 pixels are smoothed or kept sharp when enlarged. Each change is one op, so
// it is undoable, reaches everyone in the room and is part of versions and the replay.
import { useState } from 'react'
import { baseLayerId, type CanvasDocument } from '@/lib/canvas/document'
import { type CanvasOp, updateOp } from '@/lib/canvas/ops'

interface Props {
  doc: CanvasDocument | null
  canWrite: boolean
  commit: (ops: CanvasOp[]) => boolean
}

export function BaseImagePanel({ doc, canWrite, commit }: Props) {
  const id = doc ? baseLayerId(doc) : undefined
  const base = id ? doc?.objects[id] : undefined
  const stored = base?.type === 'image' ? Math.round(base.opacity * 100) : 100
  // the slider's value while it is dragged; the op is sent once, when it is let go
  const [dragging, setDragging] = useState<number | null>(null)
  if (!id || base?.type !== 'image') return null

  const opacity = dragging ?? stored
  const commitOpacity = () => {
    if (dragging !== null && dragging !== stored) commit([updateOp(id, { opacity: dragging / 100 })])
    setDragging(null)
  }

  return (
    <fieldset className="space-y-2 rounded-xl border border-black/10 bg-white p-3" disabled={!canWrite}>
      <legend className="px-1 text-sm font-semibold uppercase tracking-wide text-black/60">Base image</legend>
      <label className="block text-sm">
        Opacity <output className="float-right font-mono text-xs">{opacity}%</output>
        <input
          type="range"
          aria-label="Base image opacity"
          min={0}
          max={100}
          step={5}
          value={opacity}
          onChange={(e) => setDragging(Number(e.target.value))}
          onPointerUp={commitOpacity}
          onKeyUp={commitOpacity}
          onBlur={commitOpacity}
          className="w-full accent-violet-700"
        />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={!base.smooth} onChange={(e) => commit([updateOp(id, { smooth: !e.target.checked })])} /> Sharp pixels
      </label>
    </fieldset>
  )
}
