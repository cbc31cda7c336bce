// A piece painted from a doodle: the doodle the painter read (its 64-px line image) with the
// colour hints it was given drawn where they were, and which model and checkpoint painted it.
import type { DoodleProvenance } from '@/lib/gan/provenance'
import { DOODLE_SIZE } from '@/lib/gan/doodle'

export function DoodleProvenanceView({ provenance: p }: { provenance: DoodleProvenance }) {
  const hints = p.hints ?? []
  return (
    <section aria-labelledby="doodle-provenance" className="space-y-2" data-testid="doodle-provenance">
      <h2 id="doodle-provenance" className="text-sm font-semibold uppercase tracking-wide text-black/60">
        Painted from a doodle
      </h2>
      <div className="flex items-start gap-3">
        <figure className="relative h-32 w-32 shrink-0 overflow-hidden rounded border border-black/10 bg-white">
          {/* eslint-disable-next-line @next/next/no-img-element -- the stored 64-px doodle, shown pixelated */}
          <img src={p.doodle} alt="The doodle the painter was given" width={128} height={128} className="h-full w-full [image-rendering:pixelated]" />
          {hints.length > 0 && (
            <svg viewBox={`0 0 ${DOODLE_SIZE} ${DOODLE_SIZE}`} className="absolute inset-0 h-full w-full" aria-hidden>
              {hints.map((h, i) => (
                <circle key={i} cx={h.x} cy={h.y} r={2.2} fill={h.color} stroke="#111827" strokeWidth={0.7} />
              ))}
            </svg>
          )}
        </figure>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
          <dt className="text-black/60">model</dt>
          <dd>{p.modelId}</dd>
          <dt className="text-black/60">checkpoint</dt>
          <dd>step {p.checkpoint.toLocaleString('en')}</dd>
          <dt className="text-black/60">strokes</dt>
          <dd>{p.strokes}</dd>
          <dt className="text-black/60">colour hints</dt>
          <dd className="flex flex-wrap items-center gap-1">
            {hints.length === 0 ? 'none' : hints.length}
            {hints.slice(0, 24).map((h, i) => (
              <span key={i} title={h.color} className="inline-block h-3 w-3 rounded-full border border-black/30" style={{ background: h.color }} />
            ))}
          </dd>
          {p.upscaler && (
            <>
              <dt className="text-black/60">enlarged by</dt>
              <dd>
                {p.upscaler.modelId} (step {p.upscaler.step.toLocaleString('en')})
              </dd>
            </>
          )}
        </dl>
      </div>
    </section>
  )
}
