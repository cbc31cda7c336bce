/**
 * The README's figures, made from the shipped checkpoints by the project's own code:
 *   docs/samples.png   - 8x8 samples of the latest checkpoint (fixed seed)
 *   docs/timeline.png  - the same 4 latents at every checkpoint, step 0 to the latest
 *   public/models/<id>/learning.png + .json - the home page's figure: those latents at 4 of them
 *   public/models/<id>/curves.json - the binned loss curves the learning lab plots
 * Run: npx tsx training/figures.ts [model-id]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { setupBackend } from '../lib/gan/offline/backend';
import { sampleLatents } from '../lib/gan/latent';
import { figureSize, pickSpread, stepLabel, type LearningFigure } from '../lib/gan/learning-figure';
import { DEFAULT_MODEL_ID, modelManifestSchema } from '../lib/gan/manifest';
import { writeCurves } from './curves';
import { fileLoadHandler } from './export';
import { sampleGrid } from './sample-grid';

const ROWS = 4;
const LABEL = 18;
const LATENT_SEED = 7;
const LEARNING_COLUMNS = 4;
const LEARNING_GAP = 4;

async function columnOf(modelDir: string, latents: Float32Array[]): Promise<Buffer> {
  const g = await tf.loadLayersModel(fileLoadHandler(modelDir));
  const zDim = latents[0]!.length;
  const input = new Float32Array(latents.length * zDim);
  latents.forEach((z, i) => input.set(z, i * zDim));
  const y = tf.tidy(() => (g.predict(tf.tensor2d(input, [latents.length, zDim])) as tf.Tensor).add(1).mul(127.5).clipByValue(0, 255));
  const v = await y.data();
  tf.dispose(y);
  g.dispose();
  return Buffer.from(Uint8Array.from(v, (x) => Math.round(x)));
}

async function main() {
  await setupBackend('wasm');
  const id = process.argv[2] ?? DEFAULT_MODEL_ID;
  const dir = path.join('public/models', id);
  const manifest = modelManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
  if (manifest.runId) {
    const c = writeCurves(dir, manifest.id, manifest.runId, path.join('training/logs', `${manifest.runId}.jsonl`));
    console.log(`${dir}/curves.json: ${c.points} points of ${c.binSteps} steps`);
  }
  const S = manifest.resolution;
  const latest = manifest.checkpoints.at(-1)!;
  await sampleGrid(path.join(dir, latest.path), 'docs/samples.png', 8, 1);

  const latents = sampleLatents(LATENT_SEED, ROWS, manifest.zDim);
  const cols = manifest.checkpoints.length;
  const width = cols * S;
  const height = ROWS * S + LABEL;
  const composites: Array<{ input: Buffer; left: number; top: number }> = [];
  for (const [i, ckpt] of manifest.checkpoints.entries()) {
    const pixels = await columnOf(path.join(dir, ckpt.path), latents);
    const column = await sharp(pixels, { raw: { width: S, height: ROWS * S, channels: 3 } }).png().toBuffer();
    composites.push({ input: column, left: i * S, top: LABEL });
  }
  const labels = manifest.checkpoints
    .map((c, i) => `<text x="${i * S + S / 2}" y="13" font-size="11" font-family="sans-serif" text-anchor="middle" fill="#333">${stepLabel(c.step)}</text>`)
    .join('');
  composites.push({ input: Buffer.from(`<svg width="${width}" height="${LABEL}" xmlns="http://www.w3.org/2000/svg">${labels}</svg>`), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toFile('docs/timeline.png');
  console.log(`docs/samples.png (step ${latest.step}), docs/timeline.png (${cols} checkpoints)`);

  // the home page's figure: the same latents at a few checkpoints spread from first to last
  const picked = pickSpread(manifest.checkpoints, LEARNING_COLUMNS);
  const figure: LearningFigure = { model: manifest.id, seed: LATENT_SEED, rows: ROWS, steps: picked.map((c) => c.step), tile: S, gap: LEARNING_GAP };
  const size = figureSize(figure);
  const tiles: Array<{ input: Buffer; left: number; top: number }> = [];
  for (const [i, ckpt] of picked.entries()) {
    const pixels = await columnOf(path.join(dir, ckpt.path), latents);
    for (let r = 0; r < ROWS; r++) {
      const tile = await sharp(pixels.subarray(r * S * S * 3, (r + 1) * S * S * 3), { raw: { width: S, height: S, channels: 3 } }).png().toBuffer();
      tiles.push({ input: tile, left: i * (S + LEARNING_GAP), top: r * (S + LEARNING_GAP) });
    }
  }
  await sharp({ create: { ...size, channels: 3, background: '#ffffff' } }).composite(tiles).png().toFile(path.join(dir, 'learning.png'));
  writeFileSync(path.join(dir, 'learning.json'), `${JSON.stringify(figure, null, 2)}\n`);
  console.log(`${dir}/learning.png (steps ${figure.steps.join(', ')})`);
}

await main();
