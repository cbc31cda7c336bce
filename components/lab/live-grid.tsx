'use client'
// The same latents drawn by the live trainer's EMA generator, re-rendered as it trains.
import { useEffect, useRef } from 'react'
import { drawPixels } from '@/components/generate/pixels'
import type { Pixels } from '@/lib/gan/runtime'
import type { LiveGrid } from './live-session'

function Tile({ pixels, label }: { pixels: Pixels; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (ref.current) drawPixels(ref.current, pixels)
  }, [pixels])
  return <canvas ref={ref} role="img" aria-label={label} className="aspect-square w-full rounded bg-black/5 [image-rendering:pixelated]" />
}

export function LiveGridView({ grid, size }: { grid: LiveGrid | null; size: number }) {
  return (
    <figure className="space-y-2">
      <figcaption className="text-sm text-black/70" data-testid="live-grid-caption">
        {grid ? (
          <>
            Step <span className="font-mono">{grid.step.toLocaleString('en-US')}</span>{' '}
            {grid.liveSteps > 0 ? `(shipped + ${grid.liveSteps} live)` : '(the shipped weights)'}
          </>
        ) : (
          'Loading…'
        )}
      </figcaption>
      <div className="grid grid-cols-4 gap-1.5" data-testid="live-grid" data-step={grid?.step ?? ''} data-live-steps={grid?.liveSteps ?? ''} aria-busy={!grid}>
        {grid
          ? grid.pixels.map((p, i) => <Tile key={i} pixels={p} label={`Live sample ${i + 1} at step ${grid.step}`} />)
          : Array.from({ length: size }, (_, i) => <div key={i} className="aspect-square animate-pulse rounded bg-black/5" />)}
      </div>
    </figure>
  )
}
