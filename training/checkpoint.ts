/**
 * Resumable training state on disk: G, D, EMA-G (all weights incl. BatchNorm statistics), both
 * Adam optimisers (iteration + moments), step, RNG state and data-loader position.
 * Layout: <dir>/state.json + one float32 file per group (each small enough to commit).
 * Writes go to a temp folder that is renamed over the old one, so a kill never leaves a
 * half-written checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GanConfig } from '../lib/gan/architecture';
import type { Ema } from '../lib/gan/ema';
import { Rng, type RngState } from '../lib/gan/rng';
import type { LoaderState } from './data-loader';
import type { GanTrainer, TrainHyper } from '../lib/gan/trainer';

export interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
}

/**
 * What a checkpoint holds of a trainer: GanTrainer (the GAN) and Pix2PixTrainer (the doodle
 * model) both fit; C and H are the config and hyper-parameter types stored in state.json.
 */
export interface CheckpointableTrainer<C = GanConfig, H = TrainHyper> {
  readonly G: tf.LayersModel;
  readonly D: tf.LayersModel;
  readonly ema: Ema;
  readonly gOpt: tf.Optimizer;
  readonly dOpt: tf.Optimizer;
  rng: Rng;
  step: number;
  readonly config: C;
  readonly hyper: H;
}

export interface CheckpointState<C = GanConfig, H = TrainHyper> {
  version: 1;
  /** Which model the checkpoint is of; absent for the GAN's (written before the field existed). */
  kind?: string;
  runId: string;
  step: number;
  seed: number;
  rng: RngState;
  loader: LoaderState;
  config: C;
  hyper: H;
  savedAt: string;
  /** Elapsed training wall time (s) over all sessions. */
  trainSeconds: number;
  groups: Record<GroupName, TensorEntry[]>;
}

type GroupName = 'g' | 'd' | 'ema' | 'gopt' | 'dopt';

/** One tensor of a group file as plain data (what widen-doodle-input.ts edits without tfjs). */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The group file's bytes and index for `named`, packed back to back in order. */
export function packArrays(named: readonly NamedArray[]): { entries: TensorEntry[]; data: Buffer } {
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const { name, shape, data } of named) {
    entries.push({ name, shape: shape.slice(), offset: total });
    total += data.length;
  }
  const buf = new Float32Array(total);
  named.forEach(({ data }, i) => buf.set(data, entries[i]?.offset ?? 0));
  return { entries, data: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** The tensors of one group file, as listed by its index entries. */
export function unpackArrays(entries: readonly TensorEntry[], file: string): NamedArray[] {
  const b = readFileSync(file);
  const all = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return entries.map((e) => ({ name: e.name, shape: e.shape, data: all.slice(e.offset, e.offset + e.shape.reduce((p, q) => p * q, 1)) }));
}

function pack(named: { name: string; tensor: tf.Tensor }[]): { entries: TensorEntry[]; data: Buffer } {
  return packArrays(named.map(({ name, tensor }) => ({ name, shape: tensor.shape, data: tensor.dataSync() as Float32Array })));
}

function unpack(entries: TensorEntry[], file: string): { name: string; tensor: tf.Tensor }[] {
  return unpackArrays(entries, file).map(({ name, shape, data }) => ({ name, tensor: tf.tensor(data, shape, 'float32') }));
}

export async function saveCheckpoint<C = GanConfig, H = TrainHyper>(
  dir: string,
  t: GanTrainer | CheckpointableTrainer<C, H>,
  meta: { runId: string; seed: number; loader: LoaderState; trainSeconds: number; kind?: string },
): Promise<void> {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const groups: Partial<Record<GroupName, TensorEntry[]>> = {};
  const write = (g: GroupName, named: { name: string; tensor: tf.Tensor }[]): void => {
    const { entries, data } = pack(named);
    writeFileSync(path.join(tmp, `${g}.bin`), data);
    groups[g] = entries;
  };
  write('g', t.G.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  write('d', t.D.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  write('ema', t.ema.shadow.map((v, i) => ({ name: t.G.weights[i]?.originalName ?? `ema${i}`, tensor: v })));
  const gw = await t.gOpt.getWeights();
  const dw = await t.dOpt.getWeights();
  write('gopt', gw);
  write('dopt', dw);
  const state: CheckpointState<C | GanConfig, H | TrainHyper> = {
    version: 1,
    ...(meta.kind === undefined ? {} : { kind: meta.kind }),
    runId: meta.runId,
    step: t.step,
    seed: meta.seed,
    rng: t.rng.state(),
    loader: meta.loader,
    config: t.config,
    hyper: t.hyper,
    savedAt: new Date().toISOString(),
    trainSeconds: meta.trainSeconds,
    groups: groups as Record<GroupName, TensorEntry[]>,
  };
  writeFileSync(path.join(tmp, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  // getWeights() of tf optimisers returns the live iteration scalar wrapped in a new tensor
  tf.dispose(gw.concat(dw).filter((w) => w.name === 'iter').map((w) => w.tensor));
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export function readCheckpointState<C = GanConfig, H = TrainHyper>(dir: string): CheckpointState<C, H> | null {
  const f = path.join(dir, 'state.json');
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, 'utf8')) as CheckpointState<C, H>;
}

/** Restores a trainer built with the checkpoint's config/hyper. */
export async function loadCheckpoint<C = GanConfig, H = TrainHyper>(
  dir: string,
  t: GanTrainer | CheckpointableTrainer<C, H>,
): Promise<CheckpointState<C, H>> {
  const st = readCheckpointState<C, H>(dir);
  if (!st) throw new Error(`no checkpoint in ${dir}`);
  const load = (g: GroupName): { name: string; tensor: tf.Tensor }[] => unpack(st.groups[g], path.join(dir, `${g}.bin`));
  const setModel = (m: tf.LayersModel, named: { name: string; tensor: tf.Tensor }[]): void => {
    if (named.length !== m.weights.length) throw new Error(`checkpoint has ${named.length} weights, model ${m.weights.length}`);
    m.setWeights(named.map((n) => n.tensor));
    tf.dispose(named.map((n) => n.tensor));
  };
  setModel(t.G, load('g'));
  setModel(t.D, load('d'));
  const ema = load('ema');
  t.ema.setValues(ema.map((n) => n.tensor));
  tf.dispose(ema.map((n) => n.tensor));
  const gopt = load('gopt');
  const dopt = load('dopt');
  if (gopt.length > 1) await t.gOpt.setWeights(gopt);
  if (dopt.length > 1) await t.dOpt.setWeights(dopt);
  // Adam wraps each given moment in a new Variable sharing its data (ref-counted), so ours can go
  tf.dispose(gopt.concat(dopt).map((n) => n.tensor));
  t.step = st.step;
  t.rng = new Rng(st.rng);
  return st;
}
