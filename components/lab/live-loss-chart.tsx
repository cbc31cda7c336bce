'use client'
// The live run's losses as they come in (steps since the shipped weights).
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { LossPoint } from './live-session'

export function LiveLossChart({ history }: { history: LossPoint[] }) {
  return (
    <figure className="space-y-1">
      <figcaption className="text-xs text-black/60">
        Losses per live step: <span className="font-medium text-violet-700">generator</span> and <span className="font-medium text-orange-700">discriminator</span>
      </figcaption>
      <div className="h-36" data-testid="live-loss-chart" data-points={history.length}>
        {history.length === 0 ? (
          <p className="flex h-full items-center justify-center rounded-md bg-black/[0.03] text-xs text-black/60">The losses appear here once training runs.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={history} margin={{ top: 5, right: 8, bottom: 0, left: -20 }}>
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} fontSize={10} allowDecimals={false} />
              <YAxis fontSize={10} domain={[0, 'auto']} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} labelFormatter={(s) => `live step ${String(s)}`} />
              <Line type="monotone" dataKey="lossG" name="loss G" stroke="#6d28d9" dot={false} strokeWidth={1.5} isAnimationActive={false} />
              <Line type="monotone" dataKey="lossD" name="loss D" stroke="#ea580c" dot={false} strokeWidth={1.5} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  )
}
