/**
 * The 4x emoji upscaler (64 -> 256 px): one definition for training (Node) and the browser. A
 * small fully-convolutional network that works at the input's resolution and learns only what a
 * bilinear enlargement misses: out = bilinear4x(x) + residual(x), where the residual's last layer
 * is a transposed convolution with stride 4 (kernel 8, so neighbouring 4x4 output blocks overlap
 * and blend). Built-in layers only, so an exported model.json loads with tf.loadLayersModel
 * anywhere; any input size works (fully convolutional), pixels in [-1, 1] (white = 1).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export const upscalerConfigSchema = z.object({
  /** channels of the feature maps */
  width: z.number().int().min(4).max(256),
  /** 3x3 convolutions after the first (each width -> width, ReLU) */
  depth: z.number().int().min(0).max(16),
  /** the enlargement (the transposed convolution's stride) */
  scale: z.literal(4),
});
export type UpscalerConfig = z.infer<typeof upscalerConfigSchema>;

export const DEFAULT_UPSCALER: UpscalerConfig = { width: 32, depth: 3, scale: 4 };
/** seconds on the cpu backend: for smoke runs and CI */
export const SMOKE_UPSCALER: UpscalerConfig = { width: 4, depth: 1, scale: 4 };

export function buildUpscaler(cfg: UpscalerConfig, name = 'upscaler'): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: `${name}_in` })
  let f = tf.layers.conv2d({ filters: cfg.width, kernelSize: 3, padding: 'same', activation: 'relu', name: `${name}_conv0` }).apply(input) as tf.SymbolicTensor;
  for (let i = 1; i <= cfg.depth; i++) {
    f = tf.layers.conv2d({ filters: cfg.width, kernelSize: 3, padding: 'same', activation: 'relu', name: `${name}_conv${i}` }).apply(f) as tf.SymbolicTensor;
  }
  const residual = tf.layers
    .conv2dTranspose({ filters: 3, kernelSize: 2 * cfg.scale, strides: cfg.scale, padding: 'same', kernelInitializer: 'zeros', name: `${name}_up` })
    .apply(f) as tf.SymbolicTensor;
  const base = tf.layers.upSampling2d({ size: [cfg.scale, cfg.scale], interpolation: 'bilinear', name: `${name}_base` }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.add({ name: `${name}_out` }).apply([base, residual]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name });
}

/** Upscales [b, h, w, 3] images in [-1, 1] to [b, 4h, 4w, 3], clipped to [-1, 1]. */
export function upscale(model: tf.LayersModel, images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(model.predict(images) as tf.Tensor4D, -1, 1))
}
