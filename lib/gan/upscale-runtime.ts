/**
 * The 4x upscaler at run time (browser, and Node tests): load the shipped model once per page and
 * enlarge a generated 64-px picture to 256 px (lib/gan/upscaler.ts is the network). Loaded on the
 * page's backend (lib/gan/runtime.ts), next to the generator.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { modelBaseUrl, modelIdSchema } from './manifest';
import type { UpscalerRef } from './provenance';
import type { Pixels } from './runtime';
import { upscale } from './upscaler';

export const UPSCALER_ID = 'emoji-upscaler-4x';

/** public/models/<id>/upscaler.json, written by training/train-upscaler.ts (eval figures added by eval-upscaler.ts). */
export const upscalerInfoSchema = z.object({ id: modelIdSchema, step: z.number().int().min(0), scale: z.literal(4) }).passthrough();

export interface LoadedUpscaler {
  model: tf.LayersModel;
  ref: UpscalerRef;
}

let loading: Promise<LoadedUpscaler> | null = null;

/** The shipped upscaler, loaded once per page (a failed load is tried again next time). */
export function loadUpscaler(base = modelBaseUrl(UPSCALER_ID)): Promise<LoadedUpscaler> {
  loading ??= (async () => {
    const res = await fetch(`${base}/upscaler.json`);
    if (!res.ok) throw new Error(`upscaler: ${res.status} for its description`);
    const info = upscalerInfoSchema.parse(await res.json());
    const model = await tf.loadLayersModel(`${base}/model.json`);
    return { model, ref: { modelId: info.id, step: info.step } };
  })().catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}

/** RGBA pixels enlarged 4x by the upscaler. */
export async function upscalePixels(model: tf.LayersModel, px: Pixels): Promise<Pixels> {
  const { width, height, data } = px;
  const rgb = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = (data[p * 4 + c] as number) / 127.5 - 1;
  const out = tf.tidy(() => upscale(model, tf.tensor4d(rgb, [1, height, width, 3])).add(1).mul(127.5));
  const values = await out.data();
  out.dispose();
  const W = width * 4;
  const H = height * 4;
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (let p = 0; p < W * H; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = values[p * 3 + c] as number;
    rgba[p * 4 + 3] = 255;
  }
  return { width: W, height: H, data: rgba };
}

/**
 * The picture enlarged 4x and which upscaler did it, or null when the upscaler could not load or
 * run (the caller then keeps the 64-px picture: a base layer is never lost to it).
 */
export async function enlarge(px: Pixels): Promise<{ pixels: Pixels; ref: UpscalerRef } | null> {
  try {
    const { model, ref } = await loadUpscaler();
    return { pixels: await upscalePixels(model, px), ref };
  } catch (e) {
    console.warn('[upscaler] not available, the picture stays at its own size:', e);
    return null;
  }
}
