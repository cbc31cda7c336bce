/**
 * `npm run bench:gan`: one table of GAN speeds on the tfjs backends this project can use in Node:
 *  - training ms/step: the real training step (lib/gan/trainer.ts: D and G updates, DiffAugment,
 *    EMA) on a small configuration (32x32, width 32, batch 16), median of a few steps;
 *  - inference ms for a batch of 16 at the default (shipped) architecture, 64x64, in its export
 *    form (built-in conv2dTranspose layers), median of a few runs;
 *  - generate + upscale ms for 16 samples: the same generator, then the 4x upscaler
 *    (lib/gan/upscaler.ts, default config) on its 64-px output, to 256 px: what the studio's base
 *    layer costs;
 * on the cpu backend, stock wasm (tfjs-backend-wasm 4.22 as installed), stock wasm plus only the
 * kernel it lacks for training (Conv2DBackpropFilter), and wasm with all of the project's kernels
 * (lib/gan/wasm-kernels.ts), with speed-ups against cpu and against stock wasm.
 *
 * Stock wasm cannot train: Conv2DBackpropFilter is not registered for it, and tfjs throws
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'") instead of falling back to
 * another backend; the bench runs the step, reports that error as "unsupported", and compares
 * training against stock wasm plus only that kernel.
 *
 * The variants run in this order in one process so that no kernel needs uninstalling: cpu, stock
 * wasm, then the BackpropFilter kernel alone, then all the project's kernels. Single-threaded wasm (the
 * tfjs default in Node). Takes about a minute.
 *
 * Then the both-cores table (issue 19; `--cores-only` prints just that): the shipped generators'
 * 64-px training step on one thread and on two (ParallelGanTrainer), interleaved step by step;
 * `--baseline DIR` adds another checkout's one-thread step (e.g. a git worktree of the tree before
 * issue 19, run by bench/gan-baseline-step.ts in a child process) as the first variant, the one
 * the others are given as multiples of.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG, buildGenerator, ganConfigSchema, type GanConfig } from '../lib/gan/architecture';
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest';
import { Rng } from '../lib/gan/rng';
import { ALL_KERNELS, installWasmKernels, type KernelName } from '../lib/gan/wasm-kernels';
import { DEFAULT_UPSCALER, buildUpscaler } from '../lib/gan/upscaler';
import { DEFAULT_HYPER, GanTrainer, type StepStats } from '../lib/gan/trainer';
import { ParallelGanTrainer } from '../lib/gan/offline/parallel-trainer';

const TRAIN_CONFIG: GanConfig = { resolution: 32, zDim: 100, gWidth: 32, dWidth: 32, minChannels: 8, upsample: 'nearest' };
const TRAIN_BATCH = 16;
/** The runs' batch, for the shipped generators' training step. */
const SHIPPED_BATCH = 32;
/** The generator shipped before the default (run r1). */
const PREVIOUS_MODEL_ID = 'emoji-faces-64';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Warm-up + timed training steps: the cpu backend takes seconds per step, so it gets one of each. */
const TRAIN_STEPS = { cpu: { warmup: 1, timed: 1 }, wasm: { warmup: 2, timed: 7 } } as const;
const INFER_BATCH = 16;
const INFER_WARMUP = 2;
const INFER_RUNS = 10;

type Timing = { ms: number; runs: number[] } | { error: string };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function switchBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`bench: backend ${name} failed to initialise`);
  await tf.ready();
}

async function timeTraining(): Promise<Timing> {
  const { warmup, timed } = tf.getBackend() === 'cpu' ? TRAIN_STEPS.cpu : TRAIN_STEPS.wasm;
  const trainer = new GanTrainer(TRAIN_CONFIG, { ...DEFAULT_HYPER, batch: TRAIN_BATCH }, 1);
  const rng = new Rng(2);
  const R = TRAIN_CONFIG.resolution;
  const real = Float32Array.from({ length: TRAIN_BATCH * R * R * 3 }, () => rng.uniform() * 2 - 1);
  const runs: number[] = [];
  try {
    for (let i = 0; i < warmup + timed; i++) {
      const t0 = performance.now();
      const s = trainer.trainStep(real);
      const ms = performance.now() - t0;
      if (!Number.isFinite(s.lossD) || !Number.isFinite(s.lossG)) return { error: `non-finite loss (${s.lossD}, ${s.lossG})` };
      if (i >= warmup) runs.push(ms);
    }
    return { ms: median(runs), runs };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    trainer.dispose();
  }
}

