// Peers' cursors and strokes (components/studio/presence-store.ts): what the overlay draws, and
// that listeners hear of a change only when there is one.
import { describe, expect, it } from 'vitest'
import { PRESENCE_TTL_MS, PresenceStore } from '../../components/studio/presence-store'

const ann = { socketId: 's1', userId: 'u1', name: 'Ann', color: '#ff0000' }
const bob = { socketId: 's2', userId: 'u2', name: 'Bob', color: '#0000ff' }
const artworkId = 'a'.repeat(25)

function store() {
  let t = 1_000
  const s = new PresenceStore(() => t)
  let heard = 0
  s.subscribe(() => heard++)
  return { s, heard: () => heard, advance: (ms: number) => (t += ms) }
}

describe('presence store', () => {
  it('a cursor update replaces that peer’s cursor and tells the listeners', () => {
    const { s, heard } = store()
    const before = s.getSnapshot()
    s.cursor({ artworkId, x: 10, y: 20, from: ann })
    s.cursor({ artworkId, x: 30, y: 40, from: ann })
    expect(s.getSnapshot()).not.toBe(before)
    expect(s.getSnapshot().cursors).toEqual({ s1: { x: 30, y: 40, name: 'Ann', color: '#ff0000', at: 1_000 } })
    expect(heard()).toBe(2)
  })

  it('a stroke grows piece by piece, moves the pen with it, and goes when done', () => {
    const { s } = store()
    s.stroke({ artworkId, strokeId: 'k', points: [[0, 0], [5, 5]], color: '#00ff00', width: 4, from: bob })
    s.stroke({ artworkId, strokeId: 'k', points: [[9, 9]], color: '#00ff00', width: 4, from: bob })
    expect(s.getSnapshot().strokes['s2:k']?.points).toEqual([[0, 0], [5, 5], [9, 9]])
    expect(s.getSnapshot().cursors.s2).toMatchObject({ x: 9, y: 9, name: 'Bob' })
    s.stroke({ artworkId, strokeId: 'k', points: [], color: '#00ff00', width: 4, done: true, from: bob })
    expect(s.getSnapshot().strokes).toEqual({})
  })

  it('peers who left lose their cursor; quiet ones are swept after the TTL; no change, no notice', () => {
    const { s, heard, advance } = store()
    s.cursor({ artworkId, x: 1, y: 1, from: ann })
    s.cursor({ artworkId, x: 2, y: 2, from: bob })
    s.keepOnly(new Set(['s1', 's2']))
    expect(heard()).toBe(2)
    s.keepOnly(new Set(['s1']))
    expect(Object.keys(s.getSnapshot().cursors)).toEqual(['s1'])
    expect(heard()).toBe(3)
    advance(PRESENCE_TTL_MS - 1)
    s.sweep()
    expect(heard()).toBe(3)
    advance(2)
    s.sweep()
    expect(s.getSnapshot().cursors).toEqual({})
    expect(heard()).toBe(4)
  })
})
