/**
 * Renders a grid of samples from an exported generator to a PNG, with fixed latents (seeded),
 * so grids from different checkpoints are comparable:
 *   npx tsx training/sample-grid.ts public/models/emoji-faces-64/ckpt-000800 out.png [n=8] [seed=1]
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { setupBackend } from '../lib/gan/offline/backend';
import { Rng } from '../lib/gan/rng';
import { fileLoadHandler } from './export';

export async function sampleGrid(modelDir: string, out: string, n = 8, seed = 1): Promise<void> {
  const g = await tf.loadLayersModel(fileLoadHandler(modelDir));
  const zDim = (g.inputs[0]?.shape[1] as number | undefined) ?? 100;
  const z = tf.tensor2d(new Rng(seed).normals(n * n * zDim), [n * n, zDim]);
  const y = g.predict(z) as tf.Tensor4D;
  const [, S = 64] = y.shape;
  const v = y.dataSync();
  tf.dispose([z, y]);
  g.dispose();
  const W = n * S;
  const img = Buffer.alloc(W * W * 3);
  for (let k = 0; k < n * n; k++) {
    const ox = (k % n) * S;
    const oy = Math.floor(k / n) * S;
    for (let yy = 0; yy < S; yy++) {
      for (let xx = 0; xx < S; xx++) {
        for (let c = 0; c < 3; c++) {
          const val = v[((k * S + yy) * S + xx) * 3 + c] ?? 0;
          img[((oy + yy) * W + ox + xx) * 3 + c] = Math.max(0, Math.min(255, Math.round((val + 1) * 127.5)));
        }
      }
    }
  }
  await sharp(img, { raw: { width: W, height: W, channels: 3 } }).png().toFile(out);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const [dir, out, n, seed] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: sample-grid.ts <model dir> <out.png> [n] [seed]');
    process.exit(2);
  }
  setupBackend('wasm')
    .then(() => sampleGrid(dir, out, n ? Number(n) : 8, seed ? Number(seed) : 1))
    .then(() => console.log(`wrote ${out}`))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
