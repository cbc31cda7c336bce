/**
 * Replacement kernels that make GAN training workable on @tensorflow/tfjs-backend-wasm 4.22:
 *  - Conv2DBackpropFilter: not registered on wasm -> a dilated XNNPACK convolution of x by dy
 *    (batch and channels swapped), or transposed im2col in JS + one XNNPACK GEMM where the
 *    padding does not allow that.
 *  - Conv2DBackpropInput (conv2d input gradient, conv2dTranspose): wasm's is a naive loop ->
 *    one GEMM (dy @ W^T) + col2im scatter-add in JS.
 *  - BatchMatMul with transposeA/B: wasm's transposed path is ~50x slower than NN ->
 *    explicit Transpose, then the NN GEMM.
 *  - Tile: slow generic path -> block copies within the output.
 *  - Identity: a copy of the whole tensor -> the input's data shared (as Reshape does).
 *  - LeakyRelu and Tanh: scalar loops -> XNNPACK's PReLU, and 2 sigmoid(2x) - 1 on its sigmoid.
 *  - Sum and Mean over the leading axes (BatchNorm's moments and backward, bias gradients: every
 *    axis but the channels): wasm transposes the whole tensor first -> one XNNPACK average
 *    pooling over the rows, ~5x faster on [32,32,32,32]. (A GEMM by a row of ones is not: XNNPACK
 *    packs its right-hand side, here a new tensor every call.)
 * All are composed from the backend's own kernels (captured at install time); intermediates are
 * disposed before returning. Works in Node and in the browser (no Node imports).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Orig = Record<'BatchMatMul' | 'Transpose' | 'Reshape' | 'Sum' | 'Mean' | 'AvgPool' | 'Conv2D' | 'Prelu' | 'Sigmoid' | 'Multiply' | 'Sub' | 'LeakyRelu' | 'Tanh' | 'Identity', tf.KernelFunc>;

/** The kernel functions we need return a single TensorInfo (never an array). */
function one(r: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  if (Array.isArray(r)) throw new Error('wasm-kernels: unexpected multi-output kernel');
  return r;
}

// The kernel registry hands kernels a generic KernelBackend; these kernels are only ever
// registered for 'wasm', so the backend is a BackendWasm.
const wasmOf = (b: KernelArgs['backend']): BackendWasm => b as unknown as BackendWasm;

function heapF32(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  const a = backend.typedArrayFromHeap(t);
  if (!(a instanceof Float32Array)) throw new Error(`wasm-kernels: expected float32, got ${t.dtype}`);
  return a;
}

export interface WasmKernels {
  batchMatMul: tf.KernelFunc;
  conv2DBackpropFilter: tf.KernelFunc;
  conv2DBackpropInput: tf.KernelFunc;
  tile: tf.KernelFunc;
  identity: tf.KernelFunc;
  leakyRelu: tf.KernelFunc;
  tanh: tf.KernelFunc;
  sum: tf.KernelFunc;
  mean: tf.KernelFunc;
}

/**
 * The geometry both conv backprop kernels work in (NHWC, dilation 1): strides, kernel, input and
 * output sizes, padding, and M = N*OH*OW rows by TC = KH*KW*C columns of the im2col matrix.
 */
function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  a: { strides: number | [number, number]; pad: tf.Conv2DAttrs['pad']; dimRoundingMode?: tf.Conv2DAttrs['dimRoundingMode']; dataFormat?: string },
) {
  if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('wasm-kernels: NHWC only');
  const ci = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, outHeight: OH, outWidth: OW } = ci;
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: CO, batchSize: N } = ci;
  const { top, left } = ci.padInfo;
  return { sh, sw, KH, KW, OH, OW, H, W, C, CO, N, top, left, M: N * OH * OW, TC: KH * KW * C };
}

/** Below this many input channels the filter gradient takes the im2col GEMM (measured: 3 is slower as a conv). */
const MIN_CHANNELS_FOR_CONV = 8;

