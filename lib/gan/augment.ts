/**
 * Differentiable augmentation (DiffAugment, Zhao et al. 2020) for small-data GAN training:
 * colour (brightness, saturation, contrast), translation and cutout, applied to real and fake
 * images alike before the discriminator. Random parameters come from the project's seeded Rng,
 * so a resumed run draws the same stream. Images are NHWC in [-1, 1] on a white background.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Rng } from './rng';

const TRANSLATE = 'GanvasTranslate';

interface TranslateAttrs {
  sy: number[];
  sx: number[];
  padVal: number;
}

/** out[b,i,j,:] = x[b, i+sy[b], j+sx[b], :], padVal outside. Plain JS, no backend specifics. */
export function translateValues(
  xv: ArrayLike<number>,
  ov: Float32Array,
  shape: readonly number[],
  { sy, sx, padVal }: TranslateAttrs,
): void {
  const [n = 0, H = 0, W = 0, C = 0] = shape;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const dyb = sy[b] ?? 0;
    const dxb = sx[b] ?? 0;
    for (let i = 0; i < H; i++) {
      const a = i + dyb;
      if (a < 0 || a >= H) {
        ov.fill(padVal, o, o + W * C);
        o += W * C;
        continue;
      }
      const rb = (b * H + a) * W;
      for (let j = 0; j < W; j++) {
        const c = j + dxb;
        if (c < 0 || c >= W) {
          for (let k = 0; k < C; k++) ov[o++] = padVal;
        } else {
          let si = (rb + c) * C;
          for (let k = 0; k < C; k++) ov[o++] = xv[si++] as number;
        }
      }
    }
  }
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}
/** What the cpu and webgl backends (and most others) offer: read back, make a tensor from values. */
interface GenericBackend {
  readSync(dataId: tf.DataId): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** wasm: shifts in place on the wasm heap, no copies. */
const wasmTranslate: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const w = backend as unknown as HeapBackend;
  const out = w.makeOutput(x.shape.slice(), 'float32');
  translateValues(w.typedArrayFromHeap(x), w.typedArrayFromHeap(out), x.shape, attrs as unknown as TranslateAttrs);
  return out;
};

/** Every other backend (cpu, webgl): reads the batch back and shifts it in JS (a few ms for 64x64x3). */
const genericTranslate: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const g = backend as unknown as GenericBackend;
  const ov = new Float32Array(x.shape.reduce((p, q) => p * q, 1));
  translateValues(g.readSync(x.dataId), ov, x.shape, attrs as unknown as TranslateAttrs);
  return g.makeTensorInfo(x.shape.slice(), 'float32', ov);
};

/**
 * Registers the translation kernel for a backend, once: the heap kernel for wasm, the generic
 * read-back kernel for every other backend. `translate` calls it for the active backend.
 */
export function ensureTranslateKernelFor(backendName: string): void {
  if (tf.getKernel(TRANSLATE, backendName)) return;
  tf.registerKernel({ kernelName: TRANSLATE, backendName, kernelFunc: backendName === 'wasm' ? wasmTranslate : genericTranslate });
}

function translateRaw(x: tf.Tensor4D, attrs: TranslateAttrs): tf.Tensor4D {
  ensureTranslateKernelFor(tf.getBackend());
  return tf.engine().runKernel(TRANSLATE, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Per-image integer shift with white padding; gradient is the inverse shift (zero padding). */
export function translate(x: tf.Tensor4D, sy: number[], sx: number[], padVal = 1): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0];
    if (!(xx instanceof tf.Tensor)) throw new Error('translate: expected a tensor');
    return {
      value: translateRaw(xx as tf.Tensor4D, { sy, sx, padVal }),
      gradFunc: (dy: tf.Tensor) =>
        translateRaw(dy as tf.Tensor4D, { sy: sy.map((v) => -v), sx: sx.map((v) => -v), padVal: 0 }),
    };
  });
  return f(x) as tf.Tensor4D;
}

