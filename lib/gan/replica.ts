/**
 * Data-parallel training: what one replica of a trainer needs to know about the others. A step's
 * batch is split in equal parts, one per replica (rank 0 takes the first rows); the replicas run
 * the same graph on their part in lock-step, sum what must be summed (BatchNorm statistics and
 * their gradients, the weight gradients, the step's statistics) and apply the same Adam step, so
 * their weights stay identical. The collective operations block until every replica has called
 * them, in the same order. Browser-safe (no Node imports): the implementation over shared memory
 * and worker threads is `offline/shared-collective.ts`; live training in the browser never
 * replicates (a trainer without a replica runs the whole batch as before).
 */

export interface Replica {
  /** 0 for the replica that owns the EMA, the checkpoints and the random stream's state. */
  readonly rank: number;
  /** Number of replicas (>= 1). */
  readonly world: number;
  /** Element-wise sum over the replicas, added in rank order (the same result on every replica). */
  allReduceSum(values: Float32Array): Float32Array;
  /** Every replica's `values` (all of the same length), in rank order. */
  allGather(values: Float32Array): Float32Array[];
  /** Rank 0's `values` on every replica (the others pass their length's worth of anything). */
  broadcast(values: Float32Array): Float32Array;
  /**
   * While true, rank 0 computes on the whole batch by itself (BatchNorm statistics are local);
   * the trainer sets it around work that cannot be split (R1's second-order gradient).
   */
  solo: boolean;
}

/** The rows [offset, offset + count) of a batch of `total` that `replica` computes. */
export interface BatchPart {
  offset: number;
  count: number;
  total: number;
}

export function batchPart(total: number, replica?: Replica): BatchPart {
  if (!replica || replica.world === 1) return { offset: 0, count: total, total };
  if (total % replica.world !== 0) throw new Error(`replica: batch ${total} does not split into ${replica.world} equal parts`);
  const count = total / replica.world;
  return { offset: replica.rank * count, count, total };
}

/** Packs arrays end to end (for one collective call instead of one per tensor). */
export function concatArrays(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The inverse of concatArrays: views of `packed` with the given lengths. */
export function splitArray(packed: Float32Array, lengths: readonly number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let o = 0;
  for (const n of lengths) {
    out.push(packed.subarray(o, o + n));
    o += n;
  }
  if (o !== packed.length) throw new Error(`replica: ${packed.length} values for ${o}`);
  return out;
}
