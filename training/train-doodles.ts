/**
 * `npm run train:doodles`: trains the doodle -> colour pix2pix model (lib/gan/pix2pix.ts,
 * lib/gan/offline/pix2pix-trainer.ts) on the OpenMoji line/colour pairs (training/doodle-loader.ts, train
 * split) on the wasm backend with the project's kernels. The same harness as training/train.ts:
 * resumes automatically from training/checkpoints/<run-id>/latest, checkpoints every
 * --ckpt-minutes and on SIGINT/SIGTERM, exports the EMA generator (uint8 kernels) at log-spaced
 * steps to public/models/<model-id>/ckpt-<step>/ and keeps its manifest.json (pix2pixManifestSchema),
 * logs every step to training/logs/<run-id>.jsonl and prints progress (step, steps/s, ETA, losses).
 *
 *   node --import tsx training/train-doodles.ts [--run-id ID] [--steps N] [--smoke] [--root DIR] [--bench N] ...
 *
 * Run it with `node --import tsx`, not the `tsx` CLI: the CLI relays SIGINT/SIGTERM to its child
 * and SIGKILLs it when the child does not acknowledge within ~60 ms, which a busy training step
 * cannot do, so the graceful stop (finish the step, checkpoint) would not happen.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../lib/gan/offline/backend';
import { DOODLE_MODEL_ID, type Pix2PixManifest } from '../lib/gan/manifest';
import {
  PIX2PIX_CONFIG,
  PIX2PIX_SMOKE_CONFIG,
  patchGrid,
  patchReceptiveField,
  pix2pixConfigSchema,
  pix2pixDiscriminatorChannels,
  pix2pixEncoderChannels,
  type Pix2PixConfig,
} from '../lib/gan/pix2pix';
import { doodleModelInput } from '../lib/gan/doodle-input';
import { TRAINING_HINTS, rotateHues, simulateTrainingHints } from '../lib/gan/offline/hint-simulation';
import { Rng } from '../lib/gan/rng';
import { SyntheticPairLoader, syntheticPairs } from '../lib/gan/offline/pix2pix-synthetic';
import { DEFAULT_PIX2PIX_HYPER, Pix2PixTrainer, pix2pixHyperSchema, type PairBatch, type Pix2PixHyper } from '../lib/gan/offline/pix2pix-trainer';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint';
import { DOODLE_TILE, doodleExtraFiles, doodleFiles, type DatasetSource, type DoodleIndex } from './data-format';
import { DoodleBatchLoader, concatDoodleSets, doodleBatch, downsampleDoodles, loadDoodleSet } from './doodle-loader';
import { dirBytes, exportModel, exportSteps, updateManifestOf } from './export';
import { loopSettings, runTrainingLoop, truncateLog } from './run-loop';
import { RUN_OPTION_SPECS, numberOption, runOptions, runPaths, type RunOptions, type RunResult } from './run-options';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KIND = 'pix2pix';
/** Pairs of the fixed held-out batch whose L1 (EMA generator) is recorded at each export. */
const HELDOUT_PAIRS = 16;

/** OpenMoji credit (also in the data set's index; used when the index lacks it, e.g. synthetic smoke runs). */
export const OPENMOJI_SOURCE: DatasetSource = {
  package: 'openmoji',
  version: '17.0.0',
  licence: 'CC-BY-SA-4.0',
  credit: 'OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org)',
  url: 'https://openmoji.org',
};

export interface TrainDoodlesOptions extends RunOptions {
  config: Pix2PixConfig;
  hyper: Pix2PixHyper;
  /**
   * Hyperparameters given on the command line that may change when a run resumes (a schedule for
   * the rest of it, or a fine-tune): --lr-decay, --lambda-adv, --extra-pairs, --jitter-*,
   * --hint-hue-jitter, --hint-none, --hint-l1-weight.
   * Everything else resumes as the checkpoint has it.
   */
  resumeOverrides: Partial<Pix2PixHyper>;
  dataDir: string;
  /** 'doodles': training/data doodle pairs; 'synthetic': lib/gan/offline/pix2pix-synthetic.ts (tests, no data). */
  data: 'doodles' | 'synthetic';
}

