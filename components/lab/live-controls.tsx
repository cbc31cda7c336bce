'use client'
// What to train on, for how long, and the start / stop / reset buttons of the live panel.
import type { LiveInfo } from '@/lib/gan/live-format'
import type { DataChoice } from './live-session'

export const MAX_STEPS = 1000
export const DEFAULT_STEPS = 200

const focus = 'focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-700'
export const buttonPrimary = `rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-40 ${focus}`
export const buttonSecondary = `rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30 disabled:opacity-40 ${focus}`

const choiceValue = (c: DataChoice) => (c.kind === 'liked' ? 'liked' : `subset:${c.source}`)
const parseChoice = (v: string): DataChoice => (v === 'liked' ? { kind: 'liked' } : { kind: 'subset', source: v.slice('subset:'.length) })

interface Props {
  info: LiveInfo | null
  choice: DataChoice | null
  onChoice: (c: DataChoice) => void
  steps: number
  onSteps: (n: number) => void
  canStart: boolean
  running: boolean
  stopping: boolean
  onStart: () => void
  onStop: () => void
  onReset: () => void
  /** "Reset to the shipped model", or to the checkpoint the live weights are from */
  resetLabel: string
}

export function LiveControls({ info, choice, onChoice, steps, onSteps, canStart, running, stopping, onStart, onStop, onReset, resetLabel }: Props) {
  const sources = info?.subset.sources ?? []
  const validSteps = Number.isInteger(steps) && steps >= 1 && steps <= MAX_STEPS
  return (
    <form
      className="flex flex-wrap items-end gap-4"
      onSubmit={(e) => {
        e.preventDefault()
        if (canStart && validSteps) onStart()
      }}
    >
      <label className="flex flex-col text-sm">
        <span className="text-black/70">Train on</span>
        <select
          value={choice ? choiceValue(choice) : ''}
          onChange={(e) => onChoice(parseChoice(e.target.value))}
          disabled={!info || running}
          data-testid="live-data"
          className={`mt-1 rounded-md border border-black/15 bg-white px-2 py-1.5 ${focus}`}
        >
          {sources.map((s) => (
            <option key={s.id} value={`subset:${s.id}`}>
              {s.label}: {s.tiles.length} real faces ({s.licence})
            </option>
          ))}
          <option value="liked">My liked samples</option>
        </select>
      </label>
      <label className="flex flex-col text-sm">
        <span className="text-black/70">Steps (1–{MAX_STEPS})</span>
        <input
          type="number"
          min={1}
          max={MAX_STEPS}
          step={1}
          value={Number.isFinite(steps) ? steps : ''}
          onChange={(e) => onSteps(Math.round(Number(e.target.value)))}
          disabled={running}
          aria-invalid={!validSteps}
          data-testid="live-steps"
          className={`mt-1 w-24 rounded-md border border-black/15 bg-white px-2 py-1.5 tabular-nums ${focus}`}
        />
      </label>
      <div className="flex gap-2">
        <button type="submit" disabled={!canStart || !validSteps} className={buttonPrimary} data-testid="live-start">
          Start training
        </button>
        <button type="button" onClick={onStop} disabled={!running || stopping} className={buttonSecondary} data-testid="live-stop">
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
        <button type="button" onClick={onReset} disabled={!canStart} className={buttonSecondary} data-testid="live-reset">
          {resetLabel}
        </button>
      </div>
    </form>
  )
}
