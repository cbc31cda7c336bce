/**
 * BatchNorm over a batch split across replicas (lib/gan/replica.ts): in training, each replica
 * normalises its rows with the mean and variance of the *whole* batch, and the gradients that flow
 * into those statistics are summed across replicas, so that the split step computes what one
 * thread computes on the whole batch (up to float rounding).
 *
 * tfjs-layers' BatchNormalization computes its batch statistics inside `call` with no hook, so
 * `syncBatchNorms` replaces `call` on each BatchNormalization layer of a model (the layer keeps its
 * weights, names and inference path; out of training, with one replica or while the replica is
 * `solo`, the original `call` runs). The replacement mirrors tfjs-layers 4.22's training branch:
 * moments over every axis but the last, tf.batchNorm, moving averages with the layer's momentum.
 */
import * as tf from '@tensorflow/tfjs';
import { concatArrays, type Replica } from './replica';

type Kwargs = Record<string, unknown>;

/** The fields of tfjs-layers' BatchNormalization that the training branch reads (not in its typings). */
interface LayerVar {
  read(): tf.Tensor;
  write(value: tf.Tensor): unknown;
}
interface BatchNormInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: LayerVar;
  beta?: LayerVar;
  movingMean: LayerVar;
  movingVariance: LayerVar;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[];
}

/**
 * Mean and (biased) variance over every axis but the last, across all replicas' rows. Forward,
 * one exchange: each replica's own mean and variance (tf.moments on its rows), combined exactly
 * (Chan et al.: the pooled variance is the mean of the parts' variances plus the variance of their
 * means); backward, one: the gradients reaching the mean and the variance from each replica's
 * rows, summed. Returns [2, C]: row 0 the mean, row 1 the variance.
 */
export function syncMoments(x: tf.Tensor, replica: Replica): tf.Tensor2D {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const C = x.shape[x.rank - 1] ?? 0;
  // every replica holds the same number of rows
  const n = (x.size / C) * replica.world;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const local = tf.tidy(() => {
      const m = tf.moments(input, axes);
      return tf.concat([m.mean, m.variance]);
    });
    const parts = replica.allGather(local.dataSync() as Float32Array);
    local.dispose();
    const mean = new Float32Array(C);
    const variance = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      let mu = 0;
      for (const p of parts) mu += p[c] as number;
      mu /= parts.length;
      let v = 0;
      for (const p of parts) v += (p[C + c] as number) + ((p[c] as number) - mu) ** 2;
      mean[c] = mu;
      variance[c] = v / parts.length;
    }
    const muT = tf.tensor1d(mean);
    save([input, muT]);
    return {
      value: tf.tensor2d(concatArrays([mean, variance]), [2, C]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu] = saved as [tf.Tensor, tf.Tensor1D];
        const d = replica.allReduceSum(dy.dataSync() as Float32Array);
        const dMean = tf.tensor1d(d.subarray(0, C));
        const dVar = tf.tensor1d(d.subarray(C, 2 * C));
        // d mean / dx = 1/n; d var / dx = 2 (x - mean) / n
        return tf.add(tf.div(dMean, n), tf.mul(tf.mul(dVar, 2 / n), tf.sub(xs, mu)));
      },
    };
  });
  return f(x) as tf.Tensor2D;
}

/** Makes every BatchNormalization layer of `model` compute its training statistics across `replica`. */
export function syncBatchNorms(model: tf.LayersModel, replica: Replica): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const bn = layer as unknown as BatchNormInternals;
    const original = bn.call.bind(bn);
    bn.call = (inputs, kwargs) => {
      if (kwargs['training'] !== true || replica.world === 1 || replica.solo) return original(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x || (bn.axis !== -1 && bn.axis !== x.rank - 1)) throw new Error('sync-batchnorm: only the last axis is supported');
      return tf.tidy(() => {
        const moments = syncMoments(x, replica);
        const [mean, variance] = tf.unstack(moments) as [tf.Tensor1D, tf.Tensor1D];
        const normed = tf.batchNorm(x, mean, variance, bn.beta?.read(), bn.gamma?.read(), bn.epsilon);
        const decay = 1 - bn.momentum;
        for (const [v, value] of [
          [bn.movingMean, mean],
          [bn.movingVariance, variance],
        ] as const) {
          tf.tidy(() => {
            const orig = v.read();
            v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
          });
        }
        return normed;
      });
    };
  }
}
