/**
 * `npm run train:upscaler`: trains the 4x emoji upscaler (lib/gan/upscaler.ts,
 * lib/gan/offline/upscaler-trainer.ts) on the training split of `npm run dataset:upscale`'s pairs, on
 * the wasm backend with the project's kernels. The trainers' harness (training/run-loop.ts):
 * resumes from training/checkpoints/<run-id>/latest, checkpoints every --ckpt-minutes and on
 * SIGINT/SIGTERM, logs every step to training/logs/<run-id>.jsonl, exports the model (uint8
 * kernels) to public/models/<model-id>/ at the end. `--smoke`: a tiny model on synthetic pairs.
 *
 *   node --import tsx training/train-upscaler.ts [--steps N] [--run-id ID] [--smoke] [--root DIR]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../lib/gan/offline/backend';
import { DEFAULT_UPSCALER, SMOKE_UPSCALER, upscalerConfigSchema, type UpscalerConfig } from '../lib/gan/upscaler';
import { DEFAULT_UPSCALER_HYPER, UpscalerTrainer, type PixelPair, type UpscalerHyper } from '../lib/gan/offline/upscaler-trainer';
import { Rng, type RngState } from '../lib/gan/rng';
import { packArrays, unpackArrays, type TensorEntry } from './checkpoint';
import { exportModel } from './export';
import { loopSettings, runTrainingLoop, truncateLog } from './run-loop';
import { RUN_OPTION_SPECS, runOptions, runPaths, type RunOptions, type RunResult } from './run-options';
import { loadUpscaleSet } from './upscale-data';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const UPSCALER_MODEL_ID = 'emoji-upscaler-4x';

export interface TrainUpscalerOptions extends RunOptions {
  config: UpscalerConfig;
  hyper: UpscalerHyper;
  dataDir: string;
}

export function parseUpscalerOptions(argv: string[]): TrainUpscalerOptions {
  const { values } = parseArgs({ args: argv, options: { ...RUN_OPTION_SPECS, data: { type: 'string' } }, strict: true });
  const run = runOptions(values, { root: REPO, runId: 'upscaler-r1', modelId: UPSCALER_MODEL_ID, steps: DEFAULT_UPSCALER_HYPER.steps, smokeId: 'upscaler-smoke' });
  const batch = values.batch === undefined ? (run.smoke ? 2 : DEFAULT_UPSCALER_HYPER.batch) : Number(values.batch);
  return {
    ...run,
    config: run.smoke ? SMOKE_UPSCALER : DEFAULT_UPSCALER,
    hyper: { ...DEFAULT_UPSCALER_HYPER, steps: run.steps, batch, ...(run.smoke ? { crop: 8 } : {}) },
    dataDir: values.data ?? path.join(REPO, 'training', 'data'),
  };
}

/**
 * Synthetic pairs for smoke runs and tests: flat-coloured discs and squares drawn at 256 px and
 * box-averaged to 64 px, the way emoji art looks at both sizes.
 */
export function syntheticUpscalePairs(n: number, seed: number, side = 64): PixelPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const s4 = side * 4;
    const high = new Uint8Array(s4 * s4 * 3).fill(255);
    for (let k = 0; k < 3; k++) {
      const [cx, cy, r] = [rng.uniform() * s4, rng.uniform() * s4, (0.1 + 0.3 * rng.uniform()) * s4];
      const colour = [rng.int(256), rng.int(256), rng.int(256)];
      const disc = rng.uniform() < 0.5;
      for (let y = 0; y < s4; y++)
        for (let x = 0; x < s4; x++) {
          const inside = disc ? (x - cx) ** 2 + (y - cy) ** 2 < r * r : Math.abs(x - cx) < r && Math.abs(y - cy) < r;
          if (inside) for (let c = 0; c < 3; c++) high[(y * s4 + x) * 3 + c] = colour[c] as number;
        }
    }
    const low = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) sum += high[((4 * y + j) * s4 + 4 * x + i) * 3 + c] as number;
          low[(y * side + x) * 3 + c] = Math.round(sum / 16);
        }
    return { low, high };
  });
}

interface UpscalerCheckpoint {
  version: 1;
  kind: 'upscaler';
  runId: string;
  step: number;
  seed: number;
  rng: RngState;
  config: UpscalerConfig;
  hyper: UpscalerHyper;
  trainSeconds: number;
  savedAt: string;
  model: TensorEntry[];
  opt: TensorEntry[];
}

