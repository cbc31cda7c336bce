import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutoutMask, diffAugment, translate, translateValues } from '../../lib/gan/augment';
import { setupBackend } from '../../lib/gan/offline/backend';
import { Rng } from '../../lib/gan/rng';

describe('translateValues', () => {
  it('shifts each image and pads', () => {
    // 1 image 3x3x1: 1..9
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const o = new Float32Array(9);
    translateValues(x, o, [1, 3, 3, 1], { sy: [1], sx: [-1], padVal: 0 });
    // out[i][j] = x[i+1][j-1]
    expect(Array.from(o)).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });
});

describe('cutoutMask', () => {
  it('zeroes at most a half-size square per image', () => {
    const m = cutoutMask(20, 16, 16, 0.5, new Rng(3));
    for (let b = 0; b < 20; b++) {
      const zeros = m.subarray(b * 256, (b + 1) * 256).filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThan(0);
      expect(zeros).toBeLessThanOrEqual(64);
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('DiffAugment (%s)', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it('translate has the inverse shift as gradient and does not leak', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const sy = [2, -1];
      const sx = [0, 3];
      // <T x, dy> == <x, T^T dy> for the linear part (pad value 0)
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(translate(xx as tf.Tensor4D, sy, sx, 0), dy)))(x);
      const lhs = tf.sum(tf.mul(translate(x, sy, sx, 0), dy)).dataSync()[0] ?? NaN;
      const rhs = tf.sum(tf.mul(x, g)).dataSync()[0] ?? NaN;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible from the rng and keeps shape', () => {
    const run = (seed: number) =>
      tf.tidy(() => diffAugment(tf.zeros([3, 16, 16, 3]) as tf.Tensor4D, new Rng(seed)).dataSync().slice());
    const a = run(5);
    expect(Array.from(a)).toEqual(Array.from(run(5)));
    expect(Array.from(a)).not.toEqual(Array.from(run(6)));
    expect(a.length).toBe(3 * 16 * 16 * 3);
  });
});
