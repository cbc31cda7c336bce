'use client'
// What the taste model has learned, in numbers: held-out accuracy, and the like-share of plain vs
// steered samples, as the model predicts it and as the user's own ratings measured it.
import type { HeldOutAccuracy, ShareCount } from '@/lib/taste/preference'

export interface TeachStatsProps {
  accuracy: HeldOutAccuracy | null
  predicted: { plain: number; steered: number } | null
  measured: { plain: ShareCount; steered: ShareCount }
  strength: number
}

const pct = (v: number) => `${Math.round(v * 100)}%`

function Share({ label, count }: { label: string; count: ShareCount }) {
  return (
    <div>
      <dt className="text-xs text-black/60">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">
        {count.share === null ? '—' : pct(count.share)}
        <span className="ml-1 text-xs font-normal text-black/60">{count.total ? `${count.liked} of ${count.total}` : 'no ratings yet'}</span>
      </dd>
    </div>
  )
}

export function TeachStats({ accuracy, predicted, measured, strength }: TeachStatsProps) {
  return (
    <div className="grid gap-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm sm:grid-cols-3" aria-label="What the taste model learned" role="group">
      <section>
        <h3 className="text-sm font-semibold">Held-out accuracy</h3>
        {accuracy ? (
          <p data-testid="teach-accuracy">
            <span className="text-2xl font-semibold tabular-nums">{pct(accuracy.accuracy)}</span>
            <span className="block text-xs text-black/60">
              {accuracy.correct} of {accuracy.total} ratings predicted by a model that had not seen them ({accuracy.folds}-fold cross-validation);
              always guessing your commoner answer scores {pct(accuracy.baseline)}.
            </span>
          </p>
        ) : (
          <p className="text-xs text-black/60" data-testid="teach-accuracy">
            Needs 6 ratings with at least 2 likes and 2 dislikes.
          </p>
        )}
      </section>
      <section>
        <h3 className="text-sm font-semibold">Predicted like-share</h3>
        {predicted ? (
          <dl className="grid grid-cols-2 gap-2" data-testid="teach-predicted">
            <div>
              <dt className="text-xs text-black/60">plain</dt>
              <dd className="text-lg font-semibold tabular-nums">{pct(predicted.plain)}</dd>
            </div>
            <div>
              <dt className="text-xs text-black/60">steered at {pct(strength)}</dt>
              <dd className="text-lg font-semibold tabular-nums">{pct(predicted.steered)}</dd>
            </div>
          </dl>
        ) : (
          <p className="text-xs text-black/60" data-testid="teach-predicted">
            Like at least one sample and dislike another.
          </p>
        )}
        <p className="mt-1 text-xs text-black/60">The model&apos;s own guess over 256 fresh samples.</p>
      </section>
      <section>
        <h3 className="text-sm font-semibold">Your like-share</h3>
        <dl className="grid grid-cols-2 gap-2" data-testid="teach-measured">
          <Share label="plain samples" count={measured.plain} />
          <Share label="steered samples" count={measured.steered} />
        </dl>
        <p className="mt-1 text-xs text-black/60">Measured from your own ratings: the real test of steering.</p>
      </section>
    </div>
  )
}
