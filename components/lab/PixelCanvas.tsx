'use client'
// A generated image drawn at its own resolution and scaled up crisply by CSS.
import { useEffect, useRef } from 'react'
import { drawPixels } from '@/components/generate/pixels'
import type { Pixels } from '@/lib/gan/runtime'

export function PixelCanvas({ pixels, size, testId }: { pixels: Pixels | undefined; size: number; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (ref.current && pixels) drawPixels(ref.current, pixels)
  }, [pixels])
  return <canvas ref={ref} width={64} height={64} data-testid={testId} data-ready={pixels ? 'true' : 'false'} style={{ width: size, height: size }} className="rounded bg-black/5 [image-rendering:pixelated]" />
}
