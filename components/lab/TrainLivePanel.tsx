'use client'
// "Train it live": continues training the shipped generator in this browser (WebGL on a GPU,
// else WebAssembly with the project's kernels) on a real emoji set or the user's liked samples,
// with progress, a live loss plot and a fixed-latent grid that shows the generator change.
import { useState } from 'react'
import type { GeneratorHandle } from '@/components/generate/useGenerator'
import { DEFAULT_STEPS, LiveControls } from './live-controls'
import { LiveGridView } from './live-grid'
import { LiveLossChart } from './live-loss-chart'
import { LiveProgressView } from './live-progress'
import { GRID_SIZE, RENDER_EVERY, useLiveTraining, type DataChoice } from './live-session'

export function TrainLivePanel({ gen }: { gen: GeneratorHandle }) {
  const live = useLiveTraining(gen)
  const { info, phase, base } = live
  const baseLabel = base?.label ?? 'the shipped model'
  const shippedStep = gen.manifest?.checkpoints.at(-1)?.step
  const [picked, setPicked] = useState<DataChoice | null>(null)
  const [steps, setSteps] = useState(DEFAULT_STEPS)
  // the first image set is the default: it always works (liked samples need an account and likes)
  const firstSource = info?.subset.sources[0]?.id
  const choice = picked ?? (firstSource ? { kind: 'subset' as const, source: firstSource } : null)
  const running = phase === 'training' || phase === 'stopping' || phase === 'preparing'
  const canStart = !!info && (phase === 'ready' || phase === 'error')
  const source = choice?.kind === 'subset' ? info?.subset.sources.find((s) => s.id === choice.source) : undefined

  return (
    <section aria-labelledby="live-heading" className="space-y-4 rounded-xl border border-black/10 p-5" data-testid="train-live">
      <div className="space-y-1">
        <h2 id="live-heading" className="text-xl font-semibold">
          Train it live
        </h2>
        <p className="max-w-3xl text-sm text-black/70">
          Continue training the generator right here, as GAN Lab does: it plays its game against the discriminator for a few hundred
          more steps on a small set of real faces, or on your liked samples, and the sixteen faces below are redrawn every {RENDER_EVERY}{' '}
          steps so you can watch it drift toward them. Nothing leaves your browser; reset to start again from {baseLabel}.
        </p>
        {base && !base.shipped && (
          <p className="max-w-3xl rounded-lg bg-amber-50 p-2 text-xs text-amber-900" data-testid="live-base" data-step={base.step}>
            The live weights are from training step {base.step.toLocaleString('en-US')}
            {shippedStep !== undefined && `, not the shipped model (step ${shippedStep.toLocaleString('en-US')})`}: training here continues from that
            checkpoint.
          </p>
        )}
        <p className="text-xs text-black/60" data-testid="live-backend">
          {gen.backend ? (
            <>
              Runs on <span className="font-medium">{gen.backend.name === 'wasm' ? 'WebAssembly' : gen.backend.name === 'webgl' ? 'WebGL' : 'plain JavaScript'}</span> ({gen.backend.reason})
            </>
          ) : (
            'Choosing a backend…'
          )}
          {info && ` · from training step ${info.step.toLocaleString('en-US')} · batch ${live.batch}`}
        </p>
      </div>

      {phase === 'loading' && (
        <div className="space-y-1">
          <p className="text-sm text-black/70">Loading the generator and discriminator for training…</p>
          <div role="progressbar" aria-label="Loading the live-training weights" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(live.loadProgress * 100)} className="h-2 overflow-hidden rounded-full bg-black/10">
            <div className="h-full bg-violet-600 transition-[width]" style={{ width: `${Math.round(live.loadProgress * 100)}%` }} />
          </div>
        </div>
      )}

      <div className="rounded-xl border border-black/10 bg-white p-4 shadow-sm">
        <LiveControls
          info={info}
          choice={choice}
          onChoice={setPicked}
          steps={steps}
          onSteps={setSteps}
          canStart={canStart}
          running={running}
          stopping={phase === 'stopping'}
          onStart={() => choice && void live.start(choice, steps)}
          onStop={live.stop}
          onReset={() => void live.reset()}
          resetLabel={`Reset to ${baseLabel}`}
        />
        {source && (
          <p className="mt-2 text-xs text-black/60">
            {source.credit}.{' '}
            <a href={source.url} className="underline hover:text-black/70" target="_blank" rel="noreferrer">
              Source
            </a>
          </p>
        )}
        {live.notice && (
          <p role="status" className="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-900" data-testid="live-notice">
            {live.notice}
          </p>
        )}
        {live.error && (
          <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
            {live.error}
          </p>
        )}
      </div>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,360px)_1fr]">
        <div className="rounded-xl border border-black/10 bg-white p-4 shadow-sm">
          <LiveGridView grid={live.grid} base={base} size={GRID_SIZE} />
        </div>
        <div className="space-y-4 rounded-xl border border-black/10 bg-white p-4 shadow-sm">
          <LiveProgressView phase={phase} progress={live.progress} lastRun={live.lastRun} planned={steps} />
          <LiveLossChart history={live.history} />
        </div>
      </div>
    </section>
  )
}
