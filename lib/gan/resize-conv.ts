/**
 * Nearest-neighbour 2x upsampling followed by a 3x3 'same' convolution, computed exactly as one
 * stride-2 4x4 transposed convolution whose kernel is tied to the 3x3 kernel:
 *   1-D: up(x) * [w0 w1 w2]  ==  convT_stride2(x, k) with k = [w2, w1+w2, w0+w1, w0]
 * (zero padding agrees at the borders). It has the resize-convolution's freedom from
 * checkerboard artefacts (Odena et al. 2016) at the cost of a transposed convolution, which is
 * 2.25x fewer multiply-adds than convolving the upsampled map and avoids materialising it.
 * For export, `resizeConvToTransposedKernel` turns the 3x3 kernel into a plain conv2dTranspose
 * kernel, so shipped models use only built-in layers.
 */
import * as tf from '@tensorflow/tfjs';

/** A[t, p]: contribution of 3x3 tap p to 4x4 transposed-conv tap t. */
const TIE = [
  [0, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [1, 0, 0],
];

/**
 * [3, 3, in, out] conv kernel -> [4, 4, out, in] conv2dTranspose kernel (tfjs filter layout),
 * differentiable.
 */
export function resizeConvToTransposedKernel(w: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = w.shape;
    if (kh !== 3 || kw !== 3) throw new Error('resize-conv: 3x3 kernels only');
    const A = tf.tensor2d(TIE.flat(), [4, 3]);
    // rows: [3, 3*cin*cout] -> A @ -> [4, 3*cin*cout]
    const r = tf.matMul(A, tf.reshape(w, [3, 3 * cin * cout]));
    // [4, 3, cin*cout] -> [3, 4*cin*cout]
    const r2 = tf.reshape(tf.transpose(tf.reshape(r, [4, 3, cin * cout]), [1, 0, 2]), [3, 4 * cin * cout]);
    const c = tf.matMul(A, r2); // [4(b), 4(a)*cin*cout]
    const k = tf.transpose(tf.reshape(c, [4, 4, cin, cout]), [1, 0, 3, 2]); // [a, b, cout, cin]
    return k as tf.Tensor4D;
  });
}

/**
 * Sets a shippable model's weights from its training twin's (same order): ResizeConv2D 3x3
 * kernels become tied 4x4 conv2dTranspose kernels, everything else is copied. The caller keeps
 * `weights`; on a count mismatch the model is disposed and an error thrown.
 */
export function setExportWeights<M extends tf.LayersModel>(model: M, weights: readonly tf.Tensor[], what: string): M {
  const target = model.weights;
  if (target.length !== weights.length) {
    model.dispose();
    throw new Error(`${what} export: ${weights.length} weights for ${target.length}`);
  }
  const converted = tf.tidy(() =>
    weights.map((w, i) => {
      const want = target[i]?.shape ?? [];
      if (w.rank === 4 && w.shape[0] === 3 && want[0] === 4) return resizeConvToTransposedKernel(w as tf.Tensor4D);
      return w.clone();
    }),
  );
  model.setWeights(converted);
  tf.dispose(converted);
  return model;
}

export interface ResizeConv2DArgs {
  filters: number;
  useBias?: boolean;
  activation?: 'linear' | 'tanh';
  name?: string;
  inputShape?: number[];
}

/** Trainable layer: upsample x2 (nearest) + conv 3x3 'same', evaluated as a tied transposed conv. */
export class ResizeConv2D extends tf.layers.Layer {
  static readonly className = 'GanvasResizeConv2D';
  readonly filters: number;
  readonly useBias: boolean;
  readonly activationName: 'linear' | 'tanh';
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: ResizeConv2DArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    this.filters = args.filters;
    this.useBias = args.useBias ?? false;
    this.activationName = args.activation ?? 'linear';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = s[s.length - 1];
    if (typeof cin !== 'number') throw new Error('resize-conv: unknown input channels');
    // same initialisers as tf.layers.conv2d: glorot uniform kernel, zero bias
    this.kernel = this.addWeight('kernel', [3, 3, cin, this.filters], 'float32', tf.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [n, h, w] = s;
    return [n ?? null, h == null ? null : h * 2, w == null ? null : w * 2, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (!this.kernel) throw new Error('resize-conv: not built');
      const k = resizeConvToTransposedKernel(this.kernel.read() as tf.Tensor4D);
      const [n, h, w] = x.shape;
      let y: tf.Tensor4D = tf.conv2dTranspose(x, k, [n, h * 2, w * 2, this.filters], 2, 'same');
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activationName === 'tanh' ? tf.tanh(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, useBias: this.useBias, activation: this.activationName };
  }
}

tf.serialization.registerClass(ResizeConv2D);
