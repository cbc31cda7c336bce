/**
 * One pix2pix training step (Isola et al. 2017): the PatchGAN D learns to tell (line, real
 * colour) from (line, G(line)) with sigmoid cross-entropy on every patch logit; G minimises the
 * non-saturating adversarial loss plus lambdaL1 * L1(G(line), colour) (lambda 100 as in the
 * paper). Adam (2e-4, beta1 0.5), EMA of G's weights. Deterministic from a seed: weight
 * initialisation and dropout masks draw from the project's Rng. Browser-safe: no Node imports.
 *
 * Order within a step: G is updated first from one forward pass, whose output (a constant for D)
 * is then reused for the D update, which saves a second generator forward pass per step.
 */
import * as tf from '@tensorflow/tfjs';
import { ScheduledAdam } from '../scheduled-adam';
import { z } from 'zod';
import { Ema } from '../ema';
import { buildPix2PixDiscriminator, buildPix2PixGenerator, pix2pixInputChannels, toExportPix2PixGenerator, type Pix2PixConfig } from '../pix2pix';
import { Rng, withSeededMathRandom } from '../rng';

export const pix2pixHyperSchema = z.object({
  batch: z.number().int().positive(),
  lrG: z.number().positive(),
  lrD: z.number().positive(),
  beta1: z.number().min(0).max(1),
  beta2: z.number().min(0).max(1),
  /** Weight of the L1 reconstruction term (pix2pix: 100). */
  lambdaL1: z.number().min(0),
  /**
   * Weight of the adversarial term (pix2pix: 1). Lowering it trades realism (SWD) for pixel
   * accuracy (L1): with 0 the generator regresses towards the per-pixel median colour. Checkpoints
   * written before the field existed trained with 1.
   */
  lambdaAdv: z.number().min(0).default(1),
  /**
   * Random scale in [minScale, 1] and shift of up to `shift` px of each training pair, both
   * images alike (training/doodle-loader.ts). Checkpoints written before the field existed
   * trained without (shift 0, minScale 1).
   */
  jitter: z.object({ shift: z.number().min(0).max(16), minScale: z.number().min(0.5).max(1) }).default({ shift: 0, minScale: 1 }),
  /**
   * Both learning rates fall linearly from their value at step `from` to 0 at step `to` (pix2pix
   * trains half its epochs at the full rate, then decays it to 0 like this); null = constant.
   */
  lrDecay: z
    .object({ from: z.number().int().min(0), to: z.number().int().positive() })
    .refine((d) => d.to > d.from, 'lrDecay.to must be after lrDecay.from')
    .nullable()
    .default(null),
  /** EMA decay of G's weights; 0 = no averaging (the EMA copy is G). */
  emaDecay: z.number().min(0).max(1),
  /**
   * Also train on the extra pairs derived from flat-colour emoji sets (Twemoji, Fluent Flat:
   * training/doodles-extra-dataset.ts), never on a held-out emoji. Checkpoints written before
   * the field existed trained on OpenMoji alone.
   */
  extraPairs: z.boolean().default(false),
  /**
   * For a model that reads colour hints: the chance that a hinted training drawing is shown in
   * other colours (its truth and its hints hue-rotated alike: hint-simulation.ts rotateHues), so
   * that the hints, not a memorised colour, are what tells the colour. 0 = never; checkpoints
   * written before the field existed trained without.
   */
  hintHueJitter: z.number().min(0).max(1).default(0),
  /**
   * For a model that reads colour hints: the chance that a training drawing gets no hints at all
   * (lib/gan/offline/hint-simulation.ts TRAINING_HINTS.pNone, the default), which keeps it painting
   * hint-less doodles as well as a painter that never saw hints.
   */
  hintNone: z.number().min(0).max(1).default(0.2),
  /**
   * For a model that reads colour hints: extra weight of the L1 term on the pixels a hint speaks
   * for (the hint mask channel), 1 + hintL1Weight there and 1 elsewhere. A hint is the artist's
   * instruction for its region; at 0 (checkpoints written before the field existed) a hinted
   * region's pixels count no more than any other's and the painter follows hints only loosely.
   */
  hintL1Weight: z.number().min(0).max(20).default(0),
});

export type Pix2PixHyper = z.infer<typeof pix2pixHyperSchema>;

