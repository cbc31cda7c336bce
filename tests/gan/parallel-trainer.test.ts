import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_CONFIG, type GanConfig } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { ParallelGanTrainer, defaultThreads } from '../../lib/gan/offline/parallel-trainer';
import { batchPart, type Replica } from '../../lib/gan/replica';
import { Rng } from '../../lib/gan/rng';
import { syncMoments } from '../../lib/gan/sync-batchnorm';
import { DEFAULT_HYPER, GanTrainer, type StepStats, type TrainHyper } from '../../lib/gan/trainer';

// Data-parallel GAN training (lib/gan/replica.ts, sync-batchnorm.ts, offline/parallel-trainer.ts):
// two replicas on two threads must train as one thread does on the whole batch.

const alone: Replica = { rank: 0, world: 1, solo: false, allReduceSum: (v) => v.slice(), allGather: (v) => [v.slice()], broadcast: (v) => v.slice() };

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('syncMoments', () => {
  it('gives tf.moments and its gradient when alone', () => {
    const rng = new Rng(3);
    const x = tf.tensor4d(Float32Array.from({ length: 4 * 5 * 5 * 3 }, () => rng.normal() * 2 + 1), [4, 5, 5, 3]);
    const w = tf.tensor4d(Float32Array.from({ length: 4 * 5 * 5 * 3 }, () => rng.normal()), [4, 5, 5, 3]);
    // a loss through the statistics as BatchNorm uses them
    const loss = (stats: (t: tf.Tensor) => [tf.Tensor, tf.Tensor]) => (t: tf.Tensor) => {
      const [mean, variance] = stats(t);
      // (tfjs' batchNorm gradient needs offset and scale given)
      return tf.sum(tf.mul(tf.batchNorm(t, mean, variance, tf.zeros([3]), tf.ones([3]), 1e-3), w));
    };
    const ours = loss((t) => tf.unstack(syncMoments(t, alone)) as [tf.Tensor, tf.Tensor]);
    const reference = loss((t) => {
      const m = tf.moments(t, [0, 1, 2]);
      return [m.mean, m.variance];
    });
    const [m, v] = tf.unstack(syncMoments(x, alone));
    const ref = tf.moments(x, [0, 1, 2]);
    expect(Array.from(m?.dataSync() ?? [])).toEqual(Array.from(ref.mean.dataSync()).map((a) => expect.closeTo(a, 5)));
    expect(Array.from(v?.dataSync() ?? [])).toEqual(Array.from(ref.variance.dataSync()).map((a) => expect.closeTo(a, 5)));
    const g1 = tf.grad(ours)(x).dataSync();
    const g2 = tf.grad(reference)(x).dataSync();
    let worst = 0;
    for (let i = 0; i < g1.length; i++) worst = Math.max(worst, Math.abs((g1[i] ?? 0) - (g2[i] ?? 0)));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('batchPart', () => {
  it('splits a batch into equal parts in rank order and refuses an uneven split', () => {
    expect(batchPart(32)).toEqual({ offset: 0, count: 32, total: 32 });
    expect(batchPart(32, { ...alone, rank: 1, world: 2 })).toEqual({ offset: 16, count: 16, total: 32 });
    expect(() => batchPart(9, { ...alone, world: 2 })).toThrow(/equal parts/);
    expect(defaultThreads(9)).toBe(1);
    expect(defaultThreads(32, 1)).toBe(1);
  });
});

describe('ParallelGanTrainer', () => {
  const config: GanConfig = { ...SMOKE_CONFIG, gWidth: 16, dWidth: 16 };
  // R1 every 2 steps, so the split D and G steps and rank 0's solo R1 step are both compared
  const hyper: TrainHyper = { ...DEFAULT_HYPER, batch: 8, r1: { gamma: 0.05, every: 2 } };
  const R = config.resolution;
  const rng = new Rng(5);
  const batches = Array.from({ length: 3 }, () => Float32Array.from({ length: hyper.batch * R * R * 3 }, () => rng.uniform() * 2 - 1));
  const flat = (ts: readonly tf.Tensor[]): Float32Array => Float32Array.from(ts.flatMap((t) => Array.from(t.dataSync())));
  const run = (t: GanTrainer, steps: number): StepStats[] => Array.from({ length: steps }, (_, i) => t.trainStep(batches[i % batches.length] as Float32Array));
  const worstDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

  it('trains two threads as one thread trains the whole batch', async () => {
    const one = new GanTrainer(config, hyper, 7);
    // one step alone first: the replicas must start from this state (as after a resume)
    run(one, 1);
    const two = ParallelGanTrainer.create(config, hyper, 7, 2);
    try {
      two.G.setWeights(one.G.weights.map((w) => w.read()));
      two.D.setWeights(one.D.weights.map((w) => w.read()));
      two.ema.setValues(one.ema.shadow);
      for (const [from, to] of [
        [one.gOpt, two.gOpt],
        [one.dOpt, two.dOpt],
      ] as const) {
        const ws = await from.getWeights();
        await to.setWeights(ws.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
        tf.dispose(ws.filter((w) => w.name === 'iter').map((w) => w.tensor));
      }
      two.step = one.step;
      two.rng = Rng.restore(one.rng.snapshot());
      expect(() => two.trainStep(batches[0] as Float32Array)).toThrow(/start\(\)/);
      await two.start();
      const before = tf.memory().numTensors;
      const a = run(one, 5);
      const b = run(two, 5);
      expect(tf.memory().numTensors).toBe(before);
      expect(b.filter((s) => s.r1 !== undefined)).toHaveLength(2);
      a.forEach((s, i) => {
        const t = b[i] as StepStats;
        for (const k of ['lossD', 'lossG', 'dReal', 'dFake', 'r1'] as const) {
          if (s[k] === undefined) expect(t[k]).toBeUndefined();
          else expect(t[k]).toBeCloseTo(s[k] as number, 4);
        }
      });
      expect(worstDiff(flat(two.G.weights.map((w) => w.read())), flat(one.G.weights.map((w) => w.read())))).toBeLessThan(1e-5);
      expect(worstDiff(flat(two.D.weights.map((w) => w.read())), flat(one.D.weights.map((w) => w.read())))).toBeLessThan(1e-5);
      expect(worstDiff(flat(two.ema.shadow), flat(one.ema.shadow))).toBeLessThan(1e-5);
      // the weights actually moved: the comparison is not between two untouched models
      expect(two.step).toBe(6);
    } finally {
      one.dispose();
      two.dispose();
    }
  }, 120_000);
});
