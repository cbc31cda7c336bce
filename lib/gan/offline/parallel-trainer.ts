/**
 * GAN training on several cores: the GanTrainer of lib/gan/trainer.ts as rank 0 of a group of
 * data-parallel replicas, the others on worker threads (./replica-worker.ts), each with its own
 * wasm backend. Each step the batch goes through shared memory, the random stream's position
 * by message; every replica computes its share of the batch (BatchNorm statistics and gradients
 * summed across the group: lib/gan/sync-batchnorm.ts, ./shared-collective.ts) and applies the
 * same Adam step. Rank 0 is the trainer the caller holds: its weights, EMA, optimisers, step and
 * random stream are what checkpoints save; `start()` copies them to the workers (after a resume).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { buildDiscriminator, buildGenerator, type GanConfig } from '../architecture';
import { GanTrainer, type StepStats, type TrainHyper } from '../trainer';
import { createCollectiveMemory, SharedCollective, type CollectiveMemory } from './shared-collective';
import type { RngSnapshot } from '../rng';

/** One tensor as it crosses to a worker. */
export interface WireTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ReplicaWorkerData {
  config: GanConfig;
  hyper: TrainHyper;
  seed: number;
  rank: number;
  memory: CollectiveMemory;
  batch: SharedArrayBuffer;
}

export type ToReplica =
  | { type: 'sync'; g: WireTensor[]; d: WireTensor[]; gOpt: WireTensor[]; dOpt: WireTensor[]; step: number }
  | { type: 'step'; step: number; rng: RngSnapshot };

export type FromReplica = { type: 'ready' } | { type: 'synced' } | { type: 'error'; message: string };

const wire = (name: string, t: tf.Tensor): WireTensor => ({ name, shape: t.shape.slice(), data: Float32Array.from(t.dataSync()) });

/**
 * Floats one exchange may carry: every weight of G or of D, whichever is larger, and one more per
 * weight (the gradients; R1's broadcast of D's gradients, statistics, which-have-a-gradient flags).
 */
function slotSizeFor(config: GanConfig): number {
  const g = buildGenerator(config);
  const d = buildDiscriminator(config);
  const n = Math.max(g.countParams() + g.weights.length, d.countParams() + d.weights.length) + 16;
  g.dispose();
  d.dispose();
  return n;
}

/** One replica per core, up to `max`, as many as split the batch evenly. */
export function defaultThreads(batch: number, max = 2): number {
  let n = Math.max(1, Math.min(max, availableParallelism()));
  while (n > 1 && batch % n !== 0) n--;
  return n;
}

/** Starts a worker that runs `./replica-worker.ts` through tsx (worker threads do not inherit the loader). */
function spawnReplica(data: ReplicaWorkerData): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./replica-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApi)})
    .then((m) => { m.register(); return import(${JSON.stringify(entry)}); })
    .catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(code, { eval: true, workerData: data });
}

export class ParallelGanTrainer extends GanTrainer {
  private readonly workers: Worker[];
  private readonly group: SharedCollective;
  private readonly batch: Float32Array;
  private readonly ready: Promise<void>[];
  private started: boolean;

  private constructor(config: GanConfig, hyper: TrainHyper, seed: number, group: SharedCollective, batch: SharedArrayBuffer) {
    super(config, hyper, seed, undefined, group);
    this.group = group;
    this.batch = new Float32Array(batch);
    this.started = false;
    this.workers = [];
    this.ready = [];
  }

  /** `threads` replicas (>= 2; the batch must split evenly), rank 0 on this thread. */
  static create(config: GanConfig, hyper: TrainHyper, seed: number, threads: number): ParallelGanTrainer {
    if (!Number.isInteger(threads) || threads < 2) throw new Error(`parallel trainer: ${threads} threads (use GanTrainer for one)`);
    const memory = createCollectiveMemory(threads, slotSizeFor(config));
    const R = config.resolution;
    const batch = new SharedArrayBuffer(hyper.batch * R * R * 3 * 4);
    const t = new ParallelGanTrainer(config, hyper, seed, new SharedCollective(memory, 0), batch);
    for (let rank = 1; rank < threads; rank++) {
      const w = spawnReplica({ config, hyper, seed, rank, memory, batch });
      // a step's failure reaches rank 0 as ReplicaFailed; the reason arrives here
      w.on('message', (m: FromReplica) => {
        if (m.type === 'error') console.error(`replica ${rank}: ${m.message}`);
      });
      t.workers.push(w);
      t.ready.push(t.reply(w, 'ready'));
    }
    return t;
  }

  get threads(): number {
    return this.group.world;
  }

  /** Resolves on the worker's next `type` message; rejects on its error or exit. */
  private reply(w: Worker, type: FromReplica['type']): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromReplica): void => {
        if (m.type === type) {
          off();
          resolve();
        } else if (m.type === 'error') {
          off();
          reject(new Error(`replica: ${m.message}`));
        }
      };
      const onError = (e: Error): void => {
        off();
        reject(e);
      };
      const onExit = (code: number): void => {
        off();
        reject(new Error(`replica: worker exited (${code})`));
      };
      const off = (): void => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
    });
  }

  /**
   * Waits for the workers, then gives them this trainer's weights, optimiser state and step
   * (call after loading a checkpoint; again whenever they were changed from outside).
   */
  async start(): Promise<void> {
    await Promise.all(this.ready);
    const gOpt = await this.gOpt.getWeights();
    const dOpt = await this.dOpt.getWeights();
    const msg: ToReplica = {
      type: 'sync',
      g: this.G.weights.map((w) => wire(w.originalName, w.read())),
      d: this.D.weights.map((w) => wire(w.originalName, w.read())),
      gOpt: gOpt.map((w) => wire(w.name, w.tensor)),
      dOpt: dOpt.map((w) => wire(w.name, w.tensor)),
      step: this.step,
    };
    // getWeights() wraps the live iteration count in a new tensor
    tf.dispose(gOpt.concat(dOpt).filter((w) => w.name === 'iter').map((w) => w.tensor));
    await Promise.all(
      this.workers.map((w) => {
        const done = this.reply(w, 'synced');
        w.postMessage(msg);
        return done;
      }),
    );
    this.started = true;
  }

  override trainStep(realBatch: Float32Array): StepStats {
    if (!this.started) throw new Error('parallel trainer: await start() before the first step');
    if (realBatch.length !== this.batch.length) throw new Error(`parallel trainer: batch of ${realBatch.length} values, want ${this.batch.length}`);
    this.batch.set(realBatch);
    const msg: ToReplica = { type: 'step', step: this.step, rng: this.rng.snapshot() };
    for (const w of this.workers) w.postMessage(msg);
    try {
      return super.trainStep(realBatch);
    } catch (e) {
      this.group.fail();
      this.started = false;
      throw e;
    }
  }

  override dispose(): void {
    // a worker holds nothing to save (rank 0 owns the state): ending its thread frees its backend
    for (const w of this.workers) void w.terminate();
    super.dispose();
  }
}