function parseOptions(argv: string[]): TrainDoodlesOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...RUN_OPTION_SPECS,
      'g-width': { type: 'string' },
      'd-width': { type: 'string' },
      depth: { type: 'string' },
      dropout: { type: 'string' },
      upsample: { type: 'string' },
      'lambda-l1': { type: 'string' },
      'lambda-adv': { type: 'string' },
      'jitter-shift': { type: 'string' },
      'lr-decay': { type: 'string' },
      'jitter-min-scale': { type: 'string' },
      'extra-pairs': { type: 'boolean' },
      'region-channel': { type: 'boolean' },
      'hint-channels': { type: 'boolean' },
      'hint-hue-jitter': { type: 'string' },
      'hint-none': { type: 'string' },
      'hint-l1-weight': { type: 'string' },
      'ema-decay': { type: 'string' },
      data: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  // the shipped run ends at 20,800 (its learning rates decay to 0 there): going on takes --steps
  // beyond it together with a new --lr-decay window (or --lr-decay none)
  const run = runOptions(values, { root: REPO, runId: 'doodles-64-r3', modelId: DOODLE_MODEL_ID, steps: 20800, smokeId: 'doodles-smoke' });
  const { smoke } = run;
  const num = numberOption;
  const base = smoke ? PIX2PIX_SMOKE_CONFIG : PIX2PIX_CONFIG;
  const config = pix2pixConfigSchema.parse({
    ...base,
    gWidth: num(values['g-width'], base.gWidth, 'g-width'),
    dWidth: num(values['d-width'], base.dWidth, 'd-width'),
    depth: num(values.depth, base.depth, 'depth'),
    dropout: num(values.dropout, base.dropout, 'dropout'),
    upsample: values.upsample ?? base.upsample,
    // a new run that reads the region mask too (to widen a trained one: training/widen-doodle-input.ts)
    regionChannel: values['region-channel'] === true,
    // a new run that reads colour hints (to widen a trained one: training/widen-doodle-input.ts)
    hintChannels: values['hint-channels'] === true,
  });
  const hyper = pix2pixHyperSchema.parse({
    ...DEFAULT_PIX2PIX_HYPER,
    batch: num(values.batch, smoke ? 4 : DEFAULT_PIX2PIX_HYPER.batch, 'batch'),
    lambdaL1: num(values['lambda-l1'], DEFAULT_PIX2PIX_HYPER.lambdaL1, 'lambda-l1'),
    lambdaAdv: num(values['lambda-adv'], DEFAULT_PIX2PIX_HYPER.lambdaAdv, 'lambda-adv'),
    emaDecay: num(values['ema-decay'], DEFAULT_PIX2PIX_HYPER.emaDecay, 'ema-decay'),
    jitter: { shift: num(values['jitter-shift'], DEFAULT_PIX2PIX_HYPER.jitter.shift, 'jitter-shift'), minScale: num(values['jitter-min-scale'], DEFAULT_PIX2PIX_HYPER.jitter.minScale, 'jitter-min-scale') },
    lrDecay: parseLrDecay(values['lr-decay']),
    extraPairs: values['extra-pairs'] === true,
    hintHueJitter: num(values['hint-hue-jitter'], DEFAULT_PIX2PIX_HYPER.hintHueJitter, 'hint-hue-jitter'),
    hintNone: num(values['hint-none'], DEFAULT_PIX2PIX_HYPER.hintNone, 'hint-none'),
    hintL1Weight: num(values['hint-l1-weight'], DEFAULT_PIX2PIX_HYPER.hintL1Weight, 'hint-l1-weight'),
  });
  const resumeOverrides: Partial<Pix2PixHyper> = {
    ...(values['lr-decay'] === undefined ? {} : { lrDecay: hyper.lrDecay }),
    ...(values['lambda-adv'] === undefined ? {} : { lambdaAdv: hyper.lambdaAdv }),
    // a fine-tune may add the extra pairs; the loader then starts a new epoch over the larger set
    ...(values['extra-pairs'] === undefined ? {} : { extraPairs: true }),
    // a fine-tune that teaches hints may turn the hue jitter on (or off)
    ...(values['hint-hue-jitter'] === undefined ? {} : { hintHueJitter: hyper.hintHueJitter }),
    // or show more hint-less drawings, or weigh the hinted pixels more
    ...(values['hint-none'] === undefined ? {} : { hintNone: hyper.hintNone }),
    ...(values['hint-l1-weight'] === undefined ? {} : { hintL1Weight: hyper.hintL1Weight }),
    // or jitter: each pair's scale and shift hash from (seed, epoch, position), so it can start mid-run
    ...(values['jitter-shift'] === undefined && values['jitter-min-scale'] === undefined ? {} : { jitter: hyper.jitter }),
  };
  const dataDir = values['data-dir'] ?? path.join(REPO, 'training', 'data');
  const haveData = existsSync(path.join(dataDir, doodleFiles(config.resolution).index));
  const data = values.data ?? (smoke && !haveData ? 'synthetic' : 'doodles');
  if (data !== 'doodles' && data !== 'synthetic') throw new Error('--data must be doodles|synthetic');
  return {
    ...run,
    config,
    hyper,
    resumeOverrides,
    dataDir,
    data,
  };
}

