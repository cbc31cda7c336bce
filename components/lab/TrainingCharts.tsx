'use client'
// How training went, as plots: the generator's and discriminator's losses, what the
// discriminator believed about real and fake images, and the distance to real images per
// checkpoint. A vertical line marks the step the timeline shows.
import { useEffect, useState } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { curvesSchema, type Curves } from '@/lib/gan/curves'
import { modelBaseUrl, type ModelManifest } from '@/lib/gan/manifest'

const COLORS = { g: '#6d28d9', d: '#ea580c', real: '#0f766e', fake: '#be123c', base: '#64748b' }
const stepTick = (v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(Math.round(v)))
/** Tick marks a person reads at a glance: powers of ten on the log axis, round thousands on the linear one. */
function stepTicks(scale: 'linear' | 'symlog', max: number): number[] {
  if (scale === 'symlog') return [0, 10, 100, 1_000, 10_000, 100_000].filter((t) => t <= max * 1.2)
  const every = max > 20_000 ? 5_000 : max > 8_000 ? 2_000 : 1_000
  return Array.from({ length: Math.floor(max / every) + 1 }, (_, i) => i * every)
}

function ChartCard({ title, note, children }: { title: string; note: string; children: React.ReactElement }) {
  return (
    <figure className="space-y-2 rounded-xl border border-black/10 p-4">
      <figcaption>
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="text-xs text-black/60">{note}</p>
      </figcaption>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  )
}

export function TrainingCharts({ manifest, step }: { manifest: ModelManifest | null; step: number | undefined }) {
  const [curves, setCurves] = useState<Curves | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [scale, setScale] = useState<'linear' | 'symlog'>('symlog')

  useEffect(() => {
    if (!manifest) return
    let cancelled = false
    fetch(`${modelBaseUrl(manifest.id)}/curves.json`)
      .then(async (r) => {
        if (!r.ok) throw new Error(`no training curves for this model (${r.status})`)
        return curvesSchema.parse(await r.json())
      })
      .then((c) => !cancelled && setCurves(c))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
    return () => {
      cancelled = true
    }
  }, [manifest])

  const swd = (manifest?.checkpoints ?? [])
    .filter((c) => c.metrics?.swdMean !== undefined)
    .map((c) => ({ step: c.step, heldOut: c.metrics?.swdMean, train: c.metrics?.swdTrainMean }))
  const metrics = manifest?.checkpoints.find((c) => c.metrics)?.metrics
  const maxStep = Math.max(curves?.points.at(-1)?.step ?? 0, manifest?.checkpoints.at(-1)?.step ?? 0)
  const xAxis = <XAxis dataKey="step" type="number" scale={scale} domain={[0, maxStep]} ticks={stepTicks(scale, maxStep)} tickFormatter={stepTick} fontSize={11} allowDataOverflow />
  const marker = step !== undefined ? <ReferenceLine x={step} stroke="#7c3aed" strokeDasharray="4 3" ifOverflow="extendDomain" /> : null

  return (
    <section aria-labelledby="charts-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="charts-heading" className="text-xl font-semibold">
          How it learned
        </h2>
        <fieldset className="flex items-center gap-3 text-sm">
          <legend className="sr-only">Step axis</legend>
          {(['symlog', 'linear'] as const).map((s) => (
            <label key={s} className="flex items-center gap-1">
              <input type="radio" name="step-axis" value={s} checked={scale === s} onChange={() => setScale(s)} className="accent-violet-700" />
              {s === 'symlog' ? 'log steps' : 'linear steps'}
            </label>
          ))}
        </fieldset>
      </div>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      {!curves && !error && <p className="text-sm text-black/60">Loading the training log…</p>}
      <div className="grid gap-4 lg:grid-cols-3" data-testid="training-charts">
        {curves && (
          <ChartCard title="Losses" note={`Means over ${curves.binSteps} steps. The two networks play against each other: neither loss goes to zero.`}>
            <LineChart data={curves.points} margin={{ top: 5, right: 10, bottom: 0, left: -15 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              {xAxis}
              <YAxis fontSize={11} />
              <Tooltip labelFormatter={(v) => `step ${v}`} formatter={(v) => Number(v).toFixed(3)} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="lossG" name="generator" stroke={COLORS.g} dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="lossD" name="discriminator" stroke={COLORS.d} dot={false} isAnimationActive={false} />
              {marker}
            </LineChart>
          </ChartCard>
        )}
        {curves && (
          <ChartCard title="What the discriminator believed" note="Its average probability that a real image is real, and that a generated one is.">
            <LineChart data={curves.points} margin={{ top: 5, right: 10, bottom: 0, left: -15 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              {xAxis}
              <YAxis domain={[0, 1]} fontSize={11} />
              <Tooltip labelFormatter={(v) => `step ${v}`} formatter={(v) => Number(v).toFixed(3)} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="dReal" name="D(real)" stroke={COLORS.real} dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="dFake" name="D(fake)" stroke={COLORS.fake} dot={false} isAnimationActive={false} />
              {marker}
            </LineChart>
          </ChartCard>
        )}
        {swd.length > 0 && (
          <ChartCard title="Distance to real faces (SWD ×10⁻³)" note="Per checkpoint, 2,000 samples; lower is closer. Grey: two sets of real faces compared with each other.">
            <LineChart data={swd} margin={{ top: 5, right: 10, bottom: 0, left: -15 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              {xAxis}
              <YAxis fontSize={11} />
              <Tooltip labelFormatter={(v) => `step ${v}`} formatter={(v) => Number(v).toFixed(1)} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line dataKey="heldOut" name="vs held-out" stroke={COLORS.g} isAnimationActive={false} />
              <Line dataKey="train" name="vs training set" stroke={COLORS.d} isAnimationActive={false} />
              {metrics?.swdBaseMean !== undefined && <ReferenceLine y={metrics.swdBaseMean} stroke={COLORS.base} strokeDasharray="6 3" label={{ value: 'train vs held-out', fontSize: 10, fill: COLORS.base, position: 'insideTopRight' }} />}
              {metrics?.swdFloorMean !== undefined && <ReferenceLine y={metrics.swdFloorMean} stroke={COLORS.base} strokeDasharray="2 3" label={{ value: 'same-set floor', fontSize: 10, fill: COLORS.base, position: 'insideBottomRight' }} />}
              {marker}
            </LineChart>
          </ChartCard>
        )}
      </div>
    </section>
  )
}
