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

  constructor(
    readonly config: GanConfig,
    readonly hyper: TrainHyper,
    seed: number,
    init?: TrainerWeights,
  ) {
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
    this.gOpt = new ScheduledAdam(hyper.lrG, hyper.beta1, hyper.beta2);
    this.dOpt = new ScheduledAdam(hyper.lrD, hyper.beta1, hyper.beta2);
    this.gVars = this.G.trainableWeights.map((w) => w.read() as tf.Variable);
    this.dVars = this.D.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  private latents(n: number): tf.Tensor2D {
    return tf.tensor2d(this.rng.normals(n * this.config.zDim), [n, this.config.zDim]);
  }

  /** One D update and one G update on a real batch (float32 NHWC in [-1, 1]). */
  trainStep(realBatch: Float32Array): StepStats {
    const B = this.hyper.batch;
    const R = this.config.resolution;
    const factor = lrFactor(this.hyper.lrDecay, this.step);
    this.gOpt.setFactor(factor);
    this.dOpt.setFactor(factor);
    const bce = (logits: tf.Tensor, label: 0 | 1): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(label ? tf.onesLike(logits) : tf.zerosLike(logits), logits) as tf.Scalar;
    let dReal: tf.Scalar | undefined;
    let dFake: tf.Scalar | undefined;
    const lossD = tf.tidy(() => {
      const real = tf.tensor4d(realBatch, [B, R, R, 3]);
      const fake = this.G.apply(this.latents(B), { training: true }) as tf.Tensor4D;
      const ra = diffAugment(real, this.rng, this.hyper.augment);
      const fa = diffAugment(fake, this.rng, this.hyper.augment);
      return this.dOpt.minimize(
        () => {
          const lr = this.D.apply(ra, { training: true }) as tf.Tensor;
          const lf = this.D.apply(fa, { training: true }) as tf.Tensor;
          dReal = tf.keep(tf.mean(tf.sigmoid(lr)) as tf.Scalar);
          dFake = tf.keep(tf.mean(tf.sigmoid(lf)) as tf.Scalar);
          return tf.add(bce(lr, 1), bce(lf, 0)) as tf.Scalar;
        },
        true,
        this.dVars,
      ) as tf.Scalar;
    });
    // lazy R1: a separate small D update on the real batch, every `every` steps
    let r1: number | undefined;
    const reg = this.hyper.r1;
    if (reg && this.step % reg.every === 0) {
      const value = tf.tidy(() => {
        const real = tf.tensor4d(realBatch, [B, R, R, 3]);
        return this.dOpt.minimize(() => r1Penalty(this.D, real).mul((reg.gamma / 2) * reg.every) as tf.Scalar, true, this.dVars) as tf.Scalar;
      });
      r1 = value.dataSync()[0];
      value.dispose();
    }
    const lossG = tf.tidy(() => {
      const z = this.latents(B);
      return this.gOpt.minimize(
        () => {
          const fake = this.G.apply(z, { training: true }) as tf.Tensor4D;
          return bce(this.D.apply(diffAugment(fake, this.rng, this.hyper.augment), { training: true }) as tf.Tensor, 1);
        },
        true,
        this.gVars,
      ) as tf.Scalar;
    });
    const stats: StepStats = {
      lossD: lossD.dataSync()[0] ?? NaN,
      lossG: lossG.dataSync()[0] ?? NaN,
      dReal: dReal?.dataSync()[0] ?? NaN,
      dFake: dFake?.dataSync()[0] ?? NaN,
      ...(r1 !== undefined ? { r1 } : {}),
    };
    tf.dispose([lossD, lossG, dReal, dFake].filter((t): t is tf.Scalar => t !== undefined));
    this.step++;
    this.ema.update(this.step);
    return stats;
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

function setAll(m: tf.LayersModel, weights: readonly tf.Tensor[], what: string): void {
  if (weights.length !== m.weights.length) throw new Error(`trainer: ${weights.length} ${what} weights for ${m.weights.length}`);
  m.weights.forEach((w, i) => {
    const v = weights[i] as tf.Tensor;
    if (w.shape.length !== v.shape.length || w.shape.some((d, k) => d !== v.shape[k])) throw new Error(`trainer: ${what} weight ${w.originalName} is [${v.shape}], want [${w.shape}]`);
  });
  m.setWeights([...weights]);
}