export function makeWasmKernels(orig: Orig): WasmKernels {
  const reshape = (x: tf.TensorInfo, shape: number[], backend: KernelArgs['backend']): tf.TensorInfo =>
    one(orig.Reshape({ inputs: { x }, backend, attrs: { shape } }));
  const transpose = (x: tf.TensorInfo, perm: number[], backend: KernelArgs['backend']): tf.TensorInfo =>
    one(orig.Transpose({ inputs: { x }, backend, attrs: { perm } }));
  const matmulNN = (a: tf.TensorInfo, b: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo =>
    one(orig.BatchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }));
  const swapLast2 = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo => {
    const r = x.shape.length;
    const perm = Array.from({ length: r }, (_, i) => i);
    perm[r - 1] = r - 2;
    perm[r - 2] = r - 1;
    return transpose(x, perm, backend);
  };

  const batchMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return orig.BatchMatMul({ inputs, backend, attrs });
    const a2 = transposeA ? swapLast2(a, backend) : a;
    const b2 = transposeB ? swapLast2(b, backend) : b;
    const out = one(
      orig.BatchMatMul({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }),
    );
    const w = wasmOf(backend);
    if (transposeA) w.disposeData(a2.dataId);
    if (transposeB) w.disposeData(b2.dataId);
    return out;
  };

  /**
   * dW as a convolution XNNPACK runs itself: x with batch and channels swapped ([C, H, W, N]) is
   * convolved with dy as the filter ([OH, OW, N, CO]), dilated by the stride, padded as the
   * forward conv was: output [C, KH, KW, CO], transposed to [KH, KW, C, CO]. 1.4-3.5x faster than
   * the im2col GEMM on the GAN's layers (in isolation; ~10% of all filter gradients in a training
   * step). Null where the forward padding leaves no room for it (the bottom or right padding it
   * needs would be negative) or the input has few channels.
   */
  const filterGradByConv = (x: tf.TensorInfo, dy: tf.TensorInfo, geometry: ReturnType<typeof convGeometry>, backend: KernelArgs['backend']): tf.TensorInfo | null => {
    const { sh, sw, KH, KW, OH, OW, H, W, C, top, left } = geometry;
    const bottom = KH + sh * (OH - 1) - H - top;
    const right = KW + sw * (OW - 1) - W - left;
    // few input channels (an RGB image) make the convolution's batch tiny: the GEMM is faster there
    if (C < MIN_CHANNELS_FOR_CONV || bottom < 0 || right < 0 || top < 0 || left < 0) return null;
    const w = wasmOf(backend);
    const xT = transpose(x, [3, 1, 2, 0], backend);
    const dyT = transpose(dy, [1, 2, 0, 3], backend);
    const pad: tf.Conv2DAttrs['pad'] = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    const g = one(orig.Conv2D({ inputs: { x: xT, filter: dyT }, backend, attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw] } }));
    const out = transpose(g, [1, 2, 0, 3], backend);
    for (const t of [xT, dyT, g]) w.disposeData(t.dataId);
    return out;
  };

  // dW[kh,kw,c,co] = sum_m colT[(kh,kw,c), m] * dy[m, co], where the convolution above cannot
  const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const geometry = convGeometry(x.shape, a.filterShape, a);
    const byConv = filterGradByConv(x, dy, geometry, backend);
    if (byConv) return byConv;
    const w = wasmOf(backend);
    const { sh, sw, KH, KW, OH, OW, H, W, C, CO, N, top, left, M, TC } = geometry;
    const colT = w.makeOutput([1, TC, M], 'float32');
    const xv = heapF32(w, x);
    const ov = heapF32(w, colT);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let c = 0; c < C; c++) {
          let m = ((kh * KW + kw) * C + c) * M;
          for (let n = 0; n < N; n++) {
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * sh + kh - top;
              if (ih < 0 || ih >= H) {
                ov.fill(0, m, m + OW);
                m += OW;
                continue;
              }
              const base = (n * H + ih) * W;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * sw + kw - left;
                ov[m++] = iw < 0 || iw >= W ? 0 : (xv[(base + iw) * C + c] as number);
              }
            }
          }
        }
      }
    }
    const dy3 = reshape(dy, [1, M, CO], backend);
    const g = matmulNN(colT, dy3, backend);
    const out = reshape(g, [KH, KW, C, CO], backend);
    for (const t of [colT, dy3, g]) w.disposeData(t.dataId);
    return out;
  };

  // dx = col2im(dy[M,CO] @ W^T[CO, KH*KW*C])
  const conv2DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const w = wasmOf(backend);
    const { sh, sw, KH, KW, OH, OW, H, W, C, CO, N, top, left, M, TC } = convGeometry(a.inputShape, filter.shape, a);
    const f2 = reshape(filter, [TC, CO], backend);
    const fT = transpose(f2, [1, 0], backend);
    const fT3 = reshape(fT, [1, CO, TC], backend);
    const dy3 = reshape(dy, [1, M, CO], backend);
    const cols = matmulNN(dy3, fT3, backend); // [1, M, TC]
    const out = w.makeOutput([N, H, W, C], 'float32');
    const cv = heapF32(w, cols);
    const ov = heapF32(w, out);
    ov.fill(0);
    let src = 0;
    for (let n = 0; n < N; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh + kh - top;
            if (ih < 0 || ih >= H) {
              src += KW * C;
              continue;
            }
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sw + kw - left;
              if (iw < 0 || iw >= W) {
                src += C;
                continue;
              }
              let d = ((n * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) (ov[d++] as number) += cv[src++] as number;
            }
          }
        }
      }
    }
    for (const t of [f2, fT, fT3, dy3, cols]) w.disposeData(t.dataId);
    return out;
  };

  // in the output itself: x's rows at the first tile's places, then each axis (innermost first)
  // copies its finished block along the axis (copyWithin: no intermediate arrays)
  const tile: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    const w = wasmOf(backend);
    const shape = x.shape;
    const rank = shape.length;
    const outShape = shape.map((d, i) => d * (reps[i] ?? 1));
    const out = w.makeOutput(outShape, x.dtype);
    const xv = w.typedArrayFromHeap(x);
    const ov = w.typedArrayFromHeap(out);
    if (xv.length === 0 || rank === 0) {
      ov.set(xv);
      return out;
    }
    // element strides of the output, and the prefix index walk over x's dims before `axis`
    const stride = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) stride[i] = (stride[i + 1] as number) * (outShape[i + 1] as number);
    const eachPrefix = (axis: number, f: (offset: number) => void): void => {
      const idx = new Array<number>(axis).fill(0);
      for (;;) {
        let offset = 0;
        for (let j = 0; j < axis; j++) offset += (idx[j] as number) * (stride[j] as number);
        f(offset);
        let j = axis - 1;
        while (j >= 0 && (idx[j] = (idx[j] as number) + 1) === shape[j]) idx[j--] = 0;
        if (j < 0) return;
      }
    };
    const row = shape[rank - 1] as number;
    let src = 0;
    eachPrefix(rank - 1, (offset) => {
      ov.set(xv.subarray(src, src + row), offset);
      src += row;
    });
    for (let axis = rank - 1; axis >= 0; axis--) {
      const r = reps[axis] ?? 1;
      if (r === 1) continue;
      const block = (shape[axis] as number) * (stride[axis] as number);
      eachPrefix(axis, (offset) => {
        for (let k = 1; k < r; k++) ov.copyWithin(offset + k * block, offset, offset + block);
      });
    }
    return out;
  };

  // shares x's data (as Reshape does) instead of the backend's copy: tensors are immutable
  const identity: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return orig.Identity({ inputs, backend, attrs });
    wasmOf(backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
  };

  // a float32 tensor filled with `value` (the caller disposes it; a few floats: made per call, as
  // a cache of them would hold backend data no tensor accounts for)
  const constant = (w: BackendWasm, shape: number[], value: number): tf.TensorInfo => {
    const t = w.makeOutput(shape, 'float32');
    heapF32(w, t).fill(value);
    return t;
  };

  // as XNNPACK's PReLU with every channel's slope alpha (the backend's own is a scalar loop, ~11x slower)
  const leakyRelu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { alpha } = attrs as unknown as tf.LeakyReluAttrs;
    const w = wasmOf(backend);
    const channels = x.shape.length > 0 ? (x.shape[x.shape.length - 1] as number) : 1;
    if (x.dtype !== 'float32' || channels === 0) return orig.LeakyRelu({ inputs, backend, attrs });
    const slopes = constant(w, [channels], alpha);
    const out = one(orig.Prelu({ inputs: { x, alpha: slopes }, backend }));
    w.disposeData(slopes.dataId);
    return out;
  };

  // tanh(x) = 2 sigmoid(2x) - 1 on XNNPACK's sigmoid (the backend's tanh is a scalar loop, ~9x
  // slower); within 2e-7 of it on the generator's output range
  const tanh: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32') return orig.Tanh({ inputs, backend, attrs });
    const w = wasmOf(backend);
    const two = constant(w, [], 2);
    const twice = one(orig.Multiply({ inputs: { a: x, b: two }, backend }));
    const s = one(orig.Sigmoid({ inputs: { x: twice }, backend }));
    const s2 = one(orig.Multiply({ inputs: { a: s, b: two }, backend }));
    const unit = constant(w, [], 1);
    const out = one(orig.Sub({ inputs: { a: s2, b: unit }, backend }));
    for (const t of [two, twice, s, s2, unit]) w.disposeData(t.dataId);
    return out;
  };

  /**
   * Sum or Mean of a float32 tensor over its leading axes (0..k-1, k < rank) as one average
   * pooling of the tensor seen as [1, M/L, L, C] with an [M/L, L] window (L the last reduced
   * dimension): XNNPACK pools without transposing or packing anything; a Sum is scaled by M
   * afterwards. Any other reduction goes to the backend's own kernel.
   */
  const reduceLeading =
    (kind: 'Sum' | 'Mean'): tf.KernelFunc =>
    ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      const k = axes.length;
      const leading = k > 0 && k < x.shape.length && axes.every((a, i) => a === i);
      const M = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
      const C = x.shape.slice(k).reduce((p, q) => p * q, 1);
      if (!leading || x.dtype !== 'float32' || M === 0 || C === 0) return orig[kind]({ inputs, backend, attrs });
      const w = wasmOf(backend);
      const L = x.shape[k - 1] as number;
      const x4 = reshape(x, [1, M / L, L, C], backend);
      const pooled = one(orig.AvgPool({ inputs: { x: x4 }, backend, attrs: { filterSize: [M / L, L], strides: [M / L, L], pad: 'valid' } }));
      if (kind === 'Sum') {
        const v = heapF32(w, pooled);
        for (let c = 0; c < C; c++) (v[c] as number) *= M;
      }
      const shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
      const out = reshape(pooled, shape, backend);
      for (const t of [x4, pooled]) w.disposeData(t.dataId);
      return out;
    };

  return { batchMatMul, conv2DBackpropFilter, conv2DBackpropInput, tile, identity, leakyRelu, tanh, sum: reduceLeading('Sum'), mean: reduceLeading('Mean') };
}

