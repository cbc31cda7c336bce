/**
 * Latent directions for the generate panel's sliders (GANSpace, Härkönen et al. 2020; the
 * maths is in lib/gan/offline/ganspace.ts): PCA of the generator's first block's features over a large
 * seeded batch of latents, transferred to latent directions by regression, written to
 * public/models/<id>/directions.json, plus a contact sheet (docs/directions.png) that shows
 * what each direction changes: per direction, two base latents moved by -3..+3 sigma.
 *
 *   npx tsx training/directions.ts [--model emoji-faces-64] [--checkpoint <step>] [--samples 4000]
 *       [--seed 1] [--k 10] [--psi 0.8] [--out <json>] [--sheet docs/directions.png] [--bases 2]
 *
 * Default checkpoint: the last in the manifest. Deterministic: the same checkpoint and options
 * give the same file. About half a minute on one core.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp, { type OverlayOptions } from 'sharp';
import { setupBackend } from '../lib/gan/offline/backend';
import { applyDirections, directionsFileSchema, type DirectionsFile } from '../lib/gan/directions';
import { ganspaceDirections } from '../lib/gan/offline/ganspace';
import { sampleLatents, truncate, type Latent } from '../lib/gan/latent';
import { DEFAULT_MODEL_ID, modelManifestSchema } from '../lib/gan/manifest';
import { fileLoadHandler } from './export';

/**
 * The decomposed layer: the output of the first block (dense -> BN -> ReLU -> reshape, 4x4x64
 * = 1,024 features). It is where the generator fixes the coarse layout of the whole image
 * (face shape, colour, pose) before any upsampling, it is the first non-linear function of z
 * (a PCA of the dense output before ReLU would only be the SVD of the dense weights), and
 * 1,024 features keep the covariance cheap (the first upsampling block has 2,048). GANSpace
 * likewise works on early layers for global, interpretable edits.
 */
const LAYER = 'generator_reshape';

/**
 * Names of what the directions visibly change ("minus side ↔ plus side"), by checkpoint step
 * and component index, given after looking at that checkpoint's contact sheet (with 5 base
 * latents: --bases 5). Only components whose change was the same on every base are named.
 * Another checkpoint's components differ, and other --seed/--samples can flip a component's
 * sign, so anything else falls back to "Component k" until someone looks and adds names here.
 */
const NAMES: Record<number, { seed: number; samples: number; names: Record<number, string> }> = {
  9600: {
    seed: 1,
    samples: 4000,
    names: { 0: 'no outline ↔ black outline', 1: 'faint ↔ bold round face', 2: 'brown ↔ yellow face' },
  },
  16000: {
    seed: 1,
    samples: 4000,
    names: { 0: 'face ↔ outlined bust', 1: 'faint ↔ bold yellow face', 2: 'yellow ↔ dark face' },
  },
};

const OFFSETS = [-3, -2, -1, 0, 1, 2, 3];
const SHEET_SEED = 7;