async function timeInference(): Promise<Timing> {
  const g = buildGenerator(DEFAULT_CONFIG, 'bench_generator', 'export');
  const z = tf.tensor2d(new Rng(3).normals(INFER_BATCH * DEFAULT_CONFIG.zDim), [INFER_BATCH, DEFAULT_CONFIG.zDim]);
  const runs: number[] = [];
  try {
    for (let i = 0; i < INFER_WARMUP + INFER_RUNS; i++) {
      const t0 = performance.now();
      const y = g.predict(z) as tf.Tensor;
      await y.data();
      y.dispose();
      if (i >= INFER_WARMUP) runs.push(performance.now() - t0);
    }
    return { ms: median(runs), runs };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    g.dispose();
    z.dispose();
  }
}

/** 16 samples generated and enlarged 4x (64 -> 256 px) by the upscaler, one after the other. */
async function timeGenerateUpscale(config: GanConfig = DEFAULT_CONFIG): Promise<Timing> {
  const g = buildGenerator(config, 'bench_generator', 'export');
  const up = buildUpscaler(DEFAULT_UPSCALER, 'bench_upscaler');
  const z = tf.tensor2d(new Rng(4).normals(INFER_BATCH * config.zDim), [INFER_BATCH, config.zDim]);
  const runs: number[] = [];
  try {
    for (let i = 0; i < INFER_WARMUP + INFER_RUNS / 2; i++) {
      const t0 = performance.now();
      const y = tf.tidy(() => up.predict(g.predict(z) as tf.Tensor) as tf.Tensor);
      await y.data();
      y.dispose();
      if (i >= INFER_WARMUP) runs.push(performance.now() - t0);
    }
    return { ms: median(runs), runs };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    g.dispose();
    up.dispose();
    z.dispose();
  }
}

/** The architecture a model in public/models was trained with (its manifest), or null when it is not there. */
function shippedConfig(id: string): GanConfig | null {
  const file = path.join(REPO, 'public', 'models', id, 'manifest.json');
  if (!existsSync(file)) return null;
  return ganConfigSchema.parse((JSON.parse(readFileSync(file, 'utf8')) as { architecture: unknown }).architecture);
}

/**
 * The real 64-px training step (batch 32, as the runs train) of several generators, interleaved
 * step by step (A, B, A, B, ...) so that a noisy machine slows them alike; median of `timed`.
 */
async function timeTrainingInterleaved(configs: GanConfig[], warmup = 1, timed = 5): Promise<Timing[]> {
  const trainers = configs.map((c, i) => new GanTrainer(c, { ...DEFAULT_HYPER, batch: SHIPPED_BATCH }, 10 + i));
  const rng = new Rng(5);
  const reals = configs.map((c) => Float32Array.from({ length: SHIPPED_BATCH * c.resolution * c.resolution * 3 }, () => rng.uniform() * 2 - 1));
  const runs: number[][] = configs.map(() => []);
  try {
    for (let i = 0; i < warmup + timed; i++) {
      trainers.forEach((t, k) => {
        const t0 = performance.now();
        t.trainStep(reals[k] as Float32Array);
        if (i >= warmup) (runs[k] as number[]).push(performance.now() - t0);
      });
    }
    return runs.map((r) => ({ ms: median(r), runs: r }));
  } catch (e) {
    return configs.map(() => ({ error: e instanceof Error ? e.message : String(e) }));
  } finally {
    trainers.forEach((t) => t.dispose());
  }
}