export type KernelName = 'Conv2DBackpropFilter' | 'Conv2DBackpropInput' | 'BatchMatMul' | 'Tile' | 'Identity' | 'LeakyRelu' | 'Tanh' | 'Sum' | 'Mean';
export const ALL_KERNELS: readonly KernelName[] = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', 'Tile', 'Identity', 'LeakyRelu', 'Tanh', 'Sum', 'Mean'];

/** The backend's own kernels as they were before the first install (undefined: none registered). */
let stock: Map<KernelName, tf.KernelConfig | undefined> | null = null;
/** Ours, made once: fresh closures would start cold in V8 at every switch (interpreted loops). */
let ours: Record<KernelName, tf.KernelFunc> | null = null;
let current = '';

/**
 * Registers the project's kernels for the 'wasm' backend: ours for `which`, the backend's own
 * (or none, for Conv2DBackpropFilter) for the rest, so that a benchmark can switch between sets.
 * Idempotent. Call after importing @tensorflow/tfjs-backend-wasm and before training or inference.
 */
export function installWasmKernels(which: readonly KernelName[] = ALL_KERNELS): void {
  const backendName = 'wasm';
  const key = [...which].sort().join(',');
  if (key === current) return;
  if (!stock) stock = new Map(ALL_KERNELS.map((name) => [name, tf.getKernel(name, backendName)]));
  const get = (name: string): tf.KernelFunc => {
    const k = stock?.get(name as KernelName) ?? tf.getKernel(name, backendName);
    if (!k) throw new Error(`wasm-kernels: no ${name} kernel on ${backendName}`);
    return k.kernelFunc;
  };
  if (!ours) {
    // composed of the backend's own kernels (never of ours)
    const f = makeWasmKernels({ BatchMatMul: get('BatchMatMul'), Transpose: get('Transpose'), Reshape: get('Reshape'), Sum: get('Sum'), Mean: get('Mean'), AvgPool: get('AvgPool'), Conv2D: get('Conv2D'), Prelu: get('Prelu'), Sigmoid: get('Sigmoid'), Multiply: get('Multiply'), Sub: get('Sub'), LeakyRelu: get('LeakyRelu'), Tanh: get('Tanh'), Identity: get('Identity') });
    ours = { Conv2DBackpropFilter: f.conv2DBackpropFilter, Conv2DBackpropInput: f.conv2DBackpropInput, BatchMatMul: f.batchMatMul, Tile: f.tile, Identity: f.identity, LeakyRelu: f.leakyRelu, Tanh: f.tanh, Sum: f.sum, Mean: f.mean };
  }
  const fns = ours;
  for (const name of ALL_KERNELS) {
    const original = stock.get(name);
    if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
    if (which.includes(name)) tf.registerKernel({ kernelName: name, backendName, kernelFunc: fns[name], setupFunc: original?.setupFunc });
    else if (original) tf.registerKernel(original);
  }
  current = key;
}
