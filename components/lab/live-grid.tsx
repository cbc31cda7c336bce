'use client'
// The same latents drawn by the live trainer's EMA generator, re-rendered as it trains.
import { PixelCanvas } from '@/components/generate/PixelCanvas'
import type { LiveBase, LiveGrid } from './live-session'

export function LiveGridView({ grid, base, size }: { grid: LiveGrid | null; base: LiveBase | null; size: number }) {
  const from = !base || base.shipped ? 'shipped' : `step ${base.step.toLocaleString('en-US')}`
  return (
    <figure className="space-y-2">
      <figcaption className="text-sm text-black/70" data-testid="live-grid-caption">
        {grid ? (
          <>
            Step <span className="font-mono">{grid.step.toLocaleString('en-US')}</span>{' '}
            {grid.liveSteps > 0 ? `(${from} + ${grid.liveSteps} live)` : `(${base?.label ?? 'the shipped model'})`}
          </>
        ) : (
          'Loading…'
        )}
      </figcaption>
      <div className="grid grid-cols-4 gap-1.5" data-testid="live-grid" data-step={grid?.step ?? ''} data-live-steps={grid?.liveSteps ?? ''} aria-busy={!grid}>
        {grid
          ? grid.pixels.map((p, i) => <PixelCanvas key={i} pixels={p} label={`Live sample ${i + 1} at step ${grid.step}`} className="aspect-square w-full rounded" pixelated />)
          : Array.from({ length: size }, (_, i) => <div key={i} className="aspect-square animate-pulse rounded bg-black/5" />)}
      </div>
    </figure>
  )
}