/** --lr-decay FROM:TO (steps), or 'none'. */
function parseLrDecay(v: string | undefined): Pix2PixHyper['lrDecay'] {
  if (v === undefined || v === 'none') return null;
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m) throw new Error(`--lr-decay takes FROM:TO steps (e.g. 9600:12800) or none, not ${v}`);
  return { from: Number(m[1]), to: Number(m[2]) };
}

interface PairSource {
  next(batch: number): PairBatch;
  state(): { epoch: number; position: number };
  count: number;
}

interface Data {
  loader: (state?: { epoch: number; position: number }) => PairSource;
  heldout: PairBatch & { n: number };
  dataset: Pix2PixManifest['dataset'];
}

async function openData(opt: TrainDoodlesOptions, cfg: Pix2PixConfig, hyper: Pix2PixHyper, seed: number): Promise<Data> {
  const R = cfg.resolution;
  if (cfg.inChannels !== 1) throw new Error('train-doodles: the doodle data set has 1-channel line art (inChannels 1)');
  // the generator's input: the line image, with the region mask and the colour hints when the
  // config asks for them; training hints are simulated from the truth with a generator seeded by
  // the loader's position, so a resumed run draws the same ones
  const input = (line: Float32Array, n: number, colour?: Float32Array, at?: { epoch: number; position: number }): Float32Array => {
    if (!cfg.hintChannels || !colour || !at) return doodleModelInput(line, n, R, cfg);
    const rng = new Rng((Math.imul(seed ^ 0x5bd1e995, 31) + Math.imul(at.epoch + 1, 0x9e3779b1) + Math.imul(at.position + 1, 0x85ebca77)) >>> 0);
    const hints = Array.from({ length: n }, (_, k) => {
      const drawn = simulateTrainingHints(line, colour, R, k, rng, { ...TRAINING_HINTS, pNone: hyper.hintNone });
      // half the hinted drawings in other colours (the target too): only the hints can tell them
      return drawn.length > 0 && rng.uniform() < hyper.hintHueJitter ? rotateHues(colour, k, R, drawn, 2 * Math.PI * rng.uniform()) : drawn;
    });
    return doodleModelInput(line, n, R, cfg, hints);
  };
  if (opt.data === 'synthetic') {
    const h = syntheticPairs(seed + 7919, 1_000_000, HELDOUT_PAIRS, R);
    return {
      loader: (st) => {
        const l = new SyntheticPairLoader(R, seed, st);
        return {
          next: (b) => {
            const at = l.state();
            const p = l.next(b);
            return { line: input(p.line, b, p.color, at), colour: p.color };
          },
          state: () => l.state(),
          count: Infinity,
        };
      },
      heldout: { line: input(h.line, HELDOUT_PAIRS), colour: h.color, n: HELDOUT_PAIRS },
      dataset: { name: 'synthetic-shapes', pairs: 0, heldOut: HELDOUT_PAIRS, sources: [OPENMOJI_SOURCE] },
    };
  }
  const index = JSON.parse(readFileSync(path.join(opt.dataDir, doodleFiles().index), 'utf8')) as DoodleIndex;
  let train = await loadDoodleSet(opt.dataDir, 'train');
  const sources = [index.source ?? OPENMOJI_SOURCE];
  if (hyper.extraPairs) {
    const extraFile = doodleExtraFiles().index;
    if (!existsSync(path.join(opt.dataDir, extraFile))) throw new Error(`--extra-pairs: ${extraFile} is missing; run npm run dataset:doodles-extra`);
    const extraIndex = JSON.parse(readFileSync(path.join(opt.dataDir, extraFile), 'utf8')) as { sources?: DatasetSource[] };
    train = concatDoodleSets(train, await loadDoodleSet(opt.dataDir, 'train', DOODLE_TILE, extraFile));
    sources.push(...(extraIndex.sources ?? []));
  }
  let held = await loadDoodleSet(opt.dataDir, 'heldout');
  if (train.size !== R) train = downsampleDoodles(train, R);
  if (held.size !== R) held = downsampleDoodles(held, R);
  const n = Math.min(HELDOUT_PAIRS, held.count);
  const hb = doodleBatch(held, Array.from({ length: n }, (_, i) => Math.floor((i * held.count) / n)));
  return {
    loader: (st) => {
      const l = new DoodleBatchLoader(train, seed, st, { jitter: hyper.jitter });
      return {
        next: (b) => {
          const at = l.state();
          const batch = l.next(b);
          return { line: input(batch.line, b, batch.color, at), colour: batch.color };
        },
        state: () => l.state(),
        count: train.count,
      };
    },
    heldout: { line: input(hb.line, n), colour: hb.color, n },
    dataset: {
      name: `openmoji-doodles-${index.tile}${hyper.extraPairs ? '+extra' : ''}`,
      pairs: train.count + held.count,
      heldOut: held.count,
      sources,
    },
  };
}

