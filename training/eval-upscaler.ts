/**
 * `npm run eval:upscaler`: the 4x upscaler against nearest and bicubic enlargement on the
 * HELD-OUT faces (emoji never trained on, in any style), at 256 px: PSNR (dB, mean over images)
 * and multi-scale SWD (x1e3, against the true 256-px renders). Twice: on the clean 64-px
 * renders, and on the same inputs degraded with a fixed seed the way generated images differ
 * (blur, noise, colour), which is what the studio feeds it. Writes the figures into
 * public/models/emoji-upscaler-4x/upscaler.json and two sheets: docs/upscaler-heldout.png
 * (input | bicubic | model | truth) and docs/upscaler-generated.png (the shipped generator's
 * samples: 64 px | bicubic | upscaled).
 *
 *   npm run eval:upscaler [-- --data DIR --model DIR]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { setupBackend } from '../lib/gan/offline/backend';
import { imagesOf, type Images } from '../lib/gan/offline/image-set';
import { Rng } from '../lib/gan/rng';
import { swd } from '../lib/gan/offline/swd';
import { upscale } from '../lib/gan/upscaler';
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest';
import { degrade } from '../lib/gan/offline/upscaler-trainer';
import { fileLoadHandler } from './export';
import { loadUpscaleSet } from './upscale-data';
import { UPSCALER_MODEL_ID } from './train-upscaler';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOW = 64;
const HIGH = 256;

/** PSNR (dB) of one image against another, both bytes or floats in [0, 255]. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += ((a[i] as number) - (b[i] as number)) ** 2;
  const mse = se / a.length;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** A classic enlargement by sharp (the baselines): 'nearest' or 'cubic' (Catmull-Rom). */
export async function resizeRgb(px: Uint8Array, from: number, to: number, kernel: 'nearest' | 'cubic'): Promise<Uint8Array> {
  const out = await sharp(Buffer.from(px), { raw: { width: from, height: from, channels: 3 } }).resize(to, to, { kernel }).raw().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

const toBytes = (v: Float32Array): Uint8Array => Uint8Array.from(v, (x) => Math.max(0, Math.min(255, Math.round((x + 1) * 127.5))));

async function modelUpscale(model: tf.LayersModel, inputs: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < inputs.length; i += 8) {
    const chunk = inputs.slice(i, i + 8);
    const x = tf.tensor4d(Float32Array.from(chunk.flatMap((c) => Array.from(c, (b) => b / 127.5 - 1))), [chunk.length, LOW, LOW, 3]);
    const y = upscale(model, x);
    const v = (await y.data()) as Float32Array;
    tf.dispose([x, y]);
    for (let k = 0; k < chunk.length; k++) out.push(toBytes(v.subarray(k * HIGH * HIGH * 3, (k + 1) * HIGH * HIGH * 3)));
  }
  return out;
}

const asImages = (list: readonly Uint8Array[]): Images => imagesOf(Float32Array.from(list.flatMap((l) => Array.from(l, (b) => b / 255))), list.length, HIGH);

interface MethodFigures {
  psnr: number;
  swd: number;
}

async function figures(inputs: readonly Uint8Array[], truth: readonly Uint8Array[], model: tf.LayersModel) {
  const methods: Record<'nearest' | 'bicubic' | 'model', Uint8Array[]> = {
    nearest: await Promise.all(inputs.map((x) => resizeRgb(x, LOW, HIGH, 'nearest'))),
    bicubic: await Promise.all(inputs.map((x) => resizeRgb(x, LOW, HIGH, 'cubic'))),
    model: await modelUpscale(model, inputs),
  };
  const reference = asImages(truth);
  const out = {} as Record<keyof typeof methods, MethodFigures>;
  for (const [name, images] of Object.entries(methods) as Array<[keyof typeof methods, Uint8Array[]]>) {
    const p = images.reduce((s, im, i) => s + psnr(im, truth[i] as Uint8Array), 0) / images.length;
    out[name] = { psnr: +p.toFixed(2), swd: +swd(reference, asImages(images), { seed: 1 }).mean.toFixed(1) };
  }
  return { figures: out, images: methods };
}

