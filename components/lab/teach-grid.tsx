'use client'
// One rateable sample: the generator's image, its predicted like probability, and like/dislike
// toggles (labelled, keyboard usable, aria-pressed).
import { PixelCanvas } from '@/components/generate/PixelCanvas'
import type { Pixels } from '@/lib/gan/runtime'

export interface TeachSampleProps {
  index: number
  fingerprint: string
  steered: boolean
  pixels: Pixels | undefined
  rating: boolean | undefined
  /** predicted like probability, when there is a model */
  score: number | null
  disabled: boolean
  onRate: (liked: boolean) => void
}

const toggle = 'flex-1 rounded-md border px-2 py-1 text-xs font-medium outline-none transition focus-visible:ring-2 focus-visible:ring-violet-600 focus-visible:ring-offset-1 disabled:opacity-40'

export function TeachSample({ index, fingerprint, steered, pixels, rating, score, disabled, onRate }: TeachSampleProps) {
  const label = `sample ${index + 1}`
  return (
    <li
      data-testid="teach-sample"
      data-latent={fingerprint}
      data-steered={steered}
      data-rating={rating === undefined ? 'none' : rating ? 'like' : 'dislike'}
      className={`space-y-1.5 rounded-lg border-2 bg-white p-1 ${rating === true ? 'border-emerald-500' : rating === false ? 'border-rose-400' : 'border-transparent'}`}
    >
      <PixelCanvas pixels={pixels} pixelated className="aspect-square w-full rounded-md" label={`Generated ${label}`} testId="teach-canvas" />
      <div className="flex gap-1">
        <button type="button" aria-label={`Like ${label}`} aria-pressed={rating === true} disabled={disabled} onClick={() => onRate(true)} className={`${toggle} ${rating === true ? 'border-emerald-600 bg-emerald-600 text-white' : 'border-black/15 hover:border-emerald-600'}`}>
          Like
        </button>
        <button type="button" aria-label={`Dislike ${label}`} aria-pressed={rating === false} disabled={disabled} onClick={() => onRate(false)} className={`${toggle} ${rating === false ? 'border-rose-600 bg-rose-600 text-white' : 'border-black/15 hover:border-rose-600'}`}>
          Dislike
        </button>
      </div>
      <p className="text-center text-[11px] text-black/60" title="What your taste model predicts for this sample">
        {score === null ? '\u00a0' : `predicted like ${Math.round(score * 100)}%`}
      </p>
    </li>
  )
}
