/**
 * `npm run train`: trains the emoji-face GAN on the wasm backend with the project's kernels.
 * Resumes automatically from training/checkpoints/<run-id>/latest, checkpoints every
 * --ckpt-minutes and on SIGINT/SIGTERM, exports the EMA generator at log-spaced steps to
 * public/models/<model-id>/ckpt-<step>/ and keeps its manifest.json, logs every step to
 * training/logs/<run-id>.jsonl and prints progress (step, steps/s, ETA).
 *
 *   npx tsx training/train.ts [--run-id ID] [--steps N] [--smoke] [--root DIR] ...
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, SMOKE_CONFIG, generatorChannels, discriminatorChannels, type GanConfig } from '../lib/gan/architecture';
import { setupBackend } from '../lib/gan/offline/backend';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint';
import { INDEX_FILE, type DatasetIndex } from './data-format';
import { BatchLoader, downsample, loadImageSet } from './data-loader';
import { dirBytes, exportModel, exportSteps, updateManifest } from './export';
import { loopSettings, runTrainingLoop, truncateLog } from './run-loop';
import { RUN_OPTION_SPECS, SHIPPED_RUN_ID, SHIPPED_RUN_STEPS, positiveIntOption, runOptions, runPaths, type RunOptions, type RunResult } from './run-options';
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest';
import { DEFAULT_HYPER, GanTrainer, type StepStats, type TrainHyper } from '../lib/gan/trainer';
import { ParallelGanTrainer, defaultThreads } from '../lib/gan/offline/parallel-trainer';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface TrainOptions extends RunOptions {
  config: GanConfig;
  hyper: TrainHyper;
  dataDir: string;
  /** replicas on worker threads, each a share of the batch (null: one per core, up to two) */
  threads: number | null;
}

function parseOptions(argv: string[]): TrainOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...RUN_OPTION_SPECS,
      'g-width': { type: 'string' },
      'd-width': { type: 'string' },
      'min-channels': { type: 'string' },
      upsample: { type: 'string' },
      'lr-decay-start': { type: 'string' },
      'lr-decay-end': { type: 'string' },
      'lr-decay-floor': { type: 'string' },
      'r1-gamma': { type: 'string' },
      'r1-every': { type: 'string' },
      threads: { type: 'string' },
    },
    strict: true,
  });
  const run = runOptions(values, { root: REPO, runId: SHIPPED_RUN_ID, modelId: DEFAULT_MODEL_ID, steps: SHIPPED_RUN_STEPS, smokeId: 'smoke' });
  const num = positiveIntOption; // widths, channels and batch
  const base = run.smoke ? SMOKE_CONFIG : DEFAULT_CONFIG;
  const upsample = values.upsample ?? base.upsample;
  if (upsample !== 'nearest' && upsample !== 'transposed') throw new Error(`--upsample must be nearest|transposed`);
  const config: GanConfig = {
    ...base,
    gWidth: num(values['g-width'], base.gWidth, 'g-width'),
    dWidth: num(values['d-width'], base.dWidth, 'd-width'),
    minChannels: num(values['min-channels'], base.minChannels, 'min-channels'),
    upsample,
  };
  const hyper: TrainHyper = { ...DEFAULT_HYPER, batch: num(values.batch, run.smoke ? 4 : DEFAULT_HYPER.batch, 'batch') };
  if (values['lr-decay-start'] !== undefined) {
    const start = num(values['lr-decay-start'], 0, 'lr-decay-start');
    const end = num(values['lr-decay-end'], run.steps, 'lr-decay-end');
    const floor = Number(values['lr-decay-floor'] ?? '0.1');
    if (!(floor >= 0 && floor <= 1)) throw new Error(`--lr-decay-floor must be in [0, 1], got ${values['lr-decay-floor']}`);
    if (end <= start) throw new Error(`--lr-decay-end (${end}) must come after --lr-decay-start (${start})`);
    hyper.lrDecay = { start, end, floor };
  }
  if (values['r1-gamma'] !== undefined) {
    const gamma = Number(values['r1-gamma']);
    if (!(gamma > 0) || !Number.isFinite(gamma)) throw new Error(`--r1-gamma must be a positive number, got ${values['r1-gamma']}`);
    hyper.r1 = { gamma, every: num(values['r1-every'], 16, 'r1-every') };
  }
  const threads = values.threads === undefined ? null : num(values.threads, 1, 'threads');
  return { ...run, config, hyper, dataDir: path.join(REPO, 'training', 'data'), threads };
}

