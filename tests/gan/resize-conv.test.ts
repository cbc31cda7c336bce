import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, SMOKE_CONFIG, buildDiscriminator, buildGenerator, toExportGenerator } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { ResizeConv2D } from '../../lib/gan/resize-conv';

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);

describe.each(['cpu', 'wasm'] as const)('resize-conv and architecture (%s)', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it('ResizeConv2D equals nearest upsampling + 3x3 same conv, forward and gradient', () => {
    const x = tf.randomNormal([2, 5, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const layer = new ResizeConv2D({ filters: 4 });
    layer.apply(x);
    layer.setWeights([w]);
    // nearest 2x upsampling written with reshape + concat (tfjs-backend-cpu's
    // ResizeNearestNeighborGrad disagrees with wasm's here; concat's gradient is plain slicing)
    const up = (xx: tf.Tensor) => {
      const a = tf.reshape(xx, [2, 5, 7, 1, 3]);
      const b = tf.reshape(tf.concat([a, a], 3), [2, 5, 1, 14, 3]);
      return tf.reshape(tf.concat([b, b], 2), [2, 10, 14, 3]) as tf.Tensor4D;
    };
    const ref = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(up(xx), ww as tf.Tensor4D, 1, 'same');
    expect(maxAbs(up(x), tf.image.resizeNearestNeighbor(x, [10, 14]))).toBe(0);
    expect(maxAbs(layer.apply(x) as tf.Tensor, ref(x, w))).toBeLessThan(1e-4);
    const [gx] = tf.grads((xx: tf.Tensor) => tf.sum(tf.square(layer.apply(xx) as tf.Tensor)))([x]);
    const [rx] = tf.grads((xx: tf.Tensor) => tf.sum(tf.square(ref(xx, w))))([x]);
    expect(maxAbs(gx as tf.Tensor, rx as tf.Tensor)).toBeLessThan(1e-3);
  });

  it('the exported generator (built-in layers only) computes the same function', async () => {
    for (const cfg of [SMOKE_CONFIG, DEFAULT_CONFIG]) {
      const g = buildGenerator(cfg);
      const e = toExportGenerator(cfg, g.getWeights());
      const z = tf.randomNormal([3, cfg.zDim], 0, 1, 'float32', 3);
      const out = g.predict(z) as tf.Tensor;
      expect(out.shape).toEqual([3, cfg.resolution, cfg.resolution, 3]);
      expect(maxAbs(out, e.predict(z) as tf.Tensor)).toBeLessThan(1e-4);
      expect(e.layers.every((l) => l.getClassName() !== 'GanvasResizeConv2D')).toBe(true);
      const d = buildDiscriminator(cfg);
      expect((d.predict(out) as tf.Tensor).shape).toEqual([3, 1]);
      g.dispose();
      e.dispose();
      d.dispose();
    }
  });
});