export const DEFAULT_PIX2PIX_HYPER: Pix2PixHyper = {
  batch: 16,
  lrG: 2e-4,
  lrD: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  lambdaL1: 100,
  lambdaAdv: 1,
  emaDecay: 0.999,
  jitter: { shift: 0, minScale: 1 },
  lrDecay: null,
  extraPairs: false,
  hintHueJitter: 0,
  hintNone: 0.2,
  hintL1Weight: 0,
};

/** The learning-rate factor at `step` under `decay` (1 before it, 0 after it). */
export function lrFactor(step: number, decay: Pix2PixHyper['lrDecay']): number {
  if (!decay || step <= decay.from) return 1;
  return Math.max(0, 1 - (step - decay.from) / (decay.to - decay.from));
}

export interface Pix2PixStats {
  /** D's loss: (BCE(real, 1) + BCE(fake, 0)) / 2, averaged over patches (pix2pix halves it). */
  lossD: number;
  /** G's non-saturating adversarial loss BCE(D(line, G(line)), 1). */
  lossGAdv: number;
  /**
   * mean |G(line) - colour| (the G loss is lambdaAdv * lossGAdv + lambdaL1 * lossL1, with hinted
   * pixels weighted 1 + hintL1Weight in that L1 term; this figure is the plain mean).
   */
  lossL1: number;
  /** mean sigmoid of D's patch logits on real and fake pairs. */
  dReal: number;
  dFake: number;
}

/**
 * A batch of pairs, NHWC float32 in [-1, 1]: line [B, R, R, pix2pixInputChannels] (the model
 * input: doodleModelInput), colour [B, R, R, 3].
 */
export interface PairBatch {
  line: Float32Array;
  colour: Float32Array;
}

export class Pix2PixTrainer {
  readonly G: tf.LayersModel;
  readonly D: tf.LayersModel;
  readonly ema: Ema;
  readonly gOpt: ScheduledAdam;
  readonly dOpt: ScheduledAdam;
  rng: Rng;
  step = 0;
  private readonly gVars: tf.Variable[];
  private readonly dVars: tf.Variable[];

