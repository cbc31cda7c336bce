/**
 * The generator at run time, in the browser (and in Node tests): choose the fastest backend,
 * load a shipped checkpoint with progress, and turn latents into pixels.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from './wasm-kernels';
import { truncate, type Latent } from './latent';

export type RuntimeBackend = 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: RuntimeBackend;
  /** why this backend was chosen, for the UI */
  reason: string;
}

/** Where the browser fetches tfjs' wasm binaries from (served by app/api/tfjs-wasm). */
export const WASM_BASE_PATH = '/api/tfjs-wasm/';

/** The WebGL renderer string, or null when WebGL is unavailable (browser only). */
export function webglRenderer(): string | null {
  if (typeof document === 'undefined') return null;
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/** Software rasterisers (SwiftShader, llvmpipe) run WebGL slower than wasm on the CPU. */
export const isSoftwareRenderer = (renderer: string) => /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);

/**
 * Picks and initialises a backend: WebGL where the browser has a GPU, else wasm with the
 * project's kernels, else the plain cpu backend. `prefer` forces one (tests, settings).
 */
export async function initBackend(opts: { prefer?: RuntimeBackend; wasmPath?: string } = {}): Promise<BackendInfo> {
  const tryBackend = async (name: RuntimeBackend) => {
    try {
      if (name === 'wasm') {
        if (typeof window !== 'undefined') setWasmPaths(opts.wasmPath ?? WASM_BASE_PATH);
        installWasmKernels();
      }
      if (!(await tf.setBackend(name))) return false;
      await tf.ready();
      return true;
    } catch {
      return false;
    }
  };
  if (opts.prefer && (await tryBackend(opts.prefer))) return { name: opts.prefer, reason: 'chosen' };
  const renderer = webglRenderer();
  if (renderer && !isSoftwareRenderer(renderer) && (await tryBackend('webgl'))) return { name: 'webgl', reason: `GPU: ${renderer}` };
  const why = renderer ? `software WebGL (${renderer})` : 'no WebGL';
  if (await tryBackend('wasm')) return { name: 'wasm', reason: `${why}: WebAssembly on the CPU` };
  await tryBackend('cpu');
  return { name: 'cpu', reason: `${why}, no WebAssembly: plain JavaScript` };
}

/** Loads a generator (model.json URL or IOHandler), reporting progress in [0, 1]. */
export async function loadGenerator(source: string | tf.io.IOHandler, onProgress?: (fraction: number) => void): Promise<tf.LayersModel> {
  const model = await tf.loadLayersModel(source, onProgress ? { onProgress } : undefined);
  onProgress?.(1);
  return model;
}

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, as ImageData wants it */
  data: Uint8ClampedArray;
}

/** Runs the generator on latents (after truncation psi) and returns RGBA pixels per sample. */
export async function generatePixels(model: tf.LayersModel, latents: readonly Latent[], psi = 1): Promise<Pixels[]> {
  if (latents.length === 0) return [];
  const zDim = latents[0]!.length;
  const input = new Float32Array(latents.length * zDim);
  latents.forEach((z, i) => input.set(psi === 1 ? z : truncate(z, psi), i * zDim));
  const images = tf.tidy(() => {
    const out = model.predict(tf.tensor2d(input, [latents.length, zDim])) as tf.Tensor4D;
    // tanh output in [-1, 1] -> [0, 255]
    return out.add(1).mul(127.5).clipByValue(0, 255);
  });
  const [n, height, width] = images.shape as [number, number, number, number];
  const rgb = await images.data();
  images.dispose();
  return Array.from({ length: n }, (_, i) => {
    const data = new Uint8ClampedArray(width * height * 4);
    const base = i * width * height * 3;
    for (let p = 0; p < width * height; p++) {
      data[p * 4] = rgb[base + p * 3] as number;
      data[p * 4 + 1] = rgb[base + p * 3 + 1] as number;
      data[p * 4 + 2] = rgb[base + p * 3 + 2] as number;
      data[p * 4 + 3] = 255;
    }
    return { width, height, data };
  });
}

/** The input size a loaded generator expects. */
export function latentSize(model: tf.LayersModel): number {
  const shape = model.inputs[0]?.shape;
  const z = shape?.[shape.length - 1];
  if (typeof z !== 'number') throw new Error('generator input has no fixed latent size');
  return z;
}

let sharedInit: Promise<BackendInfo> | null = null;

/**
 * The page's backend, initialised once: several panels that load models at the same time must
 * not race tf.setBackend against each other.
 */
export function sharedBackend(): Promise<BackendInfo> {
  sharedInit ??= initBackend().catch((e: unknown) => {
    sharedInit = null;
    throw e;
  });
  return sharedInit;
}
