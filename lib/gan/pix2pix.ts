/**
 * pix2pix (Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
 * Networks") for the doodle -> colour model: a U-Net generator and a PatchGAN discriminator,
 * built with the tf.layers functional API (tf.model) so that a saved generator is a plain
 * LayersModel. One definition for training (Node) and the browser; no Node imports.
 *
 * G: depth x [4x4 stride-2 conv, BatchNorm (not on the first), LeakyReLU 0.2] down to
 *    resolution / 2^depth; then depth-1 x [nearest 2x + 3x3 conv (ResizeConv2D: tied
 *    transposed conv, no checkerboard), BatchNorm, dropout (three innermost), ReLU, concatenate
 *    with the encoder map of the same size] and a last nearest 2x + 3x3 conv to 3 channels, tanh.
 * D: the (line, colour) pair concatenated on channels; dDown x [4x4 stride-2 conv, BatchNorm
 *    (not on the first), LeakyReLU 0.2]; a 4x4 stride-1 conv to one logit per patch.
 */
import * as tf from '@tensorflow/tfjs';
import {
  PIX2PIX_CONFIG,
  PIX2PIX_SMOKE_CONFIG,
  patchGrid,
  patchReceptiveField,
  pix2pixConfigSchema,
  pix2pixDiscriminatorChannels,
  pix2pixEncoderChannels,
  pix2pixInputChannels,
  validatePix2PixConfig,
  type Pix2PixConfig,
} from './pix2pix-config';
import { doodleInputChannels, doodleModelInput, layoutForChannels } from './doodle-input';
import { anchorHintColours, type DoodleHint } from './doodle-hints';
import { ResizeConv2D, setExportWeights } from './resize-conv';

export {
  PIX2PIX_CONFIG,
  PIX2PIX_SMOKE_CONFIG,
  patchGrid,
  patchReceptiveField,
  pix2pixConfigSchema,
  pix2pixDiscriminatorChannels,
  pix2pixEncoderChannels,
  pix2pixInputChannels,
  type Pix2PixConfig,
};

/** Up blocks (counted from the bottleneck) that get dropout, as in pix2pix. */
const DROPOUT_BLOCKS = 3;

/**
 * The U-Net generator, [n, R, R, pix2pixInputChannels(cfg)] in [-1, 1] -> [n, R, R, 3] in [-1, 1].
 * mode 'train': upsampling as the trainable ResizeConv2D (3x3 kernels); mode 'export': the same
 * function with built-in conv2dTranspose layers (tied 4x4 kernels), see toExportPix2PixGenerator.
 * With upsample 'transposed' both modes are the same built-in model.
 */
