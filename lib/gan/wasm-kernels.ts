/**
 * Replacement kernels that make GAN training workable on @tensorflow/tfjs-backend-wasm 4.22:
 *  - Conv2DBackpropFilter: not registered on wasm -> transposed im2col in JS + one XNNPACK GEMM.
 *  - Conv2DBackpropInput (conv2d input gradient, conv2dTranspose): wasm's is a naive loop ->
 *    one GEMM (dy @ W^T) + col2im scatter-add in JS.
 *  - BatchMatMul with transposeA/B: wasm's transposed path is ~50x slower than NN ->
 *    explicit Transpose, then the NN GEMM.
 *  - Tile: slow generic path -> block copies.
 * All are composed from the backend's own kernels (captured at install time); intermediates are
 * disposed before returning. Works in Node and in the browser (no Node imports).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Orig = Record<'BatchMatMul' | 'Transpose' | 'Reshape', tf.KernelFunc>;

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

  // dW[kh,kw,c,co] = sum_m colT[(kh,kw,c), m] * dy[m, co]
  const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const w = wasmOf(backend);
    const { sh, sw, KH, KW, OH, OW, H, W, C, CO, N, top, left, M, TC } = convGeometry(x.shape, a.filterShape, a);
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

  const tile: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    const w = wasmOf(backend);
    const shape = x.shape.slice();
    let cur = w.typedArrayFromHeap(x).slice();
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      const r = reps[ax] ?? 1;
      if (r === 1) continue;
      let outer = 1;
      for (let i = 0; i < ax; i++) outer *= shape[i] ?? 1;
      const block = cur.length / outer;
      const next = new (cur.constructor as new (n: number) => typeof cur)(cur.length * r);
      for (let o = 0; o < outer; o++) {
        const src = cur.subarray(o * block, (o + 1) * block);
        for (let j = 0; j < r; j++) next.set(src, (o * r + j) * block);
      }
      cur = next;
      shape[ax] = (shape[ax] ?? 1) * r;
    }
    const out = w.makeOutput(shape, x.dtype);
    w.typedArrayFromHeap(out).set(cur);
    return out;
  };

  return { batchMatMul, conv2DBackpropFilter, conv2DBackpropInput, tile };
}

export type KernelName = 'Conv2DBackpropFilter' | 'Conv2DBackpropInput' | 'BatchMatMul' | 'Tile';
export const ALL_KERNELS: readonly KernelName[] = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', 'Tile'];

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
    const f = makeWasmKernels({ BatchMatMul: get('BatchMatMul'), Transpose: get('Transpose'), Reshape: get('Reshape') });
    ours = { Conv2DBackpropFilter: f.conv2DBackpropFilter, Conv2DBackpropInput: f.conv2DBackpropInput, BatchMatMul: f.batchMatMul, Tile: f.tile };
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