/** A training variant of the both-cores table: what it runs, its timed steps. */
interface CoreVariant {
  name: string;
  /** runs `n` steps; their ms */
  run: (n: number) => Promise<number[]>;
  runs: number[];
}

/** The training step of another checkout (bench/gan-baseline-step.ts in a child process). */
interface BaselineStepper {
  run: (n: number) => Promise<number[]>;
  close: () => Promise<void>;
}

async function startBaseline(dir: string, config: GanConfig): Promise<BaselineStepper> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(REPO, 'bench', 'gan-baseline-step.ts'), dir, JSON.stringify(config), String(SHIPPED_BATCH)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: dir,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`baseline step process exited (${child.exitCode})`);
    return line.value;
  };
  if ((await next()) !== 'READY') throw new Error('baseline step process: no READY');
  return {
    async run(n) {
      child.stdin.write(`${n}\n`);
      return (await next()).split(' ').map(Number);
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * The 64-px training step of a shipped generator (batch 32): on one thread with stock wasm plus
 * only the missing BackpropFilter kernel, on one thread with all project kernels, and split
 * across two threads (ParallelGanTrainer, all kernels); with `baselineDir`, also the trainer of
 * that checkout on one thread (the tree before issue 19: "today's step" of the issue), in its own
 * process. Interleaved: each round runs `steps` steps of every variant in turn, so that a noisy
 * machine slows them alike. The one- and two-thread trainers start from the same seed and see the
 * same batches, so their weights after the rounds show whether the split step computes the same.
 */
async function timeBothCores(config: GanConfig, baselineDir: string | null, rounds = 12, steps = 1, warmup = 2): Promise<{ variants: CoreVariant[]; steps: number; gDiff: number; dDiff: number; scale: number; lossGap: number }> {
  const hyper = { ...DEFAULT_HYPER, batch: SHIPPED_BATCH };
  const two = ParallelGanTrainer.create(config, hyper, 21, 2);
  await two.start();
  const stock = new GanTrainer(config, hyper, 20);
  const one = new GanTrainer(config, hyper, 21);
  const baseline = baselineDir ? await startBaseline(baselineDir, config) : null;
  const rng = new Rng(6);
  const R = config.resolution;
  const batches = Array.from({ length: 3 }, () => Float32Array.from({ length: SHIPPED_BATCH * R * R * 3 }, () => rng.uniform() * 2 - 1));
  const stats = new Map<GanTrainer, StepStats[]>([
    [one, []],
    [two, []],
  ]);
  const local =
    (trainer: GanTrainer, kernels: readonly KernelName[]) =>
    async (n: number): Promise<number[]> => {
      installWasmKernels(kernels);
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const s = trainer.trainStep(batches[trainer.step % batches.length] as Float32Array);
        ms.push(performance.now() - t0);
        stats.get(trainer)?.push(s);
      }
      return ms;
    };
  const variants: CoreVariant[] = [
    ...(baseline ? [{ name: `before issue 19 (${path.basename(baselineDir ?? '')}), 1 thread`, run: baseline.run, runs: [] }] : []),
    { name: 'stock wasm + BackpropFilter, 1 thread', run: local(stock, ['Conv2DBackpropFilter']), runs: [] },
    { name: 'project kernels, 1 thread', run: local(one, ALL_KERNELS), runs: [] },
    { name: 'project kernels, 2 threads', run: local(two, ALL_KERNELS), runs: [] },
  ];
  try {
    for (let round = -1; round < rounds; round++) {
      for (const v of variants) {
        const ms = await v.run(round < 0 ? warmup : steps);
        if (round >= 0) v.runs.push(...ms);
      }
    }
    installWasmKernels();
    const flat = (ts: tf.Tensor[]): Float32Array => Float32Array.from(ts.flatMap((t) => Array.from(t.dataSync())));
    const worst = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] ?? NaN))), 0);
    const g1 = flat(one.G.trainableWeights.map((w) => w.read()));
    const gDiff = worst(g1, flat(two.G.trainableWeights.map((w) => w.read())));
    const dDiff = worst(flat(one.D.trainableWeights.map((w) => w.read())), flat(two.D.trainableWeights.map((w) => w.read())));
    const s1 = stats.get(one) ?? [];
    const s2 = stats.get(two) ?? [];
    const lossGap = Math.max(...s1.map((s, i) => Math.max(Math.abs(s.lossD - (s2[i]?.lossD ?? NaN)), Math.abs(s.lossG - (s2[i]?.lossG ?? NaN)))));
    return { variants, steps, gDiff, dDiff, scale: g1.reduce((m, x) => Math.max(m, Math.abs(x)), 0), lossGap };
  } finally {
    installWasmKernels();
    for (const t of [stock, one, two]) t.dispose();
    await baseline?.close();
  }
}

