/**
 * `npm run eval`: quality figures for every exported checkpoint of a model, written into
 * public/models/<model>/manifest.json (each checkpoint's `metrics`, existing fields kept).
 *
 * Per checkpoint, from `--samples` (default 2,000) images generated from fixed latents (seeded;
 * the first 64 are training/sample-grid.ts's grid for the same seed), quantised to 8 bits like
 * the real images:
 *  - swd<res> / swdMean: multi-scale sliced Wasserstein distance x1e3 (ProGAN, lib/gan/offline/swd.ts)
 *    against all held-out real images (same directions for every checkpoint);
 *  - swdBase<res> / swdBaseMean: the real-vs-real baseline with the same set sizes: `--samples`
 *    training images (training set plus its mirror images, the training distribution) against
 *    the same held-out images;
 *  - swdTrain<res> / swdTrainMean: the same against as many random training images as there
 *    are held-out ones (how close the generator is to what it was trained on), with its reference
 *    swdFloor<res> / swdFloorMean: those training images against `--samples` other training
 *    images (or their mirror images): the estimator's noise floor at these set sizes, without
 *    the train/held-out shift (the held-out split is by emoji group, so the baseline above
 *    includes a real distribution shift);
 *  - nnGenTrain*: RMS pixel distance (32x32, values in [0, 1]) from each generated image to its
 *    nearest training image (mirror images included); nnHeldoutTrain*: the same from each
 *    held-out image, the reference for "new image"; nnGenBelowHeldoutMin: the fraction of
 *    generated images closer to the training set than any held-out image is (memorisation;
 *    about 1/(held-out + 1) is what novel images give);
 *  - divGen / divReal: mean pairwise distance among 500 generated / 500 training images (mode
 *    collapse shows as divGen << divReal).
 *
 * With --only-missing, checkpoints that already have these figures are skipped, and the baseline
 * and floor are reused from an earlier run with the same samples, seed and held-out set.
 *
 *   npx tsx training/eval.ts [--model emoji-faces-64] [--samples 2000] [--only-missing]
 *                            [--seed 1] [--batch 100] [--root DIR]
 * Progress goes to stderr; a JSON summary table goes to stdout.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../lib/gan/offline/backend';
import { Rng } from '../lib/gan/rng';
import { concatImages, downsampleImages, flipImages, imagesOf, selectImages, type Images } from '../lib/gan/offline/image-set';
import { meanPairwiseDistance, nearestNeighbours, summarise, type GramFn } from '../lib/gan/offline/neighbours';
import { SwdReference, type Projector, type SwdResult } from '../lib/gan/offline/swd';
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest';
import { downsample, loadImageSet, type ImageSet } from './data-loader';
import { fileLoadHandler, modelDirOf, type ManifestCheckpoint, type ModelManifest } from './export';
import { positiveIntOption } from './run-options';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface EvalOptions {
  model: string;
  samples: number;
  onlyMissing: boolean;
  seed: number;
  batch: number;
  root: string;
  dataDir: string;
  /** Side of the images the nearest-neighbour and diversity figures use. */
  nnSize: number;
  diversitySamples: number;
}

function parseOptions(argv: string[]): EvalOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      samples: { type: 'string' },
      'only-missing': { type: 'boolean' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      root: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const int = positiveIntOption;
  const root = path.resolve(values.root ?? REPO);
  return {
    model: values.model ?? DEFAULT_MODEL_ID,
    samples: int(values.samples, 2000, 'samples'),
    onlyMissing: values['only-missing'] === true,
    seed: int(values.seed, 1, 'seed'),
    batch: int(values.batch, 100, 'batch'),
    root,
    dataDir: path.resolve(values['data-dir'] ?? path.join(root, 'training', 'data')),
    nnSize: 32,
    diversitySamples: 500,
  };
}

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

// ---------------------------------------------------------------------------------------------
// manifest: read tolerantly, update one checkpoint's metrics atomically

