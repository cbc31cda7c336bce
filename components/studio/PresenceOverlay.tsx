'use client'

import { useSyncExternalStore } from 'react'
import type { PresenceSnapshot, PresenceStore } from './presence-store'

const NOBODY: PresenceSnapshot = { cursors: {}, strokes: {} }

/**
 * Collaborators' cursors (with names) and their strokes while being drawn, over the canvas. It
 * subscribes to the presence store itself: a peer's cursor re-renders this overlay only.
 */
export function PresenceOverlay({ presence, vpt, size, shown = size }: { presence: PresenceStore; vpt: number[]; size: number; shown?: number }) {
  const { cursors, strokes } = useSyncExternalStore(presence.subscribe, presence.getSnapshot, () => NOBODY)
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = vpt
  return (
    <svg className="pointer-events-none absolute inset-0" width={shown} height={shown} viewBox={`0 0 ${size} ${size}`} aria-hidden data-testid="presence">
      <g transform={`matrix(${a} ${b} ${c} ${d} ${e} ${f})`}>
        {Object.entries(strokes).map(([key, s]) => (
          <polyline key={key} points={s.points.map(([x, y]) => `${x},${y}`).join(' ')} fill="none" stroke={s.color} strokeWidth={s.width} strokeLinecap="round" strokeLinejoin="round" opacity={0.8} data-testid="peer-stroke" />
        ))}
      </g>
      {Object.entries(cursors).map(([id, cur]) => {
        const x = a * cur.x + c * cur.y + e
        const y = b * cur.x + d * cur.y + f
        return (
          <g key={id} transform={`translate(${x} ${y})`} data-testid="peer-cursor">
            <path d="M0 0 L0 16 L4.5 12 L8 19 L10.5 18 L7 11 L12.5 11 Z" fill={cur.color} stroke="#fff" strokeWidth={1.2} />
            <text x={14} y={22} fontSize={11} fill="#fff" stroke={cur.color} strokeWidth={3} paintOrder="stroke" fontFamily="sans-serif">
              {cur.name}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
