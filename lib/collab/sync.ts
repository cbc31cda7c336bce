// The client's side of the op protocol, independent of sockets and of Fabric: a confirmed
// document in server order, an outbox of this client's unacknowledged ops applied on top
// (optimistic), catch-up after reconnects, and per-user undo/redo as inverse ops.
import type { CanvasDocument } from '../canvas/document'
import { applyOpInPlace, cloneDocument, parseOp, type CanvasOp } from '../canvas/ops'
import type { StoredOp } from './protocol'
import { toCanvasOp } from './op-codec'

export interface PendingOp {
  opId: string
  op: CanvasOp
  /** set once the server has ordered it; it stays visible until every earlier op arrived */
  seq?: number
}

export interface SyncTransport {
  /** sends one op; the engine is told the outcome through acknowledge()/reject() */
  send(pending: PendingOp): void
}

export interface SyncListener {
  /** the visible document changed (remote op, rebase, undo...) */
  onChange(doc: CanvasDocument, previous: CanvasDocument): void
  /** one of this client's ops was refused by the server */
  onRejected?(pending: PendingOp, message: string): void
}

const MAX_UNDO = 200

export class SyncEngine {
  private confirmed: CanvasDocument
  private confirmedSeq: number
  /** ops the server has ordered but that arrived ahead of a gap */
  private early = new Map<number, CanvasOp>()
  private outbox: PendingOp[] = []
  private visible: CanvasDocument
  private undoStack: CanvasOp[][] = []
  private redoStack: CanvasOp[][] = []

  constructor(
    snapshot: { document: CanvasDocument; seq: number },
    private readonly transport: SyncTransport,
    private readonly listener: SyncListener,
    private readonly newId: () => string = () => globalThis.crypto.randomUUID(),
  ) {
    this.confirmed = cloneDocument(snapshot.document)
    this.confirmedSeq = snapshot.seq
    this.visible = cloneDocument(this.confirmed)
  }

  get document(): CanvasDocument {
    return this.visible
  }
  get seq(): number {
    return this.confirmedSeq
  }
  get pending(): readonly PendingOp[] {
    return this.outbox
  }
  /** true while ops with later seqs wait for a missing earlier one */
  get hasGap() {
    return this.early.size > 0
  }
  get canUndo() {
    return this.undoStack.length > 0
  }
  get canRedo() {
    return this.redoStack.length > 0
  }

  /**
   * Applies a user action locally and sends it. Several ops form one undo step (e.g. a group
   * move). Returns false, changing nothing, when an op does not apply.
   */
  commit(ops: CanvasOp[], opts: { undoable?: boolean } = {}): boolean {
    const inverses = this.applyLocal(ops)
    if (!inverses) return false
    if (opts.undoable !== false) {
      this.undoStack.push(inverses)
      if (this.undoStack.length > MAX_UNDO) this.undoStack.shift()
      this.redoStack = []
    }
    return true
  }

  /** Reverts this user's last action (only their own ops) by sending its inverse ops. */
  undo(): boolean {
    return this.replay(this.undoStack, this.redoStack)
  }

  redo(): boolean {
    return this.replay(this.redoStack, this.undoStack)
  }

  private replay(from: CanvasOp[][], to: CanvasOp[][]): boolean {
    // an inverse can fail when a collaborator removed the object meanwhile: skip that step
    while (from.length) {
      const step = from.pop() as CanvasOp[]
      const inverses = this.applyLocal(step)
      if (inverses) {
        to.push(inverses)
        return true
      }
    }
    return false
  }

  /** Applies ops to the visible doc as one unit; returns their inverses (in undo order) or null. */
  private applyLocal(given: CanvasOp[]): CanvasOp[] | null {
    // Each op in the form the server stores (the schema's defaults filled, unknown keys gone):
    // an op kept as built here could make this client's document differ from everyone else's.
    // One the server would refuse is refused here, before it is shown.
    const ops: CanvasOp[] = []
    for (const op of given) {
      const parsed = parseOp(op)
      if (!parsed.ok) return null
      ops.push(parsed.op)
    }
    const previous = this.visible
    const next = cloneDocument(previous)
    const inverses: CanvasOp[] = []
    for (const op of ops) {
      const r = applyOpInPlace(next, op)
      if (!r.ok) return null
      inverses.unshift(r.inverse)
    }
    this.visible = next
    for (const op of ops) {
      const pending = { opId: this.newId(), op }
      this.outbox.push(pending)
      this.transport.send(pending)
    }
    this.listener.onChange(this.visible, previous)
    return inverses
  }

  /** The server ordered one of our ops as `seq`. */
  acknowledge(opId: string, seq: number) {
    const pending = this.outbox.find((p) => p.opId === opId)
    if (!pending || pending.seq !== undefined) return
    if (seq <= this.confirmedSeq) {
      // already folded in through a catch-up (the first ack was lost): it is done
      this.outbox = this.outbox.filter((p) => p !== pending)
      return this.rebase()
    }
    pending.seq = seq
    this.early.set(seq, pending.op)
    this.drain()
  }

  /** The server refused one of our ops: drop it and show the document without it. */
  reject(opId: string, message: string) {
    const pending = this.outbox.find((p) => p.opId === opId)
    if (!pending) return
    this.outbox = this.outbox.filter((p) => p.opId !== opId)
    this.rebase()
    this.listener.onRejected?.(pending, message)
  }

  /** An op from the room (or from a catch-up), in any order; applied in seq order. */
  receive(stored: StoredOp) {
    if (stored.seq <= this.confirmedSeq) return
    // our own op, stored while its ack was lost (catch-up after a reconnect): it is acknowledged
    const mine = this.outbox.find((p) => p.opId === stored.opId)
    if (mine) mine.seq = stored.seq
    this.early.set(stored.seq, toCanvasOp(stored))
    this.drain()
  }

  /** After a reconnect: the server's answer to join {sinceSeq}. Resends what is unacknowledged. */
  resync(snapshot: { document: CanvasDocument; seq: number } | null, ops: StoredOp[]) {
    if (snapshot && snapshot.seq >= this.confirmedSeq) {
      this.confirmed = cloneDocument(snapshot.document)
      this.confirmedSeq = snapshot.seq
      for (const seq of [...this.early.keys()]) if (seq <= snapshot.seq) this.early.delete(seq)
    }
    for (const op of ops) this.receive(op)
    this.rebase()
    for (const pending of this.outbox) if (pending.seq === undefined) this.transport.send(pending)
  }

  private drain() {
    let advanced = false
    for (let next = this.early.get(this.confirmedSeq + 1); next; next = this.early.get(this.confirmedSeq + 1)) {
      this.early.delete(this.confirmedSeq + 1)
      applyOpInPlace(this.confirmed, next) // the server already checked it: failures cannot happen
      this.confirmedSeq++
      advanced = true
    }
    if (advanced) this.outbox = this.outbox.filter((p) => p.seq === undefined || p.seq > this.confirmedSeq)
    if (advanced) this.rebase()
  }

  /**
   * visible = confirmed + our pending ops. A pending op that does not apply here any more is
   * still kept until the server answers: in the server's order it may well apply.
   */
  private rebase() {
    const previous = this.visible
    const next = cloneDocument(this.confirmed)
    for (const p of this.outbox) applyOpInPlace(next, p.op)
    this.visible = next
    this.listener.onChange(this.visible, previous)
  }
}