async function main() {
  const { values: args } = parseArgs({
    options: {
      model: { type: 'string', default: DEFAULT_MODEL_ID },
      checkpoint: { type: 'string' },
      samples: { type: 'string', default: '4000' },
      seed: { type: 'string', default: '1' },
      k: { type: 'string', default: '10' },
      psi: { type: 'string', default: '0.8' },
      out: { type: 'string' },
      sheet: { type: 'string', default: 'docs/directions.png' },
      bases: { type: 'string', default: '2' },
    },
  });
  const t0 = Date.now();
  const n = Number(args.samples);
  const seed = Number(args.seed);
  const k = Number(args.k);
  const psi = Number(args.psi);
  if (!Number.isInteger(n) || n < 100) throw new Error('--samples must be an integer >= 100');
  if (!Number.isInteger(k) || k < 1 || k > 32) throw new Error('--k must be in 1..32');

  await setupBackend('wasm');
  const dir = path.join('public/models', args.model);
  const manifest = modelManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
  const ckpt = args.checkpoint === undefined ? manifest.checkpoints.at(-1)! : manifest.checkpoints.find((c) => c.step === Number(args.checkpoint));
  if (!ckpt) throw new Error(`no checkpoint at step ${args.checkpoint}; have ${manifest.checkpoints.map((c) => c.step).join(', ')}`);
  const g = await tf.loadLayersModel(fileLoadHandler(path.join(dir, ckpt.path)));
  const zDim = manifest.zDim;
  const layer = g.getLayer(LAYER);
  const sub = tf.model({ inputs: g.inputs, outputs: layer.output as tf.SymbolicTensor });
  const d = (layer.outputShape as number[]).slice(1).reduce((p, q) => p * q, 1);

  // features of n seeded latents, in batches
  const latents = sampleLatents(seed, n, zDim);
  const zData = new Float32Array(n * zDim);
  latents.forEach((z, i) => zData.set(z, i * zDim));
  const fData = new Float32Array(n * d);
  const B = 500;
  for (let i = 0; i < n; i += B) {
    const m = Math.min(B, n - i);
    const f = tf.tidy(() => sub.predict(tf.tensor2d(zData.subarray(i * zDim, (i + m) * zDim), [m, zDim])) as tf.Tensor);
    fData.set(f.dataSync(), i * d);
    f.dispose();
  }
  const t1 = Date.now();

  const { pca, directions } = ganspaceDirections({ rows: n, cols: d, data: fData }, { rows: n, cols: zDim, data: zData }, k, { seed });
  const t2 = Date.now();
  const named = NAMES[ckpt.step];
  const names = named && named.seed === seed && named.samples === n ? named.names : {};
  const file: DirectionsFile = directionsFileSchema.parse({
    modelId: manifest.id,
    checkpoint: ckpt.step,
    layer: LAYER,
    features: d,
    samples: n,
    seed,
    method: 'GANSpace (Härkönen et al. 2020): PCA of layer features, latents regressed on PCA coordinates; unit directions, sigma = latent std along them',
    components: directions.map((c, i) => ({
      index: i,
      name: names[i] ?? `Component ${i + 1}`,
      sigma: round(c.sigma),
      explainedVariance: round(c.explainedVariance),
      latent: Array.from(c.latent, round),
    })),
  } satisfies DirectionsFile);
  const out = args.out ?? path.join(dir, 'directions.json');
  writeFileSync(out, `${JSON.stringify(file)}\n`);

  // contact sheet: rows = directions; per base latent, columns = -3..+3 sigma
  const bases = sampleLatents(SHEET_SEED, Number(args.bases), zDim);
  const sheetLatents: Latent[] = [];
  for (let c = 0; c < directions.length; c++) {
    for (const base of bases) {
      for (const o of OFFSETS) {
        const offsets = directions.map((_, j) => (j === c ? o : 0));
        sheetLatents.push(truncate(applyDirections(base, file.components, offsets), psi));
      }
    }
  }
  await contactSheet(g, sheetLatents, bases.length, file, args.sheet, psi);
  g.dispose();

  console.log(`step ${ckpt.step}: ${n} latents -> ${d} features of ${LAYER} in ${t1 - t0} ms; PCA + transfer in ${t2 - t1} ms (${pca.iterations} iterations, residual ${pca.residual.toExponential(1)})`);
  let cum = 0;
  for (const c of file.components) {
    cum += c.explainedVariance;
    console.log(`  ${c.index}: ${(c.explainedVariance * 100).toFixed(1)}% (cumulative ${(cum * 100).toFixed(1)}%), sigma ${c.sigma.toFixed(3)}  ${c.name}`);
  }
  console.log(`wrote ${out} and ${args.sheet} in ${Date.now() - t0} ms`);
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

const TILE = 64;
const LABEL_W = 215;
const HEAD = 20;
const GAP = 10;

async function contactSheet(g: tf.LayersModel, latents: Latent[], bases: number, file: DirectionsFile, out: string, psi: number): Promise<void> {
  const zDim = latents[0]!.length;
  const input = new Float32Array(latents.length * zDim);
  latents.forEach((z, i) => input.set(z, i * zDim));
  const y = tf.tidy(() => (g.predict(tf.tensor2d(input, [latents.length, zDim])) as tf.Tensor).add(1).mul(127.5).clipByValue(0, 255).round().cast('int32'));
  const px = Uint8Array.from(await y.data());
  y.dispose();
  const S = TILE;
  const per = OFFSETS.length;
  const rows = file.components.length;
  const width = LABEL_W + bases * per * S + (bases - 1) * GAP;
  const height = HEAD + rows * S;
  const composites: OverlayOptions[] = [];
  for (let i = 0; i < latents.length; i++) {
    const row = Math.floor(i / (bases * per));
    const b = Math.floor((i % (bases * per)) / per);
    const col = i % per;
    const tile = Buffer.from(px.subarray(i * S * S * 3, (i + 1) * S * S * 3));
    composites.push({ input: tile, raw: { width: S, height: S, channels: 3 }, left: LABEL_W + b * (per * S + GAP) + col * S, top: HEAD + row * S });
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const text: string[] = [];
  text.push(`<text x="4" y="14" font-size="11" font-family="sans-serif" fill="#333">step ${file.checkpoint}, ψ ${psi}</text>`);
  for (let b = 0; b < bases; b++) {
    OFFSETS.forEach((o, j) => {
      const x = LABEL_W + b * (per * S + GAP) + j * S + S / 2;
      text.push(`<text x="${x}" y="14" font-size="11" font-family="sans-serif" text-anchor="middle" fill="${o === 0 ? '#000' : '#666'}">${o > 0 ? '+' : ''}${o}σ</text>`);
    });
  }
  file.components.forEach((c, r) => {
    const y0 = HEAD + r * S;
    text.push(`<text x="4" y="${y0 + 26}" font-size="12" font-family="sans-serif" font-weight="bold" fill="#222">${c.index + 1}. ${esc(c.name)}</text>`);
    text.push(`<text x="4" y="${y0 + 44}" font-size="11" font-family="sans-serif" fill="#555">${(c.explainedVariance * 100).toFixed(1)}% of variance</text>`);
  });
  composites.push({ input: Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${text.join('')}</svg>`), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png({ compressionLevel: 9, palette: true, quality: 95 }).toFile(out); // palette: a third of the bytes, no visible change
}

await main();