  constructor(
    readonly config: Pix2PixConfig,
    readonly hyper: Pix2PixHyper,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    const G = withSeededMathRandom(seed, () => buildPix2PixGenerator(config));
    let D: tf.LayersModel | undefined;
    try {
      D = withSeededMathRandom(seed + 1, () => buildPix2PixDiscriminator(config));
      this.ema = new Ema(G, hyper.emaDecay);
    } catch (e) {
      G.dispose();
      D?.dispose();
      throw e;
    }
    this.G = G;
    this.D = D;
    this.gOpt = new ScheduledAdam(hyper.lrG, hyper.beta1, hyper.beta2);
    this.dOpt = new ScheduledAdam(hyper.lrD, hyper.beta1, hyper.beta2);
    this.gVars = this.G.trainableWeights.map((w) => w.read() as tf.Variable);
    this.dVars = this.D.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  private inputs(batch: PairBatch, n: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
    const R = this.config.resolution;
    const C = pix2pixInputChannels(this.config);
    if (batch.line.length !== n * R * R * C) throw new Error(`pix2pix: line batch has ${batch.line.length} values, want ${n}x${R}x${R}x${C}`);
    if (batch.colour.length !== n * R * R * 3) throw new Error(`pix2pix: colour batch has ${batch.colour.length} values, want ${n}x${R}x${R}x3`);
    return { x: tf.tensor4d(batch.line, [n, R, R, C]), y: tf.tensor4d(batch.colour, [n, R, R, 3]) };
  }

  /** One G update and one D update on a batch of `hyper.batch` pairs. */
  trainStep(batch: PairBatch): Pix2PixStats {
    const B = this.hyper.batch;
    const bce = (logits: tf.Tensor, label: 0 | 1): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(label ? tf.onesLike(logits) : tf.zerosLike(logits), logits) as tf.Scalar;
    const kept: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(t: T): T => {
      kept.push(tf.keep(t));
      return t;
    };
    // dropout masks come from tf's random ops, seeded from Math.random: route it through our Rng
    const savedRandom = Math.random;
    Math.random = () => this.rng.uniform();
    const factor = lrFactor(this.step, this.hyper.lrDecay);
    this.gOpt.setFactor(factor);
    this.dOpt.setFactor(factor);
    try {
      const { x, y } = this.inputs(batch, B);
      keep(x);
      keep(y);
      let fake: tf.Tensor4D | undefined;
      let adv: tf.Scalar | undefined;
      let l1: tf.Scalar | undefined;
      const lossG = tf.tidy(() =>
        this.gOpt.minimize(
          () => {
            const f = this.G.apply(x, { training: true }) as tf.Tensor4D;
            fake = keep(f);
            const a = bce(this.D.apply(tf.concat([x, f], 3), { training: true }) as tf.Tensor, 1);
            const err = tf.abs(tf.sub(f, y));
            const l = tf.mean(err) as tf.Scalar;
            adv = keep(a);
            l1 = keep(l);
            const weighted = this.hintWeights(x);
            const lossL1 = weighted ? (tf.mean(tf.mul(err, weighted)) as tf.Scalar) : l;
            return tf.add(tf.mul(a, this.hyper.lambdaAdv), tf.mul(lossL1, this.hyper.lambdaL1)) as tf.Scalar;
          },
          true,
          this.gVars,
        ) as tf.Scalar,
      );
      kept.push(lossG);
      let dReal: tf.Scalar | undefined;
      let dFake: tf.Scalar | undefined;
      const f = fake;
      if (!f) throw new Error('pix2pix: no generator output');
      const lossD = tf.tidy(() => {
        const realPair = tf.concat([x, y], 3);
        const fakePair = tf.concat([x, f], 3);
        return this.dOpt.minimize(
          () => {
            const lr = this.D.apply(realPair, { training: true }) as tf.Tensor;
            const lf = this.D.apply(fakePair, { training: true }) as tf.Tensor;
            dReal = keep(tf.mean(tf.sigmoid(lr)) as tf.Scalar);
            dFake = keep(tf.mean(tf.sigmoid(lf)) as tf.Scalar);
            return tf.mul(tf.add(bce(lr, 1), bce(lf, 0)), 0.5) as tf.Scalar;
          },
          true,
          this.dVars,
        ) as tf.Scalar;
      });
      kept.push(lossD);
      const num = (t: tf.Tensor | undefined | null): number => t?.dataSync()[0] ?? NaN;
      const stats: Pix2PixStats = { lossD: num(lossD), lossGAdv: num(adv), lossL1: num(l1), dReal: num(dReal), dFake: num(dFake) };
      this.step++;
      this.ema.update(this.step);
      return stats;
    } finally {
      Math.random = savedRandom;
      tf.dispose(kept);
    }
  }

  /**
   * Per-pixel weights of the L1 term, [B, R, R, 1]: 1 + hintL1Weight where the input's hint mask
   * (its last channel: lib/gan/doodle-input.ts, HINTED = -1) speaks, 1 elsewhere; null when every
   * pixel weighs 1 (no hint channels, or weight 0).
   */
  hintWeights(x: tf.Tensor4D): tf.Tensor4D | null {
    if (!this.config.hintChannels || this.hyper.hintL1Weight === 0) return null;
    const C = x.shape[3];
    return tf.tidy(() => {
      const mask = tf.slice(x, [0, 0, 0, C - 1], [-1, -1, -1, 1]);
      return tf.add(1, tf.mul(tf.cast(tf.less(mask, 0), 'float32'), this.hyper.hintL1Weight)) as tf.Tensor4D;
    });
  }

  /** G(line) in inference mode (no dropout, BatchNorm moving statistics); `ema` uses the EMA copy. Caller disposes. */
  translate(line: tf.Tensor4D, ema = false): tf.Tensor4D {
    if (!ema) return this.G.predict(line) as tf.Tensor4D;
    const g = this.emaGenerator();
    try {
      return g.predict(line) as tf.Tensor4D;
    } finally {
      g.dispose();
    }
  }

  /** mean |G(line) - colour| in inference mode over a set of pairs (n pairs). */
  l1(pairs: PairBatch, n: number, ema = false): number {
    const { x, y } = this.inputs(pairs, n);
    try {
      const out = this.translate(x, ema);
      const v = tf.tidy(() => tf.mean(tf.abs(tf.sub(out, y))).dataSync()[0] ?? NaN);
      out.dispose();
      return v;
    } finally {
      tf.dispose([x, y]);
    }
  }

  /** The shippable generator (built-in layers only) with the EMA weights (caller disposes). */
  emaGenerator(): tf.LayersModel {
    return toExportPix2PixGenerator(this.config, this.ema.shadow);
  }

  dispose(): void {
    this.G.dispose();
    this.D.dispose();
    this.ema.dispose();
    this.gOpt.dispose();
    this.dOpt.dispose();
  }
}