export const augmentOptionsSchema = z.object({
  color: z.boolean(),
  /** Max shift as a fraction of the image size (DiffAugment: 1/8). 0 disables. */
  translation: z.number().min(0),
  /** Cutout square side as a fraction of the image size (DiffAugment: 1/2). 0 disables. */
  cutout: z.number().min(0),
});

export type AugmentOptions = z.infer<typeof augmentOptionsSchema>;

export const DEFAULT_AUGMENT: AugmentOptions = { color: true, translation: 0.125, cutout: 0.5 };

/** Cutout mask: 1 everywhere except one square per image (DiffAugment's rand_cutout). */
export function cutoutMask(n: number, H: number, W: number, ratio: number, rng: Rng): Float32Array {
  const sh = Math.floor(H * ratio + 0.5);
  const sw = Math.floor(W * ratio + 0.5);
  const m = new Float32Array(n * H * W).fill(1);
  for (let b = 0; b < n; b++) {
    const cy = rng.int(H + (1 - (sh % 2)));
    const cx = rng.int(W + (1 - (sw % 2)));
    const y0 = Math.max(0, cy - Math.floor(sh / 2));
    const y1 = Math.min(H, cy - Math.floor(sh / 2) + sh);
    const x0 = Math.max(0, cx - Math.floor(sw / 2));
    const x1 = Math.min(W, cx - Math.floor(sw / 2) + sw);
    for (let y = y0; y < y1; y++) m.fill(0, (b * H + y) * W + x0, (b * H + y) * W + x1);
  }
  return m;
}

/**
 * Applies DiffAugment to a batch; call inside tf.tidy (returns a new tensor). `part`: `x` holds
 * rows [offset, offset + n) of a batch of `total` split across replicas (lib/gan/replica.ts); the
 * random parameters are drawn for the whole batch, in the order one thread draws them, and this
 * part's rows are used, so every replica augments as the whole batch would be.
 */
export function diffAugment(
  x: tf.Tensor4D,
  rng: Rng,
  opt: AugmentOptions = DEFAULT_AUGMENT,
  part?: { offset: number; total: number },
): tf.Tensor4D {
  const [n, H, W] = x.shape;
  const offset = part?.offset ?? 0;
  const total = part?.total ?? n;
  if (offset + n > total) throw new Error(`diffAugment: rows ${offset}..${offset + n} of a batch of ${total}`);
  const mine = <T extends { subarray(a: number, b: number): T }>(all: T, per = 1): T => all.subarray(offset * per, (offset + n) * per);
  const draw = (f: () => number): Float32Array => mine(Float32Array.from({ length: total }, f));
  const perImage = (f: () => number): tf.Tensor4D => tf.tensor4d(draw(f), [n, 1, 1, 1]);
  let y: tf.Tensor4D = x;
  if (opt.color) {
    y = tf.add(y, perImage(() => rng.uniform() - 0.5)); // brightness
    let m = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, m), perImage(() => rng.uniform() * 2)), m); // saturation
    m = tf.mean(y, [1, 2, 3], true);
    y = tf.add(tf.mul(tf.sub(y, m), perImage(() => rng.uniform() + 0.5)), m); // contrast
  }
  if (opt.translation > 0) {
    const p = Math.floor(H * opt.translation + 0.5);
    const q = Math.floor(W * opt.translation + 0.5);
    const sy = Array.from(draw(() => rng.int(2 * p + 1) - p));
    const sx = Array.from(draw(() => rng.int(2 * q + 1) - q));
    y = translate(y, sy, sx, 1);
  }
  if (opt.cutout > 0) {
    // as in DiffAugment: the square becomes 0 (mid-grey in [-1, 1])
    y = tf.mul(y, tf.tensor4d(mine(cutoutMask(total, H, W, opt.cutout, rng), H * W), [n, H, W, 1]));
  }
  return y;
}
