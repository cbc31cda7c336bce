// R1 regularisation of the discriminator (Mescheder et al. 2018, "Which Training Methods for GANs
// do actually Converge?"): a penalty on the gradient of D's output with respect to real images,
// gamma/2 * E|grad_x D(x)|^2. It keeps D from growing sharp around the training images, which is
// what lets it win late in a run. "Lazy" (StyleGAN2): applied every `every` steps, scaled by
// `every`, since the penalty changes slowly.
import * as tf from '@tensorflow/tfjs';

// Its gradient with respect to D's weights is a second-order gradient. LeakyReLU's gradient goes
// through a comparison (Greater), which tfjs gives no gradient: it is zero almost everywhere.
const COMPARISONS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual'] as const;
let registered = false;
export function ensureSecondOrderGradients(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of COMPARISONS) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0] as tf.Tensor), b: () => tf.zerosLike(saved[1] as tf.Tensor) }),
    });
  }
}

/** E over the batch of |grad_x sum D(x)|^2 (per image, summed over pixels and channels). */
export function r1Penalty(D: tf.LayersModel, real: tf.Tensor4D): tf.Scalar {
  ensureSecondOrderGradients();
  return tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => (D.apply(x, { training: true }) as tf.Tensor).sum())(real);
    return g.square().sum().div(real.shape[0]) as tf.Scalar;
  });
}
