/** Adam whose learning rate its trainer sets each step (tfjs reads it at every update). */
import * as tf from '@tensorflow/tfjs';

export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(
    readonly baseRate: number,
    beta1: number,
    beta2: number,
  ) {
    super(baseRate, beta1, beta2);
  }

  setFactor(factor: number): void {
    this.learningRate = this.baseRate * factor;
  }

  get rate(): number {
    return this.learningRate;
  }
}
