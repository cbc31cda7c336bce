import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../lib/gan/offline/backend';

// Each kernel of lib/gan/wasm-kernels.ts against tfjs's cpu kernels on random shapes, and the
// tensor/data-id counts before and after (no leaks, intermediates included).

type Inputs = Record<string, { shape: number[]; values: Float32Array }>;

function randomValues(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return v;
}

/** Runs `kernel` with the same inputs on cpu and wasm; returns max abs error and leak counts. */
async function compare(kernel: string, inputs: Inputs, attrs: tf.NamedAttrMap) {
  const run = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const ins: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) ins[k] = tf.tensor(v.values, v.shape, 'float32');
    const tensorsBefore = tf.memory().numTensors;
    const idsBefore = tf.backend().numDataIds();
    const out = tf.engine().runKernel(kernel, ins as tf.NamedTensorMap, attrs) as tf.Tensor;
    const values = out.dataSync().slice();
    const shape = out.shape;
    out.dispose();
    const leakedTensors = tf.memory().numTensors - tensorsBefore;
    const leakedIds = tf.backend().numDataIds() - idsBefore;
    tf.dispose(Object.values(ins));
    return { values, shape, leakedTensors, leakedIds };
  };
  const ref = await run('cpu');
  const got = await run('wasm');
  let err = 0;
  for (let i = 0; i < ref.values.length; i++) err = Math.max(err, Math.abs((ref.values[i] as number) - (got.values[i] as number)));
  return { err, ref, got };
}

const runs = { numRuns: 12, seed: 20261127 };

/** The backward kernels' case: input [n,h,w,c], a k x k filter to co channels, stride, padding. */
const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 3, max: 12 }),
    w: fc.integer({ min: 3, max: 12 }),
    c: fc.integer({ min: 1, max: 6 }),
    co: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.constantFrom('same' as const, 'valid' as const),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  .filter(({ h, w, k, pad }) => pad === 'same' || (h >= k && w >= k));

/** The shape of the conv's output (the gradient dy the backward kernels take). */
function dyShapeOf({ n, h, w, c, co, k, stride, pad }: { n: number; h: number; w: number; c: number; co: number; k: number; stride: number; pad: 'same' | 'valid' }): number[] {
  const info = tf.backend_util.computeConv2DInfo([n, h, w, c], [k, k, c, co], stride, 1, pad);
  return [n, info.outHeight, info.outWidth, co];
}

