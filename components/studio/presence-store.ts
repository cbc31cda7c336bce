// Peers' cursors and strokes in progress, outside React state: they change tens of times a
// second per peer, and only the presence overlay draws them, so it alone subscribes
// (useSyncExternalStore) and a peer's cursor never re-renders the editor. Plain TypeScript with
// an injectable clock, unit-tested in tests/studio/presence-store.test.ts.
import type { CursorUpdate, PeerInfo, StrokePreview } from '@/lib/collab/protocol'

export interface PeerCursor {
  x: number
  y: number
  name: string
  color: string
  at: number
}

export interface PeerStroke {
  points: Array<[number, number]>
  color: string
  width: number
  at: number
}

export interface PresenceSnapshot {
  cursors: Readonly<Record<string, PeerCursor>>
  strokes: Readonly<Record<string, PeerStroke>>
}

/** Peers' cursors and strokes are forgotten after this long without news. */
export const PRESENCE_TTL_MS = 5_000

export class PresenceStore {
  private snapshot: PresenceSnapshot = { cursors: {}, strokes: {} }
  private readonly listeners = new Set<() => void>()

  constructor(private readonly now: () => number = Date.now) {}

  /** For useSyncExternalStore: the same object until something changes. */
  readonly getSnapshot = (): PresenceSnapshot => this.snapshot

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private publish(next: PresenceSnapshot) {
    this.snapshot = next
    for (const l of this.listeners) l()
  }

  cursor(c: CursorUpdate & { from: PeerInfo }): void {
    const { cursors, strokes } = this.snapshot
    this.publish({ strokes, cursors: { ...cursors, [c.from.socketId]: { x: c.x, y: c.y, name: c.from.name, color: c.from.color, at: this.now() } } })
  }

  /** A piece of a peer's stroke (or its end); the pen is where the stroke is. */
  stroke(p: StrokePreview & { from: PeerInfo }): void {
    const at = this.now()
    const strokes = { ...this.snapshot.strokes }
    const key = `${p.from.socketId}:${p.strokeId}`
    if (p.done) delete strokes[key]
    else strokes[key] = { points: [...(strokes[key]?.points ?? []), ...p.points], color: p.color, width: p.width, at }
    // a drawing peer sends no cursor moves: their cursor would otherwise stay where the stroke began
    const pen = p.points.at(-1)
    const cursors = pen ? { ...this.snapshot.cursors, [p.from.socketId]: { x: pen[0], y: pen[1], name: p.from.name, color: p.from.color, at } } : this.snapshot.cursors
    this.publish({ cursors, strokes })
  }

  /** Only these sockets are in the room now: the others' cursors go. */
  keepOnly(socketIds: ReadonlySet<string>): void {
    const cursors = Object.fromEntries(Object.entries(this.snapshot.cursors).filter(([id]) => socketIds.has(id)))
    if (Object.keys(cursors).length !== Object.keys(this.snapshot.cursors).length) this.publish({ ...this.snapshot, cursors })
  }

  /** Forgets cursors and strokes of peers that went quiet (no change, no notice). */
  sweep(): void {
    const cutoff = this.now() - PRESENCE_TTL_MS
    const cursors = Object.fromEntries(Object.entries(this.snapshot.cursors).filter(([, c]) => c.at > cutoff))
    const strokes = Object.fromEntries(Object.entries(this.snapshot.strokes).filter(([, s]) => s.at > cutoff))
    if (Object.keys(cursors).length !== Object.keys(this.snapshot.cursors).length || Object.keys(strokes).length !== Object.keys(this.snapshot.strokes).length) {
      this.publish({ cursors, strokes })
    }
  }
}
