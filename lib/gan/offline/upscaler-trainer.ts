/**
 * Training the 4x upscaler (lib/gan/upscaler.ts): random aligned crops of (64-px input, 256-px
 * target) pairs, flipped, the input degraded the way generated images differ from clean renders
 * (blur, noise, colour shifts) so that the network sharpens the generator's output too, and an L1
 * loss with Adam. Data-agnostic: pairs come in as RGB bytes. Training-only (never in the browser).
 */
import * as tf from '@tensorflow/tfjs';
import { buildUpscaler, type UpscalerConfig } from '../upscaler';
import { Rng, withSeededMathRandom } from '../rng';
import { ScheduledAdam } from '../scheduled-adam';

export interface UpscalerHyper {
  batch: number;
  /** side of an input crop (the target crop is 4x) */
  crop: number;
  lr: number;
  /** the learning rate falls (cosine) to lr * lrFloor at the last step */
  lrFloor: number;
  steps: number;
  /** chance that a crop's input is degraded */
  degrade: number;
}

export const DEFAULT_UPSCALER_HYPER: UpscalerHyper = { batch: 16, crop: 32, lr: 1e-3, lrFloor: 0.1, steps: 3000, degrade: 0.5 };

/** One pair: RGB bytes of a `side` x `side` input and its 4x target. */
export interface PixelPair {
  low: Uint8Array;
  high: Uint8Array;
}

/** Bytes (RGB) to floats in [-1, 1]. */
const toUnit = (b: number) => b / 127.5 - 1;

/**
 * The input degradations, in place on a [side, side, 3] float crop in [-1, 1]: each with its own
 * chance, so a degraded crop has one to three of them. Blur: Gaussian, sigma 0.4..1.2 px
 * (generated faces are soft); noise: sigma up to 0.06; colour: brightness +-0.08, saturation
 * x0.8..1.2 (generated faces' colours drift).
 */
export function degrade(px: Float32Array, side: number, rng: Rng): void {
  if (rng.uniform() < 0.7) blur(px, side, 0.4 + 0.8 * rng.uniform());
  if (rng.uniform() < 0.4) {
    const sigma = 0.06 * rng.uniform();
    for (let i = 0; i < px.length; i++) px[i] = (px[i] as number) + sigma * rng.normal();
  }
  if (rng.uniform() < 0.4) {
    const shift = 0.16 * (rng.uniform() - 0.5);
    const sat = 0.8 + 0.4 * rng.uniform();
    for (let i = 0; i < px.length; i += 3) {
      const m = ((px[i] as number) + (px[i + 1] as number) + (px[i + 2] as number)) / 3;
      for (let c = 0; c < 3; c++) px[i + c] = m + ((px[i + c] as number) - m) * sat + shift;
    }
  }
  for (let i = 0; i < px.length; i++) px[i] = Math.max(-1, Math.min(1, px[i] as number));
}

/** Separable Gaussian blur of a [side, side, 3] image in place (edges clamped). */
export function blur(px: Float32Array, side: number, sigma: number): void {
  const r = Math.max(1, Math.ceil(2 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const w = k.map((v) => v / sum);
  const tmp = new Float32Array(px.length);
  const at = (x: number) => Math.max(0, Math.min(side - 1, x));
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += (w[i + r] as number) * (px[(y * side + at(x + i)) * 3 + c] as number);
        tmp[(y * side + x) * 3 + c] = s;
      }
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += (w[i + r] as number) * (tmp[(at(y + i) * side + x) * 3 + c] as number);
        px[(y * side + x) * 3 + c] = s;
      }
}

/**
 * A batch of aligned crops: `batch` pairs drawn from `pairs`, a random `crop`-px window of the
 * `side`-px input and the matching 4x window of the target, both flipped horizontally half the
 * time, the input degraded with chance `degradeChance`.
 */
export function cropBatch(pairs: readonly PixelPair[], side: number, crop: number, batch: number, degradeChance: number, rng: Rng): { x: Float32Array; y: Float32Array } {
  const s4 = 4 * side;
  const c4 = 4 * crop;
  const x = new Float32Array(batch * crop * crop * 3);
  const y = new Float32Array(batch * c4 * c4 * 3);
  for (let b = 0; b < batch; b++) {
    const pair = pairs[rng.int(pairs.length)] as PixelPair;
    const ox = rng.int(side - crop + 1);
    const oy = rng.int(side - crop + 1);
    const flip = rng.uniform() < 0.5;
    const low = new Float32Array(crop * crop * 3);
    for (let j = 0; j < crop; j++)
      for (let i = 0; i < crop; i++) {
        const si = flip ? ox + crop - 1 - i : ox + i;
        for (let c = 0; c < 3; c++) low[(j * crop + i) * 3 + c] = toUnit(pair.low[((oy + j) * side + si) * 3 + c] as number);
      }
    if (rng.uniform() < degradeChance) degrade(low, crop, rng);
    x.set(low, b * low.length);
    const base = b * c4 * c4 * 3;
    for (let j = 0; j < c4; j++)
      for (let i = 0; i < c4; i++) {
        const si = flip ? 4 * ox + c4 - 1 - i : 4 * ox + i;
        for (let c = 0; c < 3; c++) y[base + (j * c4 + i) * 3 + c] = toUnit(pair.high[((4 * oy + j) * s4 + si) * 3 + c] as number);
      }
  }
  return { x, y };
}

export class UpscalerTrainer {
  readonly model: tf.LayersModel;
  readonly opt: ScheduledAdam;
  step = 0;
  rng: Rng;

  constructor(
    readonly config: UpscalerConfig,
    readonly hyper: UpscalerHyper,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    // seeded initial weights: the same seed gives the same run
    this.model = withSeededMathRandom(seed, () => buildUpscaler(config));
    this.opt = new ScheduledAdam(hyper.lr, 0.9, 0.999);
  }

  /** The learning rate's factor at `step`: a cosine from 1 down to lrFloor at the last step. */
  lrFactor(step: number): number {
    const { lrFloor, steps } = this.hyper;
    const t = Math.min(1, step / Math.max(1, steps));
    return lrFloor + (1 - lrFloor) * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  /** One step on a batch from `pairs` (inputs `side` px); returns the batch's L1 loss (in [-1, 1] units). */
  trainStep(pairs: readonly PixelPair[], side: number): number {
    const { batch, crop, degrade: chance } = this.hyper;
    const { x, y } = cropBatch(pairs, side, crop, batch, chance, this.rng);
    this.opt.setFactor(this.lrFactor(this.step));
    const loss = tf.tidy(() => {
      const xs = tf.tensor4d(x, [batch, crop, crop, 3]);
      const ys = tf.tensor4d(y, [batch, 4 * crop, 4 * crop, 3]);
      return this.opt.minimize(() => tf.mean(tf.abs(tf.sub(this.model.apply(xs) as tf.Tensor, ys))) as tf.Scalar, true) as tf.Scalar;
    });
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    this.step++;
    return value;
  }

  dispose(): void {
    this.model.dispose();
    this.opt.dispose();
  }
}