/** Same shape as cpu, values within 1e-4, and no tensor or data id left behind. */
function expectSameAsCpu({ err, ref, got }: Awaited<ReturnType<typeof compare>>): void {
  expect(got.shape).toEqual(ref.shape);
  expect(err).toBeLessThanOrEqual(1e-4);
  expect(got.leakedTensors).toBe(0);
  expect(got.leakedIds).toBe(0);
}

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('wasm kernels vs cpu', () => {
  // few input channels take the im2col GEMM, 8 or more (where the padding allows) the dilated conv
  it.each([
    ['im2col GEMM (< 8 input channels)', convCase],
    ['dilated convolution (8+ input channels)', convCase.map((k) => ({ ...k, c: k.c + 7 }))],
  ])('Conv2DBackpropFilter: %s', async (_, cases) => {
    await fc.assert(
      fc.asyncProperty(
        cases,
        async ({ n, h, w, c, co, k, stride, pad, seed }) => {
          const dyShape = dyShapeOf({ n, h, w, c, co, k, stride, pad });
          const { err, ref, got } = await compare(
            'Conv2DBackpropFilter',
            { x: { shape: [n, h, w, c], values: randomValues([n, h, w, c], seed) }, dy: { shape: dyShape, values: randomValues(dyShape, seed + 1) } },
            { strides: [stride, stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [k, k, c, co] } as unknown as tf.NamedAttrMap,
          );
          expectSameAsCpu({ err, ref, got });
        },
      ),
      runs,
    );
  });

  it('Conv2DBackpropInput (conv2dTranspose)', async () => {
    await fc.assert(
      fc.asyncProperty(
        convCase,
        async ({ n, h, w, c, co, k, stride, pad, seed }) => {
          const dyShape = dyShapeOf({ n, h, w, c, co, k, stride, pad });
          const { err, ref, got } = await compare(
            'Conv2DBackpropInput',
            { dy: { shape: dyShape, values: randomValues(dyShape, seed) }, filter: { shape: [k, k, c, co], values: randomValues([k, k, c, co], seed + 7) } },
            { strides: [stride, stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [n, h, w, c] } as unknown as tf.NamedAttrMap,
          );
          expectSameAsCpu({ err, ref, got });
        },
      ),
      runs,
    );
  });

  it('BatchMatMul with transposeA/transposeB', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          b: fc.integer({ min: 1, max: 3 }),
          m: fc.integer({ min: 1, max: 24 }),
          k: fc.integer({ min: 1, max: 24 }),
          n: fc.integer({ min: 1, max: 24 }),
          ta: fc.boolean(),
          tb: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        async ({ b, m, k, n, ta, tb, seed }) => {
          const aShape = ta ? [b, k, m] : [b, m, k];
          const bShape = tb ? [b, n, k] : [b, k, n];
          const { err, ref, got } = await compare(
            'BatchMatMul',
            { a: { shape: aShape, values: randomValues(aShape, seed) }, b: { shape: bShape, values: randomValues(bShape, seed + 3) } },
            { transposeA: ta, transposeB: tb },
          );
          expect(got.shape).toEqual([b, m, n]);
          expectSameAsCpu({ err, ref, got });
        },
      ),
      runs,
    );
  });

  it('Tile', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            reps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: shape.length, maxLength: shape.length }),
            seed: fc.integer({ min: 1, max: 1e6 }),
          }),
        ),
        async ({ shape, reps, seed }) => {
          const { err, ref, got } = await compare('Tile', { x: { shape, values: randomValues(shape, seed) } }, { reps });
          expectSameAsCpu({ err, ref, got });
        },
      ),
      runs,
    );
  });

  it('Sum and Mean over any axes (the leading ones by average pooling), with and without keepDims', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            // a leading prefix half of the time (the fast path), any subset otherwise
            axes: fc.oneof(
              fc.integer({ min: 1, max: shape.length }).map((k) => Array.from({ length: k }, (_, i) => i)),
              fc.subarray(Array.from({ length: shape.length }, (_, i) => i), { minLength: 1 }),
            ),
            keepDims: fc.boolean(),
            kernel: fc.constantFrom('Sum', 'Mean'),
            seed: fc.integer({ min: 1, max: 1e6 }),
          }),
        ),
        async ({ shape, axes, keepDims, kernel, seed }) => {
          const { err, ref, got } = await compare(kernel, { x: { shape, values: randomValues(shape, seed) } }, { axis: axes, keepDims });
          expectSameAsCpu({ err, ref, got });
        },
      ),
      runs,
    );
  });

  it('LeakyRelu (as PReLU) and Tanh (as 2 sigmoid(2x) - 1) on any shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 }),
          alpha: fc.double({ min: 0, max: 1, noNaN: true }),
          scale: fc.constantFrom(1, 8),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        async ({ shape, alpha, scale, seed }) => {
          const values = randomValues(shape, seed).map((v) => v * scale);
          expectSameAsCpu(await compare('LeakyRelu', { x: { shape, values } }, { alpha }));
          const { err, ref, got } = await compare('Tanh', { x: { shape, values } }, {});
          expectSameAsCpu({ err, ref, got });
          // saturates exactly where tanh does, and keeps its sign
          got.values.forEach((v, i) => expect(Math.sign(v)).toBe(Math.sign(ref.values[i] as number)));
        },
      ),
      runs,
    );
  });

  it('Identity shares the data (no copy) and it outlives the input', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const ids = tf.backend().numDataIds();
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(tf.backend().numDataIds()).toBe(ids); // shared, not a new buffer
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(tf.backend().numDataIds()).toBe(ids - 1);
  });

  it('a conv2d gradient through the registered kernels matches cpu', async () => {
    const x = randomValues([2, 9, 9, 3], 5);
    const f = randomValues([3, 3, 3, 4], 6);
    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))));
        return g([tf.tensor4d(x, [2, 9, 9, 3]), tf.tensor4d(f, [3, 3, 3, 4])]);
      });
      const v = out.map((t) => t.dataSync().slice());
      tf.dispose(out);
      return { v, leaked: tf.memory().numTensors - before };
    };
    const ref = await grads('cpu');
    const got = await grads('wasm');
    expect(got.leaked).toBe(0);
    for (let i = 0; i < 2; i++) {
      const r = ref.v[i] as Float32Array;
      const g = got.v[i] as Float32Array;
      let err = 0;
      for (let j = 0; j < r.length; j++) err = Math.max(err, Math.abs((r[j] as number) - (g[j] as number)) / Math.max(1, Math.abs(r[j] as number)));
      expect(err).toBeLessThanOrEqual(1e-4);
    }
  });
});
