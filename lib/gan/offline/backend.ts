/**
 * tfjs backend set-up shared by training (Node) and the browser: the wasm backend with the
 * project's kernels, or another registered backend ('cpu' for tests, 'webgl' in browsers).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmKernels } from '../wasm-kernels';

export type BackendName = 'wasm' | 'cpu' | 'webgl';

export async function setupBackend(name: BackendName = 'wasm'): Promise<string> {
  if (name === 'wasm') installWasmKernels();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}