/** Per round (`per` steps each): the sum of `runs` over the sum of `base`. */
function roundRatios(runs: number[], base: number[], per: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + per <= runs.length; i += per) {
    const sum = (xs: number[]): number => xs.slice(i, i + per).reduce((a, b) => a + b, 0);
    out.push(sum(runs) / sum(base));
  }
  return out;
}

type CoresResult = { name: string; config: GanConfig; result: Awaited<ReturnType<typeof timeBothCores>> };

/** The both-cores table (issue 19): ms per step of each variant, as a multiple of the first (the baseline). */
function printBothCores(cores: CoresResult[]): void {
  const first = cores[0]?.result.variants[0]?.name ?? '';
  console.log(
    `\ntraining on both cores, 64x64, batch ${SHIPPED_BATCH}: 12 rounds of 1 step per variant after 2 warm-up steps, variants in turn each round (a slow spell of the machine hits neighbouring variants alike); ` +
      `medians; "vs first": ms as a multiple of the first variant (${first}); "per round": the median and range of the same ratio taken within each round`,
  );
  const head3 = ['generator', 'variant', 'ms/step', 'vs first', 'per round', 'runs'];
  const table3: string[][] = [];
  for (const c of cores) {
    const base = c.result.variants[0];
    for (const v of c.result.variants) {
      const ms = median(v.runs);
      // every variant runs the same `steps` a round: ratio of each round's sums
      const perRound = base ? roundRatios(v.runs, base.runs, c.result.steps) : [];
      const spread = perRound.length ? `${median(perRound).toFixed(2)}x (${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)})` : '-';
      table3.push([c.name, v.name, ms.toFixed(0), base ? `${(ms / median(base.runs)).toFixed(2)}x` : '-', spread, v.runs.map((r) => r.toFixed(0)).join(' ')]);
    }
  }
  const widths3 = head3.map((h, i) => Math.max(h.length, ...table3.map((row) => (row[i] ?? '').length)));
  const line3 = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths3[i] ?? 0) : c.padStart(widths3[i] ?? 0))).join('  ');
  console.log(line3(head3));
  console.log(widths3.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table3) console.log(line3(row));
  for (const c of cores) {
    const n = c.result.variants.at(-1)?.runs.length ?? 0;
    console.log(
      `  ${c.name}: project kernels on 1 vs 2 threads, same seed and batches, after ${n + 2} steps: largest weight difference G ${c.result.gDiff.toExponential(1)}, ` +
        `D ${c.result.dDiff.toExponential(1)} (largest weight ${c.result.scale.toFixed(2)}); largest loss difference ${c.result.lossGap.toExponential(1)}`,
    );
  }
}

interface Row {
  name: string;
  train: Timing | null;
  infer: Timing | null;
  upscale: Timing | null;
}

const ok = (t: Timing | null): t is { ms: number; runs: number[] } => t !== null && 'ms' in t;

/** The shipped generators (new default, the one before), by their manifests. */
function shippedGenerators(): { name: string; config: GanConfig }[] {
  return [
    { name: `new: ${DEFAULT_MODEL_ID}`, config: shippedConfig(DEFAULT_MODEL_ID) },
    { name: `old: ${PREVIOUS_MODEL_ID}`, config: shippedConfig(PREVIOUS_MODEL_ID) },
  ].filter((x): x is { name: string; config: GanConfig } => x.config !== null);
}

