/**
 * The DCGAN-family generator and discriminator: one definition for training (Node) and the
 * browser. The generator is a plain tf.Sequential of built-in layers, so an exported model.json
 * loads with tf.loadLayersModel anywhere without custom layer registration.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ResizeConv2D, setExportWeights } from './resize-conv';

/** A network configuration; the schema validates one read from a file (live.json). */
export const ganConfigSchema = z.object({
  /** Output side in pixels (power of two, >= 8). */
  resolution: z.number().int().min(8),
  /** Latent size. */
  zDim: z.number().int().positive(),
  /** Generator channels at 4x4; halves at each upsampling (never below minChannels). */
  gWidth: z.number().int().positive(),
  /** Discriminator channels at its 4x4 output; halves towards the input (never below minChannels). */
  dWidth: z.number().int().positive(),
  /** Channel floor for both networks. */
  minChannels: z.number().int().positive(),
  /** 'nearest': nearest-neighbour upsampling + 3x3 conv (no checkerboard); 'transposed': 4x4 stride-2 transposed conv. */
  upsample: z.enum(['nearest', 'transposed']),
});

export type GanConfig = z.infer<typeof ganConfigSchema>;

export const DEFAULT_CONFIG: GanConfig = {
  resolution: 64,
  zDim: 100,
  gWidth: 64,
  dWidth: 64,
  minChannels: 8,
  upsample: 'nearest',
};

/** Tiny configuration for smoke tests and CI (seconds on the cpu backend). */
export const SMOKE_CONFIG: GanConfig = {
  resolution: 16,
  zDim: 8,
  gWidth: 8,
  dWidth: 8,
  minChannels: 4,
  upsample: 'nearest',
};

function levels(resolution: number): number {
  const n = Math.log2(resolution / 4);
  if (!Number.isInteger(n) || n < 1) throw new Error(`resolution must be a power of two >= 8, got ${resolution}`);
  return n;
}

/** Channels of the generator's feature maps at 4x4, 8x8, ... up to resolution/2. */
export function generatorChannels(cfg: GanConfig): number[] {
  const n = levels(cfg.resolution);
  return Array.from({ length: n }, (_, i) => Math.max(cfg.minChannels, Math.floor(cfg.gWidth / 2 ** i)));
}

/** Channels of the discriminator's feature maps at resolution/2, ..., 4x4. */
export function discriminatorChannels(cfg: GanConfig): number[] {
  const n = levels(cfg.resolution);
  return Array.from({ length: n }, (_, i) => Math.max(cfg.minChannels, Math.floor(cfg.dWidth / 2 ** (n - 1 - i))));
}

/**
 * mode 'train': nearest upsampling as the trainable ResizeConv2D layer (3x3 kernels);
 * mode 'export': the same function with built-in conv2dTranspose layers (4x4 tied kernels), the
 * form that is shipped and loaded by the browser (see toExportGenerator).
 */
export function buildGenerator(cfg: GanConfig, name = 'generator', mode: 'train' | 'export' = 'train'): tf.Sequential {
  const ch = generatorChannels(cfg);
  const c0 = ch[0] ?? cfg.gWidth;
  const m = tf.sequential({ name });
  m.add(tf.layers.dense({ inputShape: [cfg.zDim], units: 4 * 4 * c0, useBias: false, name: `${name}_fc` }));
  m.add(tf.layers.batchNormalization({ name: `${name}_fc_bn` }));
  m.add(tf.layers.reLU({ name: `${name}_fc_relu` }));
  m.add(tf.layers.reshape({ targetShape: [4, 4, c0], name: `${name}_reshape` }));
  const upConv = (filters: number, i: number, last: boolean): void => {
    const act = last ? 'tanh' : 'linear';
    if (cfg.upsample === 'nearest' && mode === 'train') {
      m.add(new ResizeConv2D({ filters, useBias: last, activation: last ? 'tanh' : 'linear', name: `${name}_conv${i}` }));
    } else {
      m.add(
        tf.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: last, activation: act, name: `${name}_conv${i}` }),
      );
    }
  };
  for (let i = 1; i < ch.length; i++) {
    upConv(ch[i] ?? cfg.minChannels, i, false);
    m.add(tf.layers.batchNormalization({ name: `${name}_bn${i}` }));
    m.add(tf.layers.reLU({ name: `${name}_relu${i}` }));
  }
  upConv(3, ch.length, true);
  return m;
}

export function buildDiscriminator(cfg: GanConfig, name = 'discriminator'): tf.Sequential {
  const ch = discriminatorChannels(cfg);
  const m = tf.sequential({ name });
  ch.forEach((filters, i) => {
    m.add(
      tf.layers.conv2d({
        filters,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: i === 0,
        name: `${name}_conv${i}`,
        ...(i === 0 ? { inputShape: [cfg.resolution, cfg.resolution, 3] } : {}),
      }),
    );
    if (i > 0) m.add(tf.layers.batchNormalization({ name: `${name}_bn${i}` }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu${i}` }));
  });
  m.add(tf.layers.flatten({ name: `${name}_flatten` }));
  m.add(tf.layers.dense({ units: 1, name: `${name}_out` }));
  return m;
}

/**
 * Builds the shippable generator (built-in layers only) from a training generator's weights
 * (G.getWeights() or the EMA copy): resize-conv 3x3 kernels become tied 4x4 transposed kernels.
 */
export function toExportGenerator(cfg: GanConfig, weights: tf.Tensor[], name = 'generator'): tf.Sequential {
  return setExportWeights(buildGenerator(cfg, name, 'export'), weights, 'generator');
}

export function countParams(m: tf.LayersModel): number {
  return m.countParams();
}
