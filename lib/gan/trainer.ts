/**
 * One GAN training step (non-saturating loss, Adam, DiffAugment on real and fake, EMA of G),
 * shared by Node training (training/train.ts) and live training in the browser (live-train.ts).
 * Holds the models and optimisers; knows nothing about files (training/checkpoint.ts does).
 * Browser-safe: no Node imports.
 */
import * as tf from '@tensorflow/tfjs';
import { ScheduledAdam } from './scheduled-adam';
import { r1Penalty } from './r1';
import { z } from 'zod';
import { buildDiscriminator, buildGenerator, toExportGenerator, type GanConfig } from './architecture';
import { augmentOptionsSchema, DEFAULT_AUGMENT, diffAugment } from './augment';
import { Ema } from './ema';
import { Rng, withSeededMathRandom } from './rng';
import { batchPart, concatArrays, splitArray, type BatchPart, type Replica } from './replica';
import { syncBatchNorms } from './sync-batchnorm';

/** Training hyper-parameters; the schema validates them as read from a file (live.json). */
export const trainHyperSchema = z.object({
  batch: z.number().int().positive(),
  lrG: z.number().positive(),
  lrD: z.number().positive(),
  beta1: z.number().min(0).max(1),
  beta2: z.number().min(0).max(1),
  emaDecay: z.number().min(0).max(1),
  augment: augmentOptionsSchema,
  /**
   * Linear learning-rate decay of G and D: factor 1 up to `start`, then down to `floor` at `end`
   * and flat after (absent: constant rates). Late in a run the discriminator starts winning and
   * the held-out figure drifts up; smaller steps there are the usual answer.
   */
  lrDecay: z
    .object({ start: z.number().int().min(0), end: z.number().int().positive(), floor: z.number().min(0).max(1) })
    .refine((d) => d.end > d.start, 'lrDecay.end must come after lrDecay.start')
    .optional(),
  /** lazy R1 on D (lib/gan/r1.ts): every `every` steps, gamma/2 x every x E|grad D(real)|^2 */
  r1: z.object({ gamma: z.number().positive(), every: z.number().int().positive() }).optional(),
});

export type TrainHyper = z.infer<typeof trainHyperSchema>;

/** The learning-rate factor at `step` (1 without a decay). */
export function lrFactor(decay: TrainHyper['lrDecay'], step: number): number {
  if (!decay || step <= decay.start) return 1;
  if (step >= decay.end) return decay.floor;
  return 1 - ((1 - decay.floor) * (step - decay.start)) / (decay.end - decay.start);
}

export const DEFAULT_HYPER: TrainHyper = {
  batch: 32,
  lrG: 2e-4,
  lrD: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  emaDecay: 0.999,
  augment: DEFAULT_AUGMENT,
};

export interface StepStats {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
  /** the scaled R1 penalty, on the steps it was applied */
  r1?: number;
}

/**
 * Starting weights for a trainer (instead of a seeded initialisation), each list in the order of
 * the model's `weights` (BatchNorm statistics included): G in its train form, the EMA copy of G
 * (same layout) and D. The trainer copies them; the caller keeps ownership.
 */
export interface TrainerWeights {
  g: readonly tf.Tensor[];
  ema: readonly tf.Tensor[];
  d: readonly tf.Tensor[];
  /** Step the weights were trained to (drives the EMA warm-up); 0 when absent. */
  step?: number;
}

