/**
 * The collective operations of lib/gan/replica.ts over shared memory, for replicas on worker
 * threads: a barrier on an Int32Array (Atomics; each waiter spins briefly, then sleeps), one slot
 * of floats per rank for the values exchanged, and a failure flag so that a replica that throws
 * releases the others instead of leaving them waiting. Blocking (Atomics.wait): Node's main thread
 * and workers only, never a page.
 *
 * One barrier per operation: the slots are double-buffered (operation k uses set k mod 2). A
 * replica that has read operation k's values may write operation k+1's into the other set; it
 * cannot reach k+2 (the first set again) before every replica has arrived at k+1's barrier,
 * that is, has finished reading k.
 */
import type { Replica } from '../replica';

const COUNT = 0;
const GENERATION = 1;
const FAILED = 2;
const CONTROL_INTS = 4;
/** Loads of the generation word before sleeping: ~10-50 us, the gap between two replicas' arrivals. */
const SPINS = 20_000;
/** A replica that has not arrived after this long is taken for dead. */
const TIMEOUT_MS = 300_000;

/** The shared memory of a group of replicas (made by the parent; structured-clones to workers). */
export interface CollectiveMemory {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  world: number;
  /** floats per rank */
  slotSize: number;
}

export function createCollectiveMemory(world: number, slotSize: number): CollectiveMemory {
  if (!Number.isInteger(world) || world < 1) throw new Error(`collective: world ${world}`);
  return {
    control: new SharedArrayBuffer(CONTROL_INTS * 4),
    slots: new SharedArrayBuffer(2 * world * slotSize * 4),
    world,
    slotSize,
  };
}

export class ReplicaFailed extends Error {}

export class SharedCollective implements Replica {
  readonly world: number;
  solo = false;
  private readonly control: Int32Array;
  private readonly slots: Float32Array;
  private readonly slotSize: number;
  /** operations so far (the same count on every replica: they make the same calls) */
  private operations = 0;

  constructor(
    memory: CollectiveMemory,
    readonly rank: number,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= memory.world) throw new Error(`collective: rank ${rank} of ${memory.world}`);
    this.world = memory.world;
    this.control = new Int32Array(memory.control);
    this.slots = new Float32Array(memory.slots);
    this.slotSize = memory.slotSize;
  }

  /** Marks the group failed and wakes everyone waiting: each of them throws ReplicaFailed. */
  fail(): void {
    Atomics.store(this.control, FAILED, 1);
    Atomics.notify(this.control, GENERATION);
  }

  get failed(): boolean {
    return Atomics.load(this.control, FAILED) !== 0;
  }

  /** Returns once every replica has called it (as many times). */
  barrier(): void {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, COUNT, 1) === this.world - 1) {
      // the last to arrive resets the count before releasing the others
      Atomics.store(c, COUNT, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    let spins = 0;
    const started = Date.now();
    while (Atomics.load(c, GENERATION) === generation) {
      if (Atomics.load(c, FAILED) !== 0) throw new ReplicaFailed('collective: another replica failed');
      if (spins < SPINS) {
        spins++;
        continue;
      }
      Atomics.wait(c, GENERATION, generation, 100);
      if (Date.now() - started > TIMEOUT_MS) {
        this.fail();
        throw new ReplicaFailed(`collective: no answer from the other replicas in ${TIMEOUT_MS / 1000} s`);
      }
    }
    if (Atomics.load(c, FAILED) !== 0) throw new ReplicaFailed('collective: another replica failed');
  }

  private checkSize(n: number): void {
    if (n > this.slotSize) throw new Error(`collective: ${n} values for slots of ${this.slotSize}`);
  }

  /** Writes this rank's values into the current set, waits for everyone; returns the set's offset. */
  private exchange(values: Float32Array | null, n: number): number {
    this.checkSize(n);
    const set = (this.operations++ % 2) * this.world * this.slotSize;
    if (values) this.slots.set(values, set + this.rank * this.slotSize);
    this.barrier();
    return set;
  }

  allReduceSum(values: Float32Array): Float32Array {
    const n = values.length;
    const set = this.exchange(values, n);
    const out = this.slots.slice(set, set + n);
    for (let r = 1; r < this.world; r++) {
      const base = set + r * this.slotSize;
      for (let i = 0; i < n; i++) (out[i] as number) += this.slots[base + i] as number;
    }
    return out;
  }

  allGather(values: Float32Array): Float32Array[] {
    const n = values.length;
    const set = this.exchange(values, n);
    return Array.from({ length: this.world }, (_, r) => this.slots.slice(set + r * this.slotSize, set + r * this.slotSize + n));
  }

  broadcast(values: Float32Array): Float32Array {
    const n = values.length;
    const set = this.exchange(this.rank === 0 ? values : null, n);
    return this.slots.slice(set, set + n);
  }
}
