/**
 * The command-line options every trainer takes (training/train.ts, training/train-doodles.ts):
 * which run, where, how long, checkpoint cadence, stop step, bench mode, progress. Each trainer
 * adds its own model and hyperparameter options to RUN_OPTION_SPECS and reads these with
 * runOptions(); one definition, so the two CLIs cannot drift apart. The evaluations
 * (eval.ts, eval-doodles.ts) use its number checks too.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendName } from '../lib/gan/offline/backend';

/** parseArgs specs of the shared options. */
export const RUN_OPTION_SPECS = {
  'run-id': { type: 'string' },
  'model-id': { type: 'string' },
  steps: { type: 'string' },
  root: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  'ckpt-minutes': { type: 'string' },
  'stop-at': { type: 'string' },
  bench: { type: 'string' },
  'print-every': { type: 'string' },
  smoke: { type: 'boolean' },
  batch: { type: 'string' },
} as const;

type RunOptionValues = { [K in keyof typeof RUN_OPTION_SPECS]?: (typeof RUN_OPTION_SPECS)[K]['type'] extends 'boolean' ? boolean : string };

export interface RunOptions {
  runId: string;
  modelId: string;
  steps: number;
  root: string;
  seed: number;
  backend: BackendName;
  ckptMinutes: number;
  /** Stop (with a checkpoint) once this step is reached; the run stays resumable. */
  stopAt: number | null;
  /** Only time this many steps and print ms/step; writes nothing. */
  bench: number | null;
  printEvery: number;
  /** --smoke or GANVAS_SMOKE=1: a tiny model, a few steps, a temporary root. */
  smoke: boolean;
}

/** The trainer's defaults: its shipped run, model and length, and the names of its smoke run. */
export interface RunDefaults {
  /** the repository root (where checkpoints, logs and models go) */
  root: string;
  runId: string;
  modelId: string;
  steps: number;
  /** run and model id of the smoke run; its root is a fresh temporary folder named after it */
  smokeId: string;
}

/** Undefined stays the default; anything else must be a finite number. */
export function numberOption(v: string | undefined, d: number, name = 'option'): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/** Undefined stays the default; anything else must be a positive integer (counts, steps, widths). */
export function positiveIntOption(v: string | undefined, d: number, name: string): number {
  const n = numberOption(v, d, name);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
}

export function runOptions(values: RunOptionValues, defaults: RunDefaults): RunOptions {
  const smoke = values.smoke === true || process.env.GANVAS_SMOKE === '1';
  return {
    runId: values['run-id'] ?? (smoke ? defaults.smokeId : defaults.runId),
    modelId: values['model-id'] ?? (smoke ? defaults.smokeId : defaults.modelId),
    steps: positiveIntOption(values.steps, smoke ? 6 : defaults.steps, 'steps'),
    root: values.root ?? (smoke ? mkdtempSync(path.join(os.tmpdir(), `ganvas-${defaults.smokeId}-`)) : defaults.root),
    seed: numberOption(values.seed, 1, 'seed'),
    backend: (values.backend ?? 'wasm') as BackendName,
    ckptMinutes: numberOption(values['ckpt-minutes'], 10, 'ckpt-minutes'),
    stopAt: values['stop-at'] === undefined ? null : positiveIntOption(values['stop-at'], 0, 'stop-at'),
    bench: values.bench === undefined ? null : positiveIntOption(values.bench, 0, 'bench'),
    printEvery: positiveIntOption(values['print-every'], smoke ? 1 : 50, 'print-every'),
    smoke,
  };
}

/** Where a run keeps its latest checkpoint, its step log and its exported model. */
export function runPaths(opt: Pick<RunOptions, 'root' | 'runId' | 'modelId'>): { ckptDir: string; logFile: string; modelDir: string } {
  return {
    ckptDir: path.join(opt.root, 'training', 'checkpoints', opt.runId, 'latest'),
    logFile: path.join(opt.root, 'training', 'logs', `${opt.runId}.jsonl`),
    modelDir: path.join(opt.root, 'public', 'models', opt.modelId),
  };
}

/** What a trainer returns when it stops (done, or at --stop-at, or on a signal). */
export interface RunResult {
  step: number;
  resumedFrom: number | null;
  ckptDir: string;
  logFile: string;
  modelDir: string;
  msPerStep: number;
}

/**
 * The generator run the app ships (DEFAULT_MODEL_ID's run) and its length: what `npm run train`,
 * `export:live` and the figures default to. r2 (issue 17) ended at 12,800 with its rates decayed.
 */
export const SHIPPED_RUN_ID = 'emoji-faces-64-r2';
export const SHIPPED_RUN_STEPS = 15200;