/** Side by side: one row per image, one column per list (all 256 px; 64-px inputs enlarged by nearest). */
async function sheet(columns: ReadonlyArray<readonly Uint8Array[]>, rows: number, file: string): Promise<void> {
  const W = columns.length * HIGH;
  const img = Buffer.alloc(W * rows * HIGH * 3, 255);
  for (let r = 0; r < rows; r++)
    columns.forEach((col, c) => {
      const px = col[r] as Uint8Array;
      for (let y = 0; y < HIGH; y++) img.set(px.subarray(y * HIGH * 3, (y + 1) * HIGH * 3), ((r * HIGH + y) * W + c * HIGH) * 3);
    });
  // a palette PNG: a figure for the README, a fraction of the bytes of a true-colour one
  await sharp(img, { raw: { width: W, height: rows * HIGH, channels: 3 } }).png({ palette: true, compressionLevel: 9 }).toFile(file);
}

export async function evalUpscaler(opts: { dataDir: string; modelDir: string; generatorDir: string; docsDir: string }) {
  await setupBackend('wasm');
  const model = await tf.loadLayersModel(fileLoadHandler(opts.modelDir));
  const held = await loadUpscaleSet(opts.dataDir, 'heldout');
  const clean = await figures(held.low, held.high, model);
  // the same held-out inputs, degraded as in training but with a fixed seed
  const rng = new Rng(2026);
  const degraded = held.low.map((px) => {
    const f = Float32Array.from(px, (b) => b / 127.5 - 1);
    degrade(f, LOW, rng);
    return toBytes(f);
  });
  const soft = await figures(degraded, held.high, model);

  const summary = { heldOutPairs: held.pairs.length, clean: clean.figures, degraded: soft.figures, evaluatedAt: new Date().toISOString() };
  const infoFile = path.join(opts.modelDir, 'upscaler.json');
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(infoFile, `${JSON.stringify({ ...info, eval: summary }, null, 1)}\n`);
  console.table({ ...Object.fromEntries(Object.entries(clean.figures).map(([k, v]) => [`clean ${k}`, v])), ...Object.fromEntries(Object.entries(soft.figures).map(([k, v]) => [`degraded ${k}`, v])) });

  // sheets: held-out (input | bicubic | model | truth), and the shipped generator's own samples
  const pick = [0, 18, 41, 52, 63, 75].filter((i) => i < held.low.length);
  const nearestIn = clean.images.nearest
  await sheet([pick.map((i) => nearestIn[i] as Uint8Array), pick.map((i) => clean.images.bicubic[i] as Uint8Array), pick.map((i) => clean.images.model[i] as Uint8Array), pick.map((i) => held.high[i] as Uint8Array)], pick.length, path.join(opts.docsDir, 'upscaler-heldout.png'));
  const g = await tf.loadLayersModel(fileLoadHandler(opts.generatorDir));
  const zDim = (g.inputs[0]?.shape[1] as number | undefined) ?? 100;
  const z = tf.tensor2d(new Rng(7).normals(6 * zDim), [6, zDim]);
  const faces = g.predict(z) as tf.Tensor4D;
  const v = (await faces.data()) as Float32Array;
  tf.dispose([z, faces]);
  const generated = Array.from({ length: 6 }, (_, k) => toBytes(v.subarray(k * LOW * LOW * 3, (k + 1) * LOW * LOW * 3)));
  await sheet(
    [await Promise.all(generated.map((x) => resizeRgb(x, LOW, HIGH, 'nearest'))), await Promise.all(generated.map((x) => resizeRgb(x, LOW, HIGH, 'cubic'))), await modelUpscale(model, generated)],
    6,
    path.join(opts.docsDir, 'upscaler-generated.png'),
  );
  return summary;
}

runIfMain(import.meta.url, async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { data: { type: 'string' }, model: { type: 'string' }, generator: { type: 'string' } }, strict: true });
  // the generated faces come from the generator the app ships (its last checkpoint)
  const generatorModel = path.join(REPO, 'public', 'models', DEFAULT_MODEL_ID);
  const manifest = JSON.parse(readFileSync(path.join(generatorModel, 'manifest.json'), 'utf8')) as { checkpoints: Array<{ path: string }> };
  const last = manifest.checkpoints.at(-1)?.path;
  if (!last) throw new Error(`eval-upscaler: ${generatorModel} lists no checkpoint`);
  await evalUpscaler({
    dataDir: values.data ?? path.join(REPO, 'training', 'data'),
    modelDir: values.model ?? path.join(REPO, 'public', 'models', UPSCALER_MODEL_ID),
    generatorDir: values.generator ?? path.join(generatorModel, last),
    docsDir: path.join(REPO, 'docs'),
  });
});