export async function train(opt: TrainOptions): Promise<RunResult> {
  const backend = await setupBackend(opt.backend);
  const { ckptDir, logFile, modelDir } = runPaths(opt);
  const prev = opt.bench === null ? readCheckpointState(ckptDir) : null;
  const config = prev?.config ?? opt.config;
  // a decay or R1 given on the command line applies to a resumed run too (added late, where it helps)
  const hyper: TrainHyper = prev
    ? { ...prev.hyper, ...(opt.hyper.lrDecay ? { lrDecay: opt.hyper.lrDecay } : {}), ...(opt.hyper.r1 ? { r1: opt.hyper.r1 } : {}) }
    : opt.hyper;
  const seed = prev?.seed ?? opt.seed;
  const threads = backend === 'wasm' ? (opt.threads ?? defaultThreads(hyper.batch)) : 1;
  const trainer = threads > 1 ? ParallelGanTrainer.create(config, hyper, seed, threads) : new GanTrainer(config, hyper, seed);

  let set = await loadImageSet(opt.dataDir, 'train');
  if (set.size !== config.resolution) set = downsample(set, config.resolution);
  const index = JSON.parse(readFileSync(path.join(opt.dataDir, INDEX_FILE), 'utf8')) as DatasetIndex;

  let trainSeconds = 0;
  let loader = new BatchLoader(set, seed);
  if (prev) {
    const st = await loadCheckpoint(ckptDir, trainer);
    loader = new BatchLoader(set, seed, st.loader);
    trainSeconds = st.trainSeconds;
    truncateLog(logFile, st.step);
  }
  // the workers start from rank 0's weights, optimiser state and step (a resumed checkpoint's)
  if (trainer instanceof ParallelGanTrainer) await trainer.start();
  console.log(
    JSON.stringify({
      runId: opt.runId,
      backend,
      threads,
      resumedFrom: prev ? prev.step : null,
      steps: opt.steps,
      gChannels: generatorChannels(config),
      dChannels: discriminatorChannels(config),
      gParams: trainer.G.countParams(),
      dParams: trainer.D.countParams(),
      images: set.count,
      config,
      batch: hyper.batch,
    }),
  );

  if (opt.bench !== null) {
    const times: number[] = [];
    for (let i = 0; i < opt.bench; i++) {
      const t0 = performance.now();
      trainer.trainStep(loader.next(hyper.batch, trainer.rng));
      times.push(performance.now() - t0);
    }
    const sorted = times.slice(2).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    console.log(JSON.stringify({ bench: opt.bench, medianMsPerStep: Math.round(median), numTensors: tf.memory().numTensors }));
    trainer.dispose();
    return { step: trainer.step, resumedFrom: null, ckptDir, logFile, modelDir, msPerStep: median };
  }

  mkdirSync(path.dirname(logFile), { recursive: true });
  mkdirSync(modelDir, { recursive: true });
  const schedule = new Set(exportSteps(opt.steps));
  const manifestBase = {
    id: opt.modelId,
    runId: opt.runId,
    description: 'Unconditional DCGAN-family generator (nearest-neighbour upsampling + 3x3 conv), 64x64 RGB emoji faces',
    resolution: config.resolution,
    zDim: config.zDim,
    architecture: config,
    training: { ...hyper, steps: opt.steps, seed, loss: 'non-saturating', ema: 'min(decay, (1+t)/(10+t))', backend: 'wasm' },
    quantization: 'kernels uint8 affine (tfjs weightsManifest quantization), BatchNorm and biases float32',
    dataset: {
      name: 'emoji-faces-64',
      images: index.count,
      heldOut: index.images.filter((i) => i.split === 'heldout').length,
      sources: index.sources,
    },
  };
  const doExport = async (): Promise<void> => {
    const g = trainer.emaGenerator();
    const rel = `ckpt-${String(trainer.step).padStart(6, '0')}`;
    const dir = path.join(modelDir, rel);
    await exportModel(g, dir, true);
    g.dispose();
    updateManifest(modelDir, manifestBase, { step: trainer.step, path: rel, bytes: dirBytes(dir), createdAt: new Date().toISOString() });
    console.log(`exported ${rel}`);
  };
  const resumedFrom = prev ? prev.step : null;
  const { lastMs, startStep } = await runTrainingLoop({
    ...loopSettings(opt),
    logFile,
    exportAt: schedule,
    resumedFrom,
    step: () => trainer.step,
    trainStep: () => {
      const stats: StepStats = trainer.trainStep(loader.next(hyper.batch, trainer.rng));
      return {
        record: { lossD: +stats.lossD.toFixed(5), lossG: +stats.lossG.toFixed(5), dReal: +stats.dReal.toFixed(4), dFake: +stats.dFake.toFixed(4) },
        losses: [stats.lossD, stats.lossG],
        summary: `lossD ${stats.lossD.toFixed(3)} lossG ${stats.lossG.toFixed(3)} D(real) ${stats.dReal.toFixed(3)} D(fake) ${stats.dFake.toFixed(3)}`,
      };
    },
    doExport,
    checkpoint: () => saveCheckpoint(ckptDir, trainer, { runId: opt.runId, seed, loader: loader.state(), trainSeconds }),
    onStepTime: (ms) => (trainSeconds += ms / 1000),
  });
  const step = trainer.step;
  trainer.dispose();
  console.log(JSON.stringify({ done: step >= opt.steps, step, stepsThisSession: step - startStep, lastMs: Math.round(lastMs), ckptDir, logFile, modelDir }));
  return { step, resumedFrom, ckptDir, logFile, modelDir, msPerStep: lastMs };
}

runIfMain(import.meta.url, () => train(parseOptions(process.argv.slice(2))));

export { parseOptions };