/** Reads the manifest; retries briefly if the trainer is rewriting it (its write is not atomic). */
export function readManifest(file: string): ModelManifest {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
    } catch (e) {
      if (attempt >= 20 || !existsSync(file)) throw e;
      // a partial file: give the writer 50 ms to finish
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/**
 * Merges `metrics` into the checkpoint entry for `step`, re-reading the manifest just before
 * writing (training may have added checkpoints meanwhile) and replacing it atomically. Keeps
 * every other field; the format is training/export.ts's (same types, same JSON layout).
 */
export function writeCheckpointMetrics(modelDir: string, step: number, metrics: Record<string, number>): boolean {
  const file = path.join(modelDir, 'manifest.json');
  const m = readManifest(file);
  const entry = m.checkpoints.find((c) => c.step === step);
  if (!entry) return false;
  entry.metrics = { ...(entry.metrics ?? {}), ...metrics };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(m, null, 1)}\n`);
  renameSync(tmp, file);
  return true;
}

// ---------------------------------------------------------------------------------------------
// images

function toImages(set: ImageSet): Images {
  return imagesOf(Float32Array.from(set.pixels), set.count, set.size);
}

/** `n` images from the generator at `dir`, latents from Rng(seed) (N(0, 1)), as 8-bit levels in [0, 255]. */
async function generate(dir: string, n: number, seed: number, batch: number): Promise<Images> {
  const g = await tf.loadLayersModel(fileLoadHandler(dir));
  try {
    const zDim = g.inputs[0]?.shape[1];
    const S = g.outputs[0]?.shape[1];
    if (typeof zDim !== 'number' || typeof S !== 'number') throw new Error(`eval: unexpected generator shapes in ${dir}`);
    const rng = new Rng(seed);
    const per = S * S * 3;
    const out = new Float32Array(n * per);
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const z = tf.tensor2d(rng.normals(b * zDim), [b, zDim]);
      const y = g.predict(z) as tf.Tensor;
      const v = await y.data();
      tf.dispose([z, y]);
      for (let k = 0; k < b * per; k++) out[i * per + k] = Math.max(0, Math.min(255, Math.round(((v[k] as number) + 1) * 127.5)));
    }
    return imagesOf(out, n, S);
  } finally {
    g.dispose();
  }
}

/** Projections as one XNNPACK GEMM on the wasm backend (about 10x the plain JS loop). */
export const tfProjector: Projector = (desc) => {
  const xT = tf.tidy(() => tf.transpose(tf.tensor2d(desc.data, [desc.count, desc.dim])));
  return {
    project(dirs, nDirs) {
      const y = tf.tidy(() => tf.matMul(tf.tensor2d(dirs, [nDirs, desc.dim]), xT));
      const out = y.dataSync();
      y.dispose();
      if (!(out instanceof Float32Array)) throw new Error('eval: expected float32 projections');
      return out;
    },
    dispose() {
      xT.dispose();
    },
  };
};

/** Query x reference dot products as one GEMM on the wasm backend. */
export const tfGram: GramFn = (q, nq, r, nr, dim) => {
  const y = tf.tidy(() => tf.matMul(tf.tensor2d(q, [nq, dim]), tf.tensor2d(r, [nr, dim]), false, true));
  const out = y.dataSync();
  y.dispose();
  if (!(out instanceof Float32Array)) throw new Error('eval: expected float32 dot products');
  return out;
};

// ---------------------------------------------------------------------------------------------

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function swdMetrics(prefix: string, r: SwdResult): Record<string, number> {
  const m: Record<string, number> = {};
  r.resolutions.forEach((res, i) => {
    m[`${prefix}${res}`] = r4(r.perLevel[i] as number);
  });
  m[`${prefix}Mean`] = r4(r.mean);
  return m;
}

function nnMetrics(prefix: string, d: Float32Array): Record<string, number> {
  const s = summarise(d, [0.05, 0.5]);
  return { [`${prefix}Mean`]: r4(s.mean), [`${prefix}Min`]: r4(s.min), [`${prefix}P05`]: r4(s.q[0] as number), [`${prefix}Median`]: r4(s.q[1] as number) };
}

const fmt = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export interface EvalSummaryRow {
  step: number;
  path: string;
  metrics: Record<string, number> | null;
}

export async function evaluate(opt: EvalOptions): Promise<{ manifest: ModelManifest; rows: EvalSummaryRow[] }> {
  const t0 = performance.now();
  const modelDir = modelDirOf(opt.root, opt.model);
  const manifestFile = path.join(modelDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`eval: no manifest at ${manifestFile}`);
  const manifest = readManifest(manifestFile);
  const todo: ManifestCheckpoint[] = manifest.checkpoints.filter(
    (c) => !opt.onlyMissing || !(c.metrics && ['swdMean', 'swdTrainMean', 'nnGenTrainMean'].every((k) => typeof c.metrics?.[k] === 'number')),
  );
  log(`eval ${opt.model}: ${manifest.checkpoints.length} checkpoints, ${todo.length} to evaluate, ${opt.samples} samples each, seed ${opt.seed}`);

  if (todo.length > 0) {
    const backend = await setupBackend('wasm');
    const res = manifest.resolution;
    const load = async (split: 'train' | 'heldout'): Promise<Images> => {
      let s = await loadImageSet(opt.dataDir, split);
      if (s.size !== res) s = downsample(s, res);
      return toImages(s);
    };
    const heldout = await load('heldout');
    const train = await load('train');
    const trainAll = concatImages([train, flipImages(train)]);
    log(`data: ${train.count} training images (+ mirror images: ${trainAll.count}), ${heldout.count} held out, ${res}x${res}; backend ${backend}`);

    // SWD reference: all held-out images; directions and neighbourhoods fixed by the seed
    let t = performance.now();
    const ref = new SwdReference(heldout, { seed: opt.seed, projector: tfProjector });
    // the floor's reference: as many random training images as there are held-out ones
    const floorPerm = new Rng((opt.seed ^ 0x3c6ef372) >>> 0).permutation(train.count);
    const floorRefIdx = floorPerm.subarray(0, heldout.count);
    const trainRef = new SwdReference(selectImages(train, floorRefIdx), { seed: opt.seed, projector: tfProjector });
    // with --only-missing, reuse the baseline and floor of an earlier run with the same settings
    const prior = opt.onlyMissing
      ? manifest.checkpoints
          .map((c) => c.metrics)
          .find(
            (m) =>
              m &&
              m.evalSamples === opt.samples &&
              m.evalSeed === opt.seed &&
              m.evalHeldOut === heldout.count &&
              typeof m.swdBaseMean === 'number' &&
              typeof m.swdFloorMean === 'number',
          )
      : undefined;
    const withPrefix = (m: Record<string, number>, prefix: string): Record<string, number> =>
      Object.fromEntries(Object.entries(m).filter(([k]) => new RegExp(`^${prefix}(\\d+|Mean)$`).test(k)));
    let baseMetrics: Record<string, number>;
    let floorMetrics: Record<string, number>;
    if (prior) {
      baseMetrics = withPrefix(prior, 'swdBase');
      floorMetrics = withPrefix(prior, 'swdFloor');
      log(`real-vs-real baseline ${fmt(baseMetrics.swdBaseMean)} and sampling floor ${fmt(floorMetrics.swdFloorMean)}: reused from the manifest (same samples, seed, held-out set)`);
    } else {
      const baseRng = new Rng((opt.seed ^ 0x6a09e667) >>> 0);
      const baseIdx =
        opt.samples <= trainAll.count
          ? baseRng.permutation(trainAll.count).subarray(0, opt.samples)
          : Uint32Array.from({ length: opt.samples }, () => baseRng.int(trainAll.count));
      if (opt.samples > trainAll.count) log(`note: ${opt.samples} > ${trainAll.count} training images: the baseline draws with replacement`);
      const base = ref.distance(selectImages(trainAll, baseIdx));
      baseMetrics = swdMetrics('swdBase', base);
      log(`real-vs-real baseline (${opt.samples} training vs ${heldout.count} held-out): SWD x1e3 ${base.perLevel.map((v) => fmt(v)).join(' / ')}  mean ${fmt(base.mean)}  (${fmt((performance.now() - t) / 1000)} s)`);
      // sampling-noise floor of these set sizes without the train/held-out shift: the floor's
      // reference vs `samples` other training images (or their mirror images)
      t = performance.now();
      const rest = Array.from(floorPerm.subarray(heldout.count));
      const pool = [...rest, ...rest.map((i) => i + train.count)];
      const pick = new Rng((opt.seed ^ 0xa54ff53a) >>> 0).permutation(pool.length);
      const floorIdx = Array.from({ length: opt.samples }, (_, k) => pool[pick[k % pool.length] as number] as number);
      const floor = trainRef.distance(selectImages(trainAll, floorIdx));
      floorMetrics = swdMetrics('swdFloor', floor);
      log(`sampling floor (${heldout.count} vs ${opt.samples} other training images): SWD x1e3 ${floor.perLevel.map((v) => fmt(v)).join(' / ')}  mean ${fmt(floor.mean)}  (${fmt((performance.now() - t) / 1000)} s)`);
    }

    // nearest-neighbour reference: held-out -> training set, at nnSize, values in [0, 1]
    const small = (x: Images): Images => {
      const d = downsampleImages(x, x.height / opt.nnSize);
      for (let i = 0; i < d.data.length; i++) d.data[i] = (d.data[i] as number) / 255;
      return d;
    };
    const trainSmall = small(trainAll);
    const heldNN = nearestNeighbours(small(heldout), trainSmall, { gram: tfGram, block: 500 });
    const heldMin = summarise(heldNN.distance).min;
    const divRng = new Rng((opt.seed ^ 0xbb67ae85) >>> 0);
    const divReal = meanPairwiseDistance(selectImages(small(train), divRng.permutation(train.count).subarray(0, Math.min(opt.diversitySamples, train.count))));
    const refMetrics: Record<string, number> = { ...nnMetrics('nnHeldoutTrain', heldNN.distance), divReal: r4(divReal) };
    log(`held-out -> training nearest neighbour (RMS, ${opt.nnSize}px, [0,1]): mean ${fmt(refMetrics.nnHeldoutTrainMean, 3)} min ${fmt(heldMin, 3)}; diversity of training images ${fmt(divReal, 3)}`);

    for (const [k, c] of todo.entries()) {
      const tc = performance.now();
      const dir = path.join(modelDir, c.path);
      t = performance.now();
      const gen = await generate(dir, opt.samples, opt.seed, opt.batch);
      const tGen = (performance.now() - t) / 1000;
      t = performance.now();
      const [r, rTrain] = SwdReference.compare([ref, trainRef], gen, {
        onProgress: (p) => log(`  step ${c.step}: SWD level ${p.level + 1}/${p.levels} (${p.resolution} px)`),
      }) as [SwdResult, SwdResult];
      const tSwd = (performance.now() - t) / 1000;
      t = performance.now();
      const genSmall = small(gen);
      const nn = nearestNeighbours(genSmall, trainSmall, { gram: tfGram, block: 500 });
      let below = 0;
      for (const d of nn.distance) if (d < heldMin) below++;
      const divGen = meanPairwiseDistance(selectImages(genSmall, Array.from({ length: Math.min(opt.diversitySamples, gen.count) }, (_, i) => i)));
      const tNN = (performance.now() - t) / 1000;
      const metrics: Record<string, number> = {
        ...swdMetrics('swd', r),
        ...baseMetrics,
        ...swdMetrics('swdTrain', rTrain),
        ...floorMetrics,
        ...nnMetrics('nnGenTrain', nn.distance),
        nnGenBelowHeldoutMin: r4(below / gen.count),
        ...refMetrics,
        divGen: r4(divGen),
        evalSamples: gen.count,
        evalHeldOut: heldout.count,
        evalSeed: opt.seed,
      };
      for (const [key, v] of Object.entries(metrics)) if (!Number.isFinite(v)) delete metrics[key]; // JSON has no NaN
      if (!writeCheckpointMetrics(modelDir, c.step, metrics)) log(`  step ${c.step}: no longer in the manifest, not written`);
      c.metrics = { ...(c.metrics ?? {}), ...metrics };
      log(
        `[${k + 1}/${todo.length}] step ${c.step}: SWD x1e3 ${r.perLevel.map((v) => fmt(v)).join(' / ')} mean ${fmt(r.mean)} ` +
          `(baseline ${fmt(baseMetrics.swdBaseMean)}); vs training images ${fmt(rTrain.mean)} (floor ${fmt(floorMetrics.swdFloorMean)}); NN gen->train mean ${fmt(metrics.nnGenTrainMean, 3)} min ${fmt(metrics.nnGenTrainMin, 3)}; ` +
          `diversity ${fmt(divGen, 3)}; generate ${fmt(tGen)} s, SWD ${fmt(tSwd)} s, NN ${fmt(tNN)} s, total ${fmt((performance.now() - tc) / 1000)} s`,
      );
    }
  }

  const final = readManifest(manifestFile);
  // the entries evaluated in this run (also when the trainer rewrote the file meanwhile)
  const done = new Map(todo.map((c) => [c.step, c.metrics]));
  const rows: EvalSummaryRow[] = final.checkpoints.map((c) => ({ step: c.step, path: c.path, metrics: c.metrics ?? done.get(c.step) ?? null }));
  log(`done in ${fmt((performance.now() - t0) / 1000)} s`);
  return { manifest: final, rows };
}

/** The JSON summary: one row per checkpoint plus the targets checked on the last evaluated one. */
export function summaryTable(model: string, rows: EvalSummaryRow[]): object {
  const withSwd = rows.filter((r) => typeof r.metrics?.swdMean === 'number');
  const first = withSwd.find((r) => r.step === 0)?.metrics?.swdMean;
  const last = withSwd.at(-1);
  const lm = last?.metrics ?? {};
  const table = rows.map((r) => {
    const m = r.metrics ?? {};
    return {
      step: r.step,
      swd64: m.swd64,
      swd32: m.swd32,
      swd16: m.swd16,
      swdMean: m.swdMean,
      swdBaseMean: m.swdBaseMean,
      swdTrainMean: m.swdTrainMean,
      swdFloorMean: m.swdFloorMean,
      vsStep0: first !== undefined && m.swdMean !== undefined ? r4(m.swdMean / first) : undefined,
      vsBaseline: m.swdMean !== undefined && m.swdBaseMean ? r4(m.swdMean / m.swdBaseMean) : undefined,
      nnGenTrainMean: m.nnGenTrainMean,
      nnGenTrainMin: m.nnGenTrainMin,
      nnHeldoutTrainMean: m.nnHeldoutTrainMean,
      nnHeldoutTrainMin: m.nnHeldoutTrainMin,
      nnGenBelowHeldoutMin: m.nnGenBelowHeldoutMin,
      divGen: m.divGen,
      divReal: m.divReal,
    };
  });
  const swdLast = lm.swdMean;
  const firstTrain = withSwd.find((r) => r.step === 0)?.metrics?.swdTrainMean;
  const check = (value: number | undefined, step0: number | undefined, reference: number | undefined): object | null =>
    value === undefined
      ? null
      : {
          swdMean: value,
          step0: step0 ?? null,
          reference: reference ?? null,
          quarterOfStep0: step0 !== undefined ? value <= step0 / 4 : null,
          within3xReference: reference !== undefined ? value <= 3 * reference : null,
        };
  return {
    model,
    checkpoints: table,
    latest:
      last && swdLast !== undefined
        ? {
            step: last.step,
            // the targets: against the held-out images, reference = train-vs-held-out baseline
            vsHeldOut: check(swdLast, first, lm.swdBaseMean),
            // the same against training images, reference = the sampling floor
            vsTraining: check(lm.swdTrainMean, firstTrain, lm.swdFloorMean),
          }
        : null,
  };
}

function printTable(rows: EvalSummaryRow[]): void {
  const head = ['step', 'swd64', 'swd32', 'swd16', 'swdMean', 'base', 'swdTrain', 'floor', 'nnGen', 'nnGenMin', 'nnHeld', 'nnHeldMin', 'div'];
  const lines = [head.join('\t')];
  for (const r of rows) {
    const m = r.metrics ?? {};
    lines.push(
      [
        String(r.step),
        fmt(m.swd64),
        fmt(m.swd32),
        fmt(m.swd16),
        fmt(m.swdMean),
        fmt(m.swdBaseMean),
        fmt(m.swdTrainMean),
        fmt(m.swdFloorMean),
        fmt(m.nnGenTrainMean, 3),
        fmt(m.nnGenTrainMin, 3),
        fmt(m.nnHeldoutTrainMean, 3),
        fmt(m.nnHeldoutTrainMin, 3),
        m.divGen === undefined ? '-' : `${fmt(m.divGen, 3)}/${fmt(m.divReal, 3)}`,
      ].join('\t'),
    );
  }
  log(lines.join('\n'));
}

runIfMain(import.meta.url, async () => {
  const opt = parseOptions(process.argv.slice(2));
  const { rows } = await evaluate(opt);
  printTable(rows);
  process.stdout.write(`${JSON.stringify(summaryTable(opt.model, rows), null, 1)}\n`);
});

export { parseOptions };