/** `--baseline DIR`: a checkout whose one-thread training step the both-cores table starts with. */
function baselineDirArg(): string | null {
  const at = process.argv.indexOf('--baseline');
  if (at < 0) return null;
  const dir = path.resolve(process.argv[at + 1] ?? '');
  if (!existsSync(path.join(dir, 'lib', 'gan', 'trainer.ts'))) throw new Error(`--baseline ${dir}: no lib/gan/trainer.ts there`);
  return dir;
}

/**
 * `--cores-only [--baseline DIR]`: just the both-cores table (a few minutes instead of the whole
 * benchmark); DIR: another checkout whose one-thread step joins the table, first.
 */
async function coresOnly(): Promise<void> {
  const baselineDir = baselineDirArg();
  await switchBackend('wasm');
  installWasmKernels();
  console.log(`GAN benchmark, both cores: tfjs ${tf.version.tfjs}, Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, load ${os.loadavg()[0]?.toFixed(1)}`);
  const cores: CoresResult[] = [];
  for (const x of shippedGenerators()) cores.push({ ...x, result: await timeBothCores(x.config, baselineDir) });
  printBothCores(cores);
}

async function main(): Promise<void> {
  if (process.argv.includes('--cores-only')) return coresOnly();
  const baselineDir = baselineDirArg(); // checked before the minutes of the other tables
  const t0 = performance.now();
  const rows: Row[] = [];
  const progress = (msg: string): void => {
    process.stderr.write(`${msg} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  };

  await switchBackend('cpu');
  rows.push({ name: 'cpu', train: await timeTraining(), infer: await timeInference(), upscale: await timeGenerateUpscale() });
  progress('cpu done');

  await switchBackend('wasm');
  rows.push({ name: 'wasm, stock', train: await timeTraining(), infer: await timeInference(), upscale: await timeGenerateUpscale() });
  // the generators the app shipped: the new default and the one before it (issue 17)
  const shipped = shippedGenerators();
  const stockUpscale: Timing[] = [];
  for (const x of shipped) stockUpscale.push(await timeGenerateUpscale(x.config));
  progress('stock wasm done');

  installWasmKernels(['Conv2DBackpropFilter']);
  rows.push({ name: 'wasm + BackpropFilter only', train: await timeTraining(), infer: null, upscale: null });
  progress('wasm + BackpropFilter done');

  installWasmKernels();
  rows.push({ name: 'wasm + project kernels', train: await timeTraining(), infer: await timeInference(), upscale: await timeGenerateUpscale() });
  progress('wasm + kernels done');
  const shippedTrain = await timeTrainingInterleaved(shipped.map((x) => x.config));
  const shippedUpscale: Timing[] = [];
  for (const x of shipped) shippedUpscale.push(await timeGenerateUpscale(x.config));
  progress('shipped generators done');
  const cores: CoresResult[] = [];
  for (const x of shipped) {
    cores.push({ ...x, result: await timeBothCores(x.config, baselineDir) });
    progress(`both cores: ${x.name} done`);
  }

  const cpu = rows[0] as Row;
  const stock = rows[1] as Row;
  const stockTrain = ok(stock.train) ? stock.train : rows[2]?.train ?? null;
  const ratio = (ref: Timing | null, t: Timing | null): string => (ok(ref) && ok(t) ? `${(ref.ms / t.ms).toFixed(2)}x` : '-');
  const cell = (t: Timing | null): string => (t === null ? 'n/a' : ok(t) ? t.ms.toFixed(1) : 'unsupported');

  const wasmInfo = `simd ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}, threads 1`;
  console.log(
    `GAN benchmark: tfjs ${tf.version.tfjs}, Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, load ${os.loadavg()[0]?.toFixed(1)}, wasm ${wasmInfo}`,
  );
  console.log(
    `training: ${TRAIN_CONFIG.resolution}x${TRAIN_CONFIG.resolution}, gWidth/dWidth ${TRAIN_CONFIG.gWidth}, batch ${TRAIN_BATCH}, ` +
      `median of ${TRAIN_STEPS.wasm.timed} steps after ${TRAIN_STEPS.wasm.warmup} warm-up (cpu: ${TRAIN_STEPS.cpu.timed} after ${TRAIN_STEPS.cpu.warmup}); inference: default architecture ` +
      `(${DEFAULT_CONFIG.resolution}x${DEFAULT_CONFIG.resolution}, gWidth ${DEFAULT_CONFIG.gWidth}), batch ${INFER_BATCH}, median of ${INFER_RUNS}; ` +
      `generate + upscale: the same 16, then the 4x upscaler (width ${DEFAULT_UPSCALER.width}, depth ${DEFAULT_UPSCALER.depth}) to 256 px, median of ${INFER_RUNS / 2}`,
  );
  const header = ['backend', 'train ms/step', 'vs cpu', 'vs stock wasm*', 'infer ms (16)', 'vs cpu', 'vs stock wasm', 'gen+upscale ms (16)', 'vs stock wasm'];
  const table = rows.map((r) => [
    r.name,
    cell(r.train),
    ratio(cpu.train, r.train),
    ratio(stockTrain, r.train),
    cell(r.infer),
    ratio(cpu.infer, r.infer),
    ratio(stock.infer, r.infer),
    cell(r.upscale),
    ratio(stock.upscale, r.upscale),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  if (!ok(stock.train) && stock.train) {
    console.log(`* stock wasm training: unsupported (${stock.train.error}); tfjs does not fall back to another backend.`);
    console.log('  Training ratios "vs stock wasm" are against stock wasm plus only the missing Conv2DBackpropFilter kernel.');
  }
  console.log('  Ratios are speed-ups (reference ms / this ms). "n/a": inference needs no BackpropFilter, so that row equals stock wasm.');

  // the shipped generators side by side: their 64-px training step (interleaved, wasm + kernels)
  // and 16 samples generated and enlarged to 256 px, stock wasm as the baseline
  console.log(`\nshipped generators, 64x64: training batch ${SHIPPED_BATCH} (interleaved step by step, wasm + project kernels, median of 5); generate + upscale 16 samples to 256 px`);
  const head2 = ['generator', 'G params (shipped form)', 'train ms/step', 'vs old', 'gen+upscale stock wasm', 'gen+upscale kernels', 'vs stock', 'vs old'];
  const oldTrain = shippedTrain[1] ?? null;
  const oldUp = shippedUpscale[1] ?? null;
  const table2 = shipped.map((x, i) => {
    const g = buildGenerator(x.config, 'bench_count', 'export');
    const params = g.countParams();
    g.dispose();
    return [
      x.name,
      params.toLocaleString('en'),
      cell(shippedTrain[i] ?? null),
      ratio(shippedTrain[i] ?? null, oldTrain).replace(/x$/, 'x time'),
      cell(stockUpscale[i] ?? null),
      cell(shippedUpscale[i] ?? null),
      ratio(stockUpscale[i] ?? null, shippedUpscale[i] ?? null),
      ratio(shippedUpscale[i] ?? null, oldUp).replace(/x$/, 'x time'),
    ];
  });
  const widths2 = head2.map((h, i) => Math.max(h.length, ...table2.map((row) => (row[i] ?? '').length)));
  const line2 = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths2[i] ?? 0) : c.padStart(widths2[i] ?? 0))).join('  ');
  console.log(line2(head2));
  console.log(widths2.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table2) console.log(line2(row));
  console.log('  "vs old": this generator\'s time as a multiple of the old one\'s (1.00x time for the old itself); "vs stock": speed-up of the project kernels over stock wasm.');

  printBothCores(cores);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main()
  .then(() => process.exit(0))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
