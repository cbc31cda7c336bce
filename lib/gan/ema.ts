/**
 * Exponential moving average of a model's weights (all weights, BatchNorm statistics included),
 * the copy that is sampled and exported. Decay warms up as min(maxDecay, (1+t)/(10+t)).
 */
import * as tf from '@tensorflow/tfjs';

export function emaDecay(step: number, maxDecay: number): number {
  return Math.min(maxDecay, (1 + step) / (10 + step));
}

export class Ema {
  readonly shadow: tf.Variable[];

  constructor(
    private readonly source: tf.LayersModel,
    readonly maxDecay = 0.999,
  ) {
    this.shadow = tf.tidy(() => source.weights.map((w) => tf.variable(w.read().clone(), false)));
  }

  /** shadow <- d * shadow + (1 - d) * current, with d = emaDecay(step). */
  update(step: number): void {
    const d = emaDecay(step, this.maxDecay);
    const current = this.source.weights;
    tf.tidy(() => {
      this.shadow.forEach((s, i) => {
        const w = current[i];
        if (!w) throw new Error('ema: weight count changed');
        s.assign(tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)));
      });
    });
  }

  /** Copies the averaged weights into `target` (same architecture). */
  copyTo(target: tf.LayersModel): void {
    target.setWeights(this.shadow);
  }

  setValues(values: tf.Tensor[]): void {
    if (values.length !== this.shadow.length) throw new Error('ema: weight count mismatch');
    this.shadow.forEach((s, i) => s.assign(values[i] as tf.Tensor));
  }

  dispose(): void {
    for (const s of this.shadow) s.dispose();
  }
}
