// R1 (lib/gan/r1.ts) against finite differences: the penalty is the squared norm of D's input
// gradient, and its gradient with respect to D's weights (second order) is what a nudge of a
// weight does to it. Then a trainer applies it lazily, every `every` steps.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDiscriminator, SMOKE_CONFIG } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { r1Penalty } from '../../lib/gan/r1';
import { DEFAULT_HYPER, GanTrainer } from '../../lib/gan/trainer';

beforeAll(async () => {
  await setupBackend('cpu');
});

const R = SMOKE_CONFIG.resolution;

/** A discriminator with seeded weights, so the check is the same every run. */
function seededD(name: string, seed: number) {
  const D = buildDiscriminator(SMOKE_CONFIG, name);
  D.trainableWeights.forEach((w, i) => { const v = w.read() as tf.Variable; v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', seed + i)) });
  return D;
}

describe('r1Penalty', () => {
  it('is the squared norm of the input gradient, checked by finite differences', () => {
    tf.setBackend('cpu');
    const D = seededD('d_r1_value', 11);
    const x = tf.randomNormal([1, R, R, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const f = (t: tf.Tensor) => (D.apply(t, { training: false }) as tf.Tensor).sum().dataSync()[0]!;
    // numeric input gradient on a few pixels, compared with the analytic one
    const g = tf.grad((t: tf.Tensor) => (D.apply(t, { training: false }) as tf.Tensor).sum())(x).dataSync()
    const base = x.dataSync()
    const eps = 1e-2
    for (const i of [0, 17, 101, 300, 555]) {
      const plus = Float32Array.from(base); plus[i]! += eps
      const minus = Float32Array.from(base); minus[i]! -= eps
      const num = (f(tf.tensor4d(plus, x.shape)) - f(tf.tensor4d(minus, x.shape))) / (2 * eps)
      expect(Math.abs(num - g[i]!)).toBeLessThan(2e-3 + 0.05 * Math.abs(g[i]!))
    }
    let sq = 0
    for (const v of g) sq += v * v
    // training: false for both (inference BN): the penalty's definition, one image
    const p = tf.tidy(() => tf.grad((t: tf.Tensor) => (D.apply(t, { training: false }) as tf.Tensor).sum())(x).square().sum()).dataSync()[0]!
    expect(p).toBeCloseTo(sq, 3)
    expect(r1Penalty(D, x).dataSync()[0]).toBeGreaterThan(0)
  });

  it('its gradient with respect to a weight matches a finite difference (second order)', () => {
    const D = seededD('d_r1_grad', 21);
    const x = tf.randomNormal([2, R, R, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    // a weight behind a BatchNorm: the penalty depends on it smoothly. (Where a weight only moves
    // LeakyReLU's kinks, the true second derivative is 0 almost everywhere and a finite
    // difference that crosses a kink says otherwise, so it is no reference there.)
    const w = D.trainableWeights[2]!.read() as tf.Variable;
    expect(w.name).toContain('conv1/kernel');
    const { grads } = tf.variableGrads(() => r1Penalty(D, x), [w]);
    const analytic = grads[w.name]!.dataSync();
    const orig = w.dataSync().slice();
    const eps = 1e-3; // small: fewer kinks crossed (float32 still resolves the change)
    for (const i of [0, 5, 23]) {
      const at = (d: number) => {
        const v = Float32Array.from(orig);
        v[i]! += d;
        w.assign(tf.tensor(v, w.shape));
        return r1Penalty(D, x).dataSync()[0]!;
      };
      const num = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(num - analytic[i]!)).toBeLessThan(1e-2 + 0.1 * Math.abs(analytic[i]!));
    }
    w.assign(tf.tensor(orig, w.shape));
  });
});

describe('lazy R1 in the trainer', () => {
  it('runs on the steps it is due and reports the penalty', () => {
    const batch = 2;
    const t = new GanTrainer(SMOKE_CONFIG, { ...DEFAULT_HYPER, batch, r1: { gamma: 1, every: 2 } }, 1);
    const real = new Float32Array(batch * R * R * 3).map((_, i) => Math.sin(i));
    const r1s = Array.from({ length: 4 }, () => t.trainStep(real).r1);
    expect(r1s.map((v) => v !== undefined)).toEqual([true, false, true, false]);
    expect(r1s[0]).toBeGreaterThan(0);
    t.dispose();
  });
});
