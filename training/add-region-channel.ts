/**
 * Widens a doodle-model checkpoint (training/checkpoints/<run>/latest) to read the enclosed-region
 * mask as one more input channel (Pix2PixConfig.regionChannel, lib/gan/doodle-regions.ts): the
 * first convolution of G and of D gets a zero kernel slice for the new channel (and zero Adam
 * moments for it), everything else is copied. The widened model computes exactly what the old one
 * did, so a fine-tune starts from the trained model and only has to learn what the mask adds.
 * Works on the checkpoint files alone (no tfjs): a new run folder, the old one untouched.
 *
 *   node --import tsx training/add-region-channel.ts --from training/checkpoints/doodles-64-r3/latest \
 *     --to training/checkpoints/doodles-64-r4/latest --run-id doodles-64-r4
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pix2pixConfigSchema, type Pix2PixConfig } from '../lib/gan/pix2pix-config';
import type { Pix2PixHyper } from '../lib/gan/offline/pix2pix-trainer';
import { packArrays, readCheckpointState, unpackArrays, type CheckpointState, type TensorEntry } from './checkpoint';
import { runIfMain } from './cli';

/** A conv kernel [kh, kw, cin, cout] with a zero input channel inserted at `at` (0 <= at <= cin). */
export function insertZeroInputChannel(kernel: Float32Array, shape: readonly number[], at: number): { data: Float32Array; shape: number[] } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  if (shape.length !== 4 || kernel.length !== kh * kw * cin * cout) throw new Error(`insertZeroInputChannel: kernel of ${kernel.length} values is not [${shape.join(', ')}]`);
  if (!Number.isInteger(at) || at < 0 || at > cin) throw new Error(`insertZeroInputChannel: channel ${at} outside 0..${cin}`);
  const out = new Float32Array(kh * kw * (cin + 1) * cout);
  for (let k = 0; k < kh * kw; k++) {
    for (let c = 0; c < cin; c++) {
      const src = (k * cin + c) * cout;
      const dst = (k * (cin + 1) + (c < at ? c : c + 1)) * cout;
      out.set(kernel.subarray(src, src + cout), dst);
    }
  }
  return { data: out, shape: [kh, kw, cin + 1, cout] };
}

/** The weights (and their Adam moments) that read the model input: G's first conv and D's. */
const INPUT_KERNELS = /^(p2p_g_down0\/kernel|p2p_d_conv0\/kernel)(\/[mv])?$/;

type State = CheckpointState<Pix2PixConfig, Pix2PixHyper>;

/** Writes the widened copy of checkpoint `from` into `to` under `runId`; returns its state. */
export function addRegionChannel(from: string, to: string, runId: string): State {
  const st = readCheckpointState<Pix2PixConfig, Pix2PixHyper>(from);
  if (!st) throw new Error(`no checkpoint in ${from}`);
  if (st.kind !== 'pix2pix') throw new Error(`${from} is not a doodle-model checkpoint (kind ${st.kind ?? 'gan'})`);
  const config = pix2pixConfigSchema.parse(st.config);
  if (config.regionChannel) throw new Error(`${from} already reads the region channel`);
  if (existsSync(path.join(to, 'state.json'))) throw new Error(`${to} already holds a checkpoint`);
  // the new channel follows the line channels, in G's input and in D's (input, colour) pair alike
  const at = config.inChannels;
  mkdirSync(to, { recursive: true });
  const groups = {} as State['groups'];
  let widened = 0;
  for (const [group, entries] of Object.entries(st.groups) as [keyof State['groups'], TensorEntry[]][]) {
    const arrays = unpackArrays(entries, path.join(from, `${group}.bin`)).map((t) => {
      if (!INPUT_KERNELS.test(t.name)) return t;
      widened++;
      return { name: t.name, ...insertZeroInputChannel(t.data, t.shape, at) };
    });
    const { entries: out, data } = packArrays(arrays);
    writeFileSync(path.join(to, `${group}.bin`), data);
    groups[group] = out;
  }
  // G, D, EMA: one kernel each; both optimisers: two moments per kernel
  if (widened !== 7) throw new Error(`expected 7 input kernels (G, D, EMA and their Adam moments), found ${widened}`);
  const state: State = { ...st, runId, config: { ...config, regionChannel: true }, savedAt: new Date().toISOString(), groups };
  writeFileSync(path.join(to, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  return state;
}

runIfMain(import.meta.url, async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { from: { type: 'string' }, to: { type: 'string' }, 'run-id': { type: 'string' } }, strict: true });
  if (!values.from || !values.to || !values['run-id']) throw new Error('usage: add-region-channel --from CKPT_DIR --to CKPT_DIR --run-id ID');
  const st = addRegionChannel(values.from, values.to, values['run-id']);
  console.log(JSON.stringify({ runId: st.runId, step: st.step, config: st.config }));
});
