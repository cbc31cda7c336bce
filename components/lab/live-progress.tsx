'use client'
// Progress of a live run: bar, step/total, ms per step, ETA, the discriminator's beliefs; and a
// quieter aria-live line that announces start, quarter marks and the end (not every step).
import type { LiveProgress, LiveRunResult } from '@/lib/gan/live-train'
import type { LivePhase } from './live-session'

const seconds = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.max(0, Math.round(ms / 1000))} s`)

/** `planned`: the steps input, for a run about to start; a run's own total comes with its progress and result. */
function announcement(phase: LivePhase, planned: number, p: LiveProgress | null, last: LiveRunResult | null): string {
  if (phase === 'preparing') return 'Preparing the training images…'
  if (phase === 'stopping') return 'Stopping after this step…'
  if (phase === 'training') {
    const q = p ? Math.floor((p.step / p.total) * 4) : 0
    return q === 0 ? `Training ${p?.total ?? planned} steps…` : `${q * 25}% done`
  }
  if (last) return last.stopped ? `Stopped after ${last.steps} of ${last.total} steps.` : `Done: ${last.steps} of ${last.total} steps.`
  return ''
}

export function LiveProgressView({ phase, progress, lastRun, planned }: { phase: LivePhase; progress: LiveProgress | null; lastRun: LiveRunResult | null; planned: number }) {
  const step = progress?.step ?? 0
  const of = progress?.total ?? planned
  const pct = of ? Math.round((step / of) * 100) : 0
  const state = phase === 'training' || phase === 'stopping' || phase === 'preparing' ? phase : lastRun ? (lastRun.stopped ? 'stopped' : 'done') : 'idle'
  const eta = progress ? (progress.total - progress.step) * progress.msPerStep : NaN
  return (
    <div className="space-y-2" data-testid="live-progress" data-state={state} data-step={step} data-total={of} data-ms-per-step={progress ? Math.round(progress.msPerStep) : ''}>
      <div className="flex items-baseline justify-between text-sm">
        <span className="font-medium tabular-nums">
          Step {step} / {of}
        </span>
        <span className="text-black/60 tabular-nums">
          {progress ? `${Math.round(progress.msPerStep)} ms/step` : '— ms/step'}
          {phase === 'training' && Number.isFinite(eta) ? ` · ETA ${seconds(eta)}` : ''}
        </span>
      </div>
      <div role="progressbar" aria-label="Live training progress" aria-valuemin={0} aria-valuemax={of} aria-valuenow={step} aria-valuetext={`step ${step} of ${of}`} className="h-2 overflow-hidden rounded-full bg-black/10">
        <div className="h-full bg-violet-600 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
      {progress && (
        <dl className="grid grid-cols-4 gap-2 text-xs tabular-nums">
          {(
            [
              ['loss D', progress.lossD.toFixed(3)],
              ['loss G', progress.lossG.toFixed(3)],
              ['D(real)', progress.dReal.toFixed(2)],
              ['D(fake)', progress.dFake.toFixed(2)],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className="rounded-md bg-black/[0.03] px-2 py-1">
              <dt className="text-black/60">{k}</dt>
              <dd className="font-mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <p aria-live="polite" className="min-h-5 text-sm text-black/70" data-testid="live-status">
        {announcement(phase, planned, progress, lastRun)}
      </p>
    </div>
  )
}