export function buildPix2PixGenerator(cfg: Pix2PixConfig, name = 'p2p_g', mode: 'train' | 'export' = 'train'): tf.LayersModel {
  validatePix2PixConfig(cfg);
  const R = cfg.resolution;
  const enc = pix2pixEncoderChannels(cfg);
  const input = tf.input({ shape: [R, R, pix2pixInputChannels(cfg)], name: `${name}_in` });
  const up = (filters: number, id: string, last: boolean): tf.layers.Layer =>
    cfg.upsample === 'nearest' && mode === 'train'
      ? new ResizeConv2D({ filters, useBias: last, activation: last ? 'tanh' : 'linear', name: `${name}_${id}` })
      : tf.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: last, activation: last ? 'tanh' : 'linear', name: `${name}_${id}` });

  const skips: tf.SymbolicTensor[] = [];
  let h: tf.SymbolicTensor = input;
  enc.forEach((filters, i) => {
    h = tf.layers.conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: i === 0, name: `${name}_down${i}` }).apply(h) as tf.SymbolicTensor;
    if (i > 0) h = tf.layers.batchNormalization({ name: `${name}_down${i}_bn` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_down${i}_lrelu` }).apply(h) as tf.SymbolicTensor;
    skips.push(h);
  });
  for (let i = cfg.depth - 2; i >= 0; i--) {
    h = up(enc[i] ?? cfg.gWidth, `up${i}`, false).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization({ name: `${name}_up${i}_bn` }).apply(h) as tf.SymbolicTensor;
    if (cfg.dropout > 0 && cfg.depth - 2 - i < DROPOUT_BLOCKS) {
      h = tf.layers.dropout({ rate: cfg.dropout, name: `${name}_up${i}_drop` }).apply(h) as tf.SymbolicTensor;
    }
    h = tf.layers.reLU({ name: `${name}_up${i}_relu` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.concatenate({ axis: -1, name: `${name}_skip${i}` }).apply([h, skips[i] as tf.SymbolicTensor]) as tf.SymbolicTensor;
  }
  const out = up(3, 'out', true).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}

/**
 * The PatchGAN discriminator: input [n, R, R, pix2pixInputChannels(cfg) + 3] (G's input and the
 * colour concatenated on channels), output [n, G, G, 1] logits with G = patchGrid(cfg) (8x8 at 64 px, dDown 3; each
 * logit sees patchReceptiveField(cfg) = 46 px).
 */
export function buildPix2PixDiscriminator(cfg: Pix2PixConfig, name = 'p2p_d'): tf.LayersModel {
  validatePix2PixConfig(cfg);
  const R = cfg.resolution;
  const input = tf.input({ shape: [R, R, pix2pixInputChannels(cfg) + 3], name: `${name}_in` });
  let h: tf.SymbolicTensor = input;
  pix2pixDiscriminatorChannels(cfg).forEach((filters, i) => {
    h = tf.layers.conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: i === 0, name: `${name}_conv${i}` }).apply(h) as tf.SymbolicTensor;
    if (i > 0) h = tf.layers.batchNormalization({ name: `${name}_bn${i}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu${i}` }).apply(h) as tf.SymbolicTensor;
  });
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 4, strides: 1, padding: 'same', name: `${name}_out` }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}

/**
 * The shippable generator (built-in layers only) from a training generator's weights
 * (G.getWeights() or the EMA copy, in G.weights order): ResizeConv2D 3x3 kernels become tied 4x4
 * conv2dTranspose kernels. The caller keeps `weights` and disposes the returned model.
 */
export function toExportPix2PixGenerator(cfg: Pix2PixConfig, weights: readonly tf.Tensor[], name = 'p2p_g'): tf.LayersModel {
  return setExportWeights(buildPix2PixGenerator(cfg, name, 'export'), weights, 'pix2pix');
}

/**
 * The positions of the painting ensemble: the doodle as drawn and moved by one pixel each way
 * (white paper enters at the edge), each also mirrored: 10 paintings.
 */
export const PAINT_SHIFTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/** Images [n, R, R, C] moved by (dx, dy) pixels, `fill` where nothing moved in. */
export function shiftImages(x: tf.Tensor4D, dx: number, dy: number, fill: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const padded = tf.pad(x, [[0, 0], [Math.max(dy, 0), Math.max(-dy, 0)], [Math.max(dx, 0), Math.max(-dx, 0)], [0, 0]], fill);
    return tf.slice(padded, [0, Math.max(-dy, 0), Math.max(-dx, 0), 0], [n, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * The per-element median of same-shaped tensors (the mean of the middle two for an even count):
 * the value with the least summed absolute difference to them, i.e. the L1-optimal consensus.
 */
export function medianOf(xs: readonly tf.Tensor4D[]): tf.Tensor4D {
  return tf.tidy(() => {
    const m = xs.length;
    if (m === 0) throw new Error('medianOf: no tensors');
    // sort along a new last axis (topk with k = all is a descending sort)
    const sorted = tf.topk(tf.stack([...xs], -1), m).values;
    const at = (k: number): tf.Tensor4D => tf.squeeze(tf.slice(sorted, [0, 0, 0, 0, k], [-1, -1, -1, -1, 1]), [4]) as tf.Tensor4D;
    return m % 2 === 1 ? at((m - 1) / 2) : (tf.div(tf.add(at(m / 2 - 1), at(m / 2)), 2) as tf.Tensor4D);
  });
}

/**
 * The painting of line images (the model input, [n, R, R, C] in [-1, 1]: doodleModelInput in
 * lib/gan/doodle-input.ts; every channel is +1 on white paper) as the studio shows it and the
 * evaluation scores it: a test-time ensemble of G over the doodle at the PAINT_SHIFTS positions
 * and their mirror images, each painting moved (and mirrored) back, then the per-pixel, per-channel
 * median of the ten. The training pairs are flipped at random, so G has learnt both hands; its
 * strided convolutions see a drawing moved by a pixel a little differently. Where most guesses
 * agree, the median keeps their colour as crisp as one painting (the mean would blend in the odd
 * one out and soften every edge); the median is also what minimises the summed absolute
 * difference, the L1 the evaluation scores. On the held-out pairs it beats both G alone and the
 * mean of the ten (see README, the doodle model). One predict call for all members. Returns
 * [n, R, R, 3]; the caller disposes it.
 */
export function paintLines(g: tf.LayersModel, line: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const moved = PAINT_SHIFTS.map(([dx, dy]) => shiftImages(line, dx, dy, 1));
    const members = moved.flatMap((x) => [x, tf.reverse(x, 2) as tf.Tensor4D]);
    const out = tf.split(g.predict(tf.concat(members, 0)) as tf.Tensor4D, members.length, 0) as tf.Tensor4D[];
    const back = PAINT_SHIFTS.flatMap(([dx, dy], k) => [
      shiftImages(out[2 * k] as tf.Tensor4D, -dx, -dy, 1),
      shiftImages(tf.reverse(out[2 * k + 1] as tf.Tensor4D, 2) as tf.Tensor4D, -dx, -dy, 1),
    ]);
    return medianOf(back);
  });
}

/**
 * Paints `count` line images ([count, S, S, 1] in [-1, 1], as prepared: lib/gan/doodle.ts) with a
 * generator, loaded or built: its input layer says what it reads besides the lines (the region
 * mask, the colour hints: lib/gan/doodle-input.ts layoutForChannels), the input is built to match
 * (doodleModelInput, with `hints[k]` for image k), then painted with paintLines; where hints
 * were given, each hinted region keeps its hint's colour (anchorHintColours in
 * lib/gan/doodle-hints.ts; `anchor: false` for the network's painting as it is, which the
 * evaluation reports beside it). Returns [count, S, S, 3]; the caller disposes it.
 */
export function paintDoodles(
  g: tf.LayersModel,
  line: Float32Array,
  count: number,
  size: number,
  hints: ReadonlyArray<readonly DoodleHint[] | undefined> = [],
  { anchor = true }: { anchor?: boolean } = {},
): tf.Tensor4D {
  const layout = layoutForChannels(g.inputs[0]?.shape[3]);
  const input = doodleModelInput(line, count, size, layout, hints);
  const painted = tf.tidy(() => paintLines(g, tf.tensor4d(input, [count, size, size, doodleInputChannels(layout)])));
  if (!anchor || !hints.some((h) => (h?.length ?? 0) > 0)) return painted;
  const anchored = anchorHintColours(Float32Array.from(painted.dataSync()), line, count, size, hints);
  painted.dispose();
  return tf.tensor4d(anchored, [count, size, size, 3]);
}
