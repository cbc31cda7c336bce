'use client'
// A generated image on a canvas at its own resolution, scaled by CSS; every panel that shows
// generator output draws through this one component.
import { useEffect, useRef } from 'react'
import type { Pixels } from '@/lib/gan/runtime'
import { drawPixels } from './pixels'

interface Props {
  pixels: Pixels | undefined
  /** CSS classes for size and shape (e.g. "h-16 w-16 rounded") */
  className?: string
  /** square size in CSS pixels, when not set by className */
  size?: number
  /** the image's accessible name; decorative (aria-hidden) without one, e.g. inside a labelled button */
  label?: string
  testId?: string
  /** show the pixels as they are (pixel art) instead of smoothed */
  pixelated?: boolean
}

export function PixelCanvas({ pixels, className, size, label, testId, pixelated }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (ref.current && pixels) drawPixels(ref.current, pixels)
  }, [pixels])
  return (
    <canvas
      ref={ref}
      width={64}
      height={64}
      data-testid={testId}
      data-ready={pixels ? 'true' : 'false'}
      style={size ? { width: size, height: size } : undefined}
      className={`bg-black/5 ${pixelated ? '[image-rendering:pixelated]' : ''} ${className ?? ''}`}
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    />
  )
}