/** Model weights, Adam's state, step and RNG, written to a temp folder renamed over the old one. */
export async function saveUpscalerCheckpoint(dir: string, t: UpscalerTrainer, meta: { runId: string; seed: number; trainSeconds: number }): Promise<void> {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const model = packArrays(t.model.weights.map((w) => ({ name: w.originalName, shape: w.read().shape, data: w.read().dataSync() as Float32Array })));
  const optWeights = await t.opt.getWeights();
  const opt = packArrays(optWeights.map((w) => ({ name: w.name, shape: w.tensor.shape, data: w.tensor.dataSync() as Float32Array })));
  // getWeights() wraps the live iteration count in a new tensor
  tf.dispose(optWeights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  writeFileSync(path.join(tmp, 'model.bin'), model.data);
  writeFileSync(path.join(tmp, 'opt.bin'), opt.data);
  const state: UpscalerCheckpoint = {
    version: 1,
    kind: 'upscaler',
    runId: meta.runId,
    step: t.step,
    seed: meta.seed,
    rng: t.rng.state(),
    config: t.config,
    hyper: t.hyper,
    trainSeconds: meta.trainSeconds,
    savedAt: new Date().toISOString(),
    model: model.entries,
    opt: opt.entries,
  };
  writeFileSync(path.join(tmp, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export function readUpscalerCheckpoint(dir: string): UpscalerCheckpoint | null {
  const f = path.join(dir, 'state.json');
  if (!existsSync(f)) return null;
  const state = JSON.parse(readFileSync(f, 'utf8')) as UpscalerCheckpoint;
  if (state.kind !== 'upscaler') throw new Error(`${dir} is not an upscaler checkpoint`);
  upscalerConfigSchema.parse(state.config);
  return state;
}

/** Restores a trainer built with the checkpoint's config and hyper-parameters. */
export async function loadUpscalerCheckpoint(dir: string, t: UpscalerTrainer): Promise<UpscalerCheckpoint> {
  const state = readUpscalerCheckpoint(dir);
  if (!state) throw new Error(`no checkpoint in ${dir}`);
  const weights = unpackArrays(state.model, path.join(dir, 'model.bin')).map((a) => tf.tensor(a.data, a.shape));
  if (weights.length !== t.model.weights.length) throw new Error(`checkpoint has ${weights.length} weights, model ${t.model.weights.length}`);
  t.model.setWeights(weights);
  tf.dispose(weights);
  const opt = unpackArrays(state.opt, path.join(dir, 'opt.bin')).map((a) => ({ name: a.name, tensor: tf.tensor(a.data, a.shape) }));
  if (opt.length > 1) await t.opt.setWeights(opt);
  tf.dispose(opt.map((o) => o.tensor));
  t.step = state.step;
  t.rng = new Rng(state.rng);
  return state;
}

export async function trainUpscaler(opt: TrainUpscalerOptions): Promise<RunResult> {
  await setupBackend(opt.backend);
  const { ckptDir, logFile, modelDir } = runPaths(opt);
  const pairs: PixelPair[] = opt.smoke ? syntheticUpscalePairs(8, opt.seed) : (({ low, high }) => low.map((l, i) => ({ low: l, high: high[i] as Uint8Array })))(await loadUpscaleSet(opt.dataDir, 'train'));
  const previous = readUpscalerCheckpoint(ckptDir);
  const trainer = new UpscalerTrainer(previous?.config ?? opt.config, previous ? { ...previous.hyper, steps: opt.steps } : opt.hyper, previous?.seed ?? opt.seed);
  let trainSeconds = 0;
  if (previous) {
    trainSeconds = (await loadUpscalerCheckpoint(ckptDir, trainer)).trainSeconds;
    truncateLog(logFile, previous.step);
    console.log(`resumed ${opt.runId} at step ${previous.step}`);
  }
  mkdirSync(path.dirname(logFile), { recursive: true });
  console.log(`upscaler ${JSON.stringify(trainer.config)}: ${trainer.model.countParams()} parameters, ${pairs.length} training pairs, batch ${trainer.hyper.batch} of ${trainer.hyper.crop} px crops`);
  let lastLoss = NaN;
  try {
    const { lastMs } = await runTrainingLoop({
      ...loopSettings(opt),
      logFile,
      exportAt: new Set([opt.steps]),
      resumedFrom: previous?.step ?? null,
      step: () => trainer.step,
      trainStep: () => {
        lastLoss = trainer.trainStep(pairs, 64);
        return { record: { l1: +lastLoss.toFixed(5), lr: +trainer.opt.rate.toExponential(3) }, losses: [lastLoss], summary: `L1 ${lastLoss.toFixed(4)}` };
      },
      doExport: async () => {
        const bytes = await exportModel(trainer.model, modelDir);
        writeFileSync(path.join(modelDir, 'upscaler.json'), `${JSON.stringify({ id: opt.modelId, step: trainer.step, config: trainer.config, scale: trainer.config.scale, bytes }, null, 1)}\n`);
      },
      checkpoint: () => saveUpscalerCheckpoint(ckptDir, trainer, { runId: opt.runId, seed: previous?.seed ?? opt.seed, trainSeconds }),
      onStepTime: (ms) => (trainSeconds += ms / 1000),
    });
    return { step: trainer.step, resumedFrom: previous?.step ?? null, ckptDir, logFile, modelDir, msPerStep: lastMs };
  } finally {
    trainer.dispose();
  }
}

runIfMain(import.meta.url, () => trainUpscaler(parseUpscalerOptions(process.argv.slice(2))));