export async function trainDoodles(opt: TrainDoodlesOptions): Promise<RunResult> {
  const backend = await setupBackend(opt.backend);
  const { ckptDir, logFile, modelDir } = runPaths(opt);
  const prev = opt.bench === null ? readCheckpointState<Pix2PixConfig, Pix2PixHyper>(ckptDir) : null;
  if (prev && prev.kind !== KIND) throw new Error(`${ckptDir} is not a ${KIND} checkpoint (kind ${prev.kind ?? 'gan'}); pick another --run-id`);
  const config = prev ? pix2pixConfigSchema.parse(prev.config) : opt.config;
  const hyper = prev ? pix2pixHyperSchema.parse({ ...(prev.hyper as object), ...opt.resumeOverrides }) : opt.hyper;
  const seed = prev?.seed ?? opt.seed;
  const data = await openData(opt, config, hyper, seed);
  const trainer = new Pix2PixTrainer(config, hyper, seed);

  let trainSeconds = 0;
  let loader = data.loader();
  if (prev) {
    const st = await loadCheckpoint(ckptDir, trainer);
    // the training set grew (a fine-tune that adds the extra pairs): a new epoch over all of it
    const grew = hyper.extraPairs && !pix2pixHyperSchema.parse(prev.hyper).extraPairs;
    loader = data.loader(grew ? { epoch: st.loader.epoch + 1, position: 0 } : st.loader);
    trainSeconds = st.trainSeconds;
    truncateLog(logFile, st.step);
  }
  console.log(
    JSON.stringify({
      runId: opt.runId,
      backend,
      resumedFrom: prev ? prev.step : null,
      steps: opt.steps,
      data: opt.data,
      pairs: loader.count,
      encoder: pix2pixEncoderChannels(config),
      discriminator: pix2pixDiscriminatorChannels(config),
      patchGrid: patchGrid(config),
      patchReceptiveField: patchReceptiveField(config),
      gParams: trainer.G.countParams(),
      dParams: trainer.D.countParams(),
      config,
      hyper,
    }),
  );

  if (opt.bench !== null) {
    const times: number[] = [];
    for (let i = 0; i < opt.bench; i++) {
      const t0 = performance.now();
      trainer.trainStep(loader.next(hyper.batch));
      times.push(performance.now() - t0);
    }
    const sorted = times.slice(2).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    console.log(JSON.stringify({ bench: opt.bench, batch: hyper.batch, medianMsPerStep: Math.round(median), msPerStep: times.map(Math.round), numTensors: tf.memory().numTensors }));
    trainer.dispose();
    return { step: trainer.step, resumedFrom: null, ckptDir, logFile, modelDir, msPerStep: median };
  }

  mkdirSync(path.dirname(logFile), { recursive: true });
  mkdirSync(modelDir, { recursive: true });
  const schedule = new Set(exportSteps(opt.steps));
  const manifestBase: Omit<Pix2PixManifest, 'checkpoints'> & { training: Record<string, unknown>; quantization: string } = {
    kind: KIND,
    id: opt.modelId,
    runId: opt.runId,
    description:
      'pix2pix (Isola et al. 2017) doodle -> colour: U-Net generator (nearest-neighbour upsampling + 3x3 conv, skip connections), ' +
      `${patchGrid(config)}x${patchGrid(config)} PatchGAN, L1 + adversarial loss; input a ${config.resolution}x${config.resolution} line image` +
      (config.regionChannel
        ? ' and its enclosed-region mask (lib/gan/doodle-regions.ts; a checkpoint whose model input has 1 channel is from before the run was widened to read it: training/widen-doodle-input.ts)'
        : '') +
      ', output RGB',
    resolution: config.resolution,
    inChannels: config.inChannels,
    outChannels: 3,
    architecture: config,
    training: { ...hyper, steps: opt.steps, seed, loss: 'lambdaAdv * non-saturating BCE on PatchGAN logits + lambdaL1 * L1 (hinted pixels weighted 1 + hintL1Weight)', ema: 'min(decay, (1+t)/(10+t))', backend: 'wasm' },
    quantization: 'kernels uint8 affine (tfjs weightsManifest quantization), BatchNorm and biases float32',
    dataset: data.dataset,
  };
  const doExport = async (): Promise<void> => {
    const g = trainer.emaGenerator();
    const rel = `ckpt-${String(trainer.step).padStart(6, '0')}`;
    const dir = path.join(modelDir, rel);
    try {
      await exportModel(g, dir, true);
    } finally {
      g.dispose();
    }
    const heldoutL1 = trainer.l1(data.heldout, data.heldout.n, true);
    updateManifestOf(modelDir, manifestBase, {
      step: trainer.step,
      path: rel,
      bytes: dirBytes(dir),
      createdAt: new Date().toISOString(),
      metrics: { heldoutL1: +heldoutL1.toFixed(5) },
    });
    console.log(`exported ${rel}  held-out L1 (EMA) ${heldoutL1.toFixed(4)}`);
  };
  const resumedFrom = prev ? prev.step : null;
  const { lastMs, startStep } = await runTrainingLoop({
    ...loopSettings(opt),
    logFile,
    exportAt: schedule,
    resumedFrom,
    step: () => trainer.step,
    trainStep: () => {
      const s = trainer.trainStep(loader.next(hyper.batch));
      return {
        record: { lossD: +s.lossD.toFixed(5), lossGAdv: +s.lossGAdv.toFixed(5), lossL1: +s.lossL1.toFixed(5), dReal: +s.dReal.toFixed(4), dFake: +s.dFake.toFixed(4) },
        losses: [s.lossD, s.lossGAdv, s.lossL1],
        summary: `lossD ${s.lossD.toFixed(3)} lossG_adv ${s.lossGAdv.toFixed(3)} L1 ${s.lossL1.toFixed(4)} D(real) ${s.dReal.toFixed(3)} D(fake) ${s.dFake.toFixed(3)}`,
      };
    },
    doExport,
    checkpoint: () => saveCheckpoint(ckptDir, trainer, { runId: opt.runId, seed, loader: loader.state(), trainSeconds, kind: KIND }),
    onStepTime: (ms) => (trainSeconds += ms / 1000),
  });
  const step = trainer.step;
  trainer.dispose();
  console.log(JSON.stringify({ done: step >= opt.steps, step, stepsThisSession: step - startStep, lastMs: Math.round(lastMs), ckptDir, logFile, modelDir }));
  return { step, resumedFrom, ckptDir, logFile, modelDir, msPerStep: lastMs };
}

runIfMain(import.meta.url, () => trainDoodles(parseOptions(process.argv.slice(2))));

export { parseOptions };