export class GanTrainer {
  readonly G: tf.Sequential;
  readonly D: tf.Sequential;
  readonly ema: Ema;
  readonly gOpt: ScheduledAdam;
  readonly dOpt: ScheduledAdam;
  rng: Rng;
  step = 0;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];

  /**
   * `replica`: this trainer is one of several that split each batch (lib/gan/replica.ts); each
   * is given the whole batch and the same random stream, computes its rows, and applies the
   * summed gradients. Without it the trainer runs the whole batch (the browser, one thread).
   */
  constructor(
    readonly config: GanConfig,
    readonly hyper: TrainHyper,
    seed: number,
    init?: TrainerWeights,
    readonly replica?: Replica,
  ) {
    batchPart(hyper.batch, replica); // throws early when the batch does not split
    this.rng = new Rng(seed);
    // weight initialisation is drawn from tf's global RNG; seed it for reproducible starts
    const G = withSeededMathRandom(seed, () => buildGenerator(config));
    let D: tf.Sequential | undefined;
    let ema: Ema | undefined;
    try {
      D = withSeededMathRandom(seed + 1, () => buildDiscriminator(config));
      if (init) {
        setAll(G, init.g, 'G');
        setAll(D, init.d, 'D');
      }
      ema = new Ema(G, hyper.emaDecay);
      if (init) {
        if (init.ema.length !== ema.shadow.length) throw new Error(`trainer: ${init.ema.length} EMA weights for ${ema.shadow.length}`);
        ema.setValues([...init.ema]);
        this.step = init.step ?? 0;
      }
    } catch (e) {
      // given weights that do not fit: free what was built before failing
      G.dispose();
      D?.dispose();
      ema?.dispose();
      throw e;
    }
    this.G = G;
    this.D = D;
    this.ema = ema;
    if (replica && replica.world > 1) {
      syncBatchNorms(G, replica);
      syncBatchNorms(D, replica);
    }
    this.gOpt = new ScheduledAdam(hyper.lrG, hyper.beta1, hyper.beta2);
    this.dOpt = new ScheduledAdam(hyper.lrD, hyper.beta1, hyper.beta2);
    this.gVars = this.G.trainableWeights.map((w) => w.read() as tf.Variable);
    this.dVars = this.D.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Latents for this trainer's rows: the whole batch is drawn, so every replica's stream stays in step. */
  private latents(part: BatchPart): tf.Tensor2D {
    const z = this.config.zDim;
    const all = this.rng.normals(part.total * z);
    return tf.tensor2d(all.subarray(part.offset * z, (part.offset + part.count) * z), [part.count, z]);
  }

  private get replicated(): boolean {
    return this.replica !== undefined && this.replica.world > 1;
  }

  /**
   * Gradients of `loss` for `vars` (summed over the replicas when replicated), applied with `opt`:
   * what Optimizer.minimize does, with the sum in between. Returns the loss.
   */
  private descend(opt: ScheduledAdam, vars: tf.Variable[], loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, vars);
    if (!this.replicated || !this.replica) {
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] as tf.Tensor })));
      return value;
    }
    // which variables have no gradient depends only on the graph, the same on every replica
    const present = vars.map((v) => grads[v.name] !== undefined);
    const summed = this.replica.allReduceSum(
      concatArrays(vars.map((v) => (grads[v.name]?.dataSync() as Float32Array | undefined) ?? new Float32Array(v.size))),
    );
    applySummed(opt, vars, present, splitArray(summed, vars.map((v) => v.size)));
    return value;
  }

  /** One D update and one G update on a real batch (float32 NHWC in [-1, 1]). */
  trainStep(realBatch: Float32Array): StepStats {
    const B = this.hyper.batch;
    const R = this.config.resolution;
    const part = batchPart(B, this.replica);
    // each replica's loss is its rows' mean weighted by its share, so the sum is the batch mean
    const share = part.count / B;
    const weigh = (t: tf.Scalar): tf.Scalar => (this.replicated ? (tf.mul(t, share) as tf.Scalar) : t);
    const pixels = R * R * 3;
    const rows = (): tf.Tensor4D =>
      tf.tensor4d(realBatch.subarray(part.offset * pixels, (part.offset + part.count) * pixels), [part.count, R, R, 3]);
    const factor = lrFactor(this.hyper.lrDecay, this.step);
    this.gOpt.setFactor(factor);
    this.dOpt.setFactor(factor);
    const bce = (logits: tf.Tensor, label: 0 | 1): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(label ? tf.onesLike(logits) : tf.zerosLike(logits), logits) as tf.Scalar;
    let dReal: tf.Scalar | undefined;
    let dFake: tf.Scalar | undefined;
    const lossD = tf.tidy(() => {
      const real = rows();
      const fake = this.G.apply(this.latents(part), { training: true }) as tf.Tensor4D;
      const ra = diffAugment(real, this.rng, this.hyper.augment, part);
      const fa = diffAugment(fake, this.rng, this.hyper.augment, part);
      return this.descend(this.dOpt, this.dVars, () => {
        const lr = this.D.apply(ra, { training: true }) as tf.Tensor;
        const lf = this.D.apply(fa, { training: true }) as tf.Tensor;
        dReal = tf.keep(weigh(tf.mean(tf.sigmoid(lr)) as tf.Scalar));
        dFake = tf.keep(weigh(tf.mean(tf.sigmoid(lf)) as tf.Scalar));
        return weigh(tf.add(bce(lr, 1), bce(lf, 0)) as tf.Scalar);
      });
    });
    // lazy R1: a separate small D update on the real batch, every `every` steps
    let r1: number | undefined;
    const reg = this.hyper.r1;
    if (reg && this.step % reg.every === 0) r1 = this.r1Step(realBatch, reg);
    const lossG = tf.tidy(() => {
      const z = this.latents(part);
      return this.descend(this.gOpt, this.gVars, () => {
        const fake = this.G.apply(z, { training: true }) as tf.Tensor4D;
        return weigh(bce(this.D.apply(diffAugment(fake, this.rng, this.hyper.augment, part), { training: true }) as tf.Tensor, 1));
      });
    });
    let values = [lossD, lossG, dReal, dFake].map((t) => t?.dataSync()[0] ?? NaN);
    if (this.replicated && this.replica) values = Array.from(this.replica.allReduceSum(Float32Array.from(values)));
    const [lD = NaN, lG = NaN, dR = NaN, dF = NaN] = values;
    const stats: StepStats = { lossD: lD, lossG: lG, dReal: dR, dFake: dF, ...(r1 !== undefined ? { r1 } : {}) };
    tf.dispose([lossD, lossG, dReal, dFake].filter((t): t is tf.Scalar => t !== undefined));
    this.step++;
    // only rank 0's EMA is ever read (samples, exports, checkpoints)
    if (!this.replica || this.replica.rank === 0) this.ema.update(this.step);
    return stats;
  }

  /**
   * The R1 update. Its gradient is second-order through D, which the split BatchNorm cannot give,
   * so replicas do not split it: rank 0 computes it on the whole batch alone and sends the others
   * the gradients, the penalty and D's BatchNorm statistics (which D's pass updated), and every
   * replica applies the same update.
   */
  private r1Step(realBatch: Float32Array, reg: { gamma: number; every: number }): number {
    const B = this.hyper.batch;
    const R = this.config.resolution;
    const penalty = (): tf.Scalar => r1Penalty(this.D, tf.tensor4d(realBatch, [B, R, R, 3])).mul((reg.gamma / 2) * reg.every) as tf.Scalar;
    const replica = this.replica;
    if (!this.replicated || !replica) {
      const value = tf.tidy(() => this.dOpt.minimize(penalty, true, this.dVars) as tf.Scalar);
      const r1 = value.dataSync()[0] ?? NaN;
      value.dispose();
      return r1;
    }
    const vars = this.dVars;
    const stats = this.D.nonTrainableWeights;
    const statShape = (i: number): number[] => (stats[i]?.shape ?? []).map((d) => d ?? 1);
    // [which variables have a gradient, the gradients, D's BatchNorm statistics, the penalty]
    const lengths = [vars.length, ...vars.map((v) => v.size), ...stats.map((_, i) => statShape(i).reduce((a, b) => a * b, 1)), 1];
    let packed: Float32Array = new Float32Array(lengths.reduce((a, b) => a + b, 0));
    if (replica.rank === 0) {
      replica.solo = true;
      try {
        packed = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(penalty, vars);
          return concatArrays([
            Float32Array.from(vars, (v) => (grads[v.name] ? 1 : 0)),
            ...vars.map((v) => (grads[v.name]?.dataSync() as Float32Array | undefined) ?? new Float32Array(v.size)),
            ...stats.map((w) => w.read().dataSync() as Float32Array),
            value.dataSync() as Float32Array,
          ]);
        });
      } finally {
        replica.solo = false;
      }
    }
    const [mask = new Float32Array(0), ...parts] = splitArray(replica.broadcast(packed), lengths);
    tf.tidy(() => {
      applySummed(this.dOpt, vars, Array.from(mask, (m) => m === 1), parts.slice(0, vars.length));
      if (replica.rank !== 0) stats.forEach((w, i) => w.write(tf.tensor(parts[vars.length + i] as Float32Array, statShape(i))));
    });
    return parts[parts.length - 1]?.[0] ?? NaN;
  }

  /** The shippable generator (built-in layers) with the EMA weights (caller disposes). */
  emaGenerator(): tf.Sequential {
    return toExportGenerator(this.config, this.ema.shadow);
  }

  dispose(): void {
    this.G.dispose();
    this.D.dispose();
    this.ema.dispose();
    this.gOpt.dispose();
    this.dOpt.dispose();
  }
}

/** Applies gradients given as arrays; a variable without one is skipped, as Optimizer.minimize skips it. */
function applySummed(opt: ScheduledAdam, vars: tf.Variable[], present: boolean[], values: Float32Array[]): void {
  opt.applyGradients(
    vars.map((v, i) => ({
      name: v.name,
      // Adam skips a null gradient (its moments stay); the typings do not admit one
      tensor: (present[i] ? tf.tensor(values[i] as Float32Array, v.shape) : null) as tf.Tensor,
    })),
  );
}

function setAll(m: tf.LayersModel, weights: readonly tf.Tensor[], what: string): void {
  if (weights.length !== m.weights.length) throw new Error(`trainer: ${weights.length} ${what} weights for ${m.weights.length}`);
  m.weights.forEach((w, i) => {
    const v = weights[i] as tf.Tensor;
    if (w.shape.length !== v.shape.length || w.shape.some((d, k) => d !== v.shape[k])) throw new Error(`trainer: ${what} weight ${w.originalName} is [${v.shape}], want [${w.shape}]`);
  });
  m.setWeights([...weights]);
}
