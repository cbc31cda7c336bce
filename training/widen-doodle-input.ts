/**
 * Widens a doodle-model checkpoint (training/checkpoints/<run>/latest) to read more input
 * channels (lib/gan/doodle-input.ts): the enclosed-region mask (`--add region`,
 * Pix2PixConfig.regionChannel) or the four colour-hint channels (`--add hints`,
 * Pix2PixConfig.hintChannels). The first convolution of G and of D gets zero kernel slices for the
 * new channels (and zero Adam moments for them), everything else is copied. The widened model
 * computes exactly what the old one did (every new channel is +1 on plain paper, times a zero
 * kernel), so a fine-tune starts from the trained model and only has to learn what the new input
 * adds. Works on the checkpoint files alone (no tfjs): a new run folder, the old one untouched.
 *
 *   node --import tsx training/widen-doodle-input.ts --add hints --from training/checkpoints/doodles-64-r3/latest \
 *     --to training/checkpoints/doodles-64-h1/latest --run-id doodles-64-h1
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pix2pixConfigSchema, type Pix2PixConfig } from '../lib/gan/pix2pix-config';
import { HINT_CHANNELS } from '../lib/gan/doodle-hints';
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
// (a model built twice in one process gets "_1"-suffixed weight names, and its moments follow them)
const INPUT_KERNELS = /^(p2p_g_down0\/kernel|p2p_d_conv0\/kernel)(_\d+)?(\/[mv])?$/;

type State = CheckpointState<Pix2PixConfig, Pix2PixHyper>;

export type WidenInput = 'region' | 'hints';

/** Writes the widened copy of checkpoint `from` into `to` under `runId`; returns its state. */
export function widenDoodleInput(from: string, to: string, runId: string, add: WidenInput): State {
  const st = readCheckpointState<Pix2PixConfig, Pix2PixHyper>(from);
  if (!st) throw new Error(`no checkpoint in ${from}`);
  if (st.kind !== 'pix2pix') throw new Error(`${from} is not a doodle-model checkpoint (kind ${st.kind ?? 'gan'})`);
  const config = pix2pixConfigSchema.parse(st.config);
  if (add === 'region' && config.regionChannel) throw new Error(`${from} already reads the region channel`);
  if (add === 'hints' && config.hintChannels) throw new Error(`${from} already reads colour hints`);
  if (existsSync(path.join(to, 'state.json'))) throw new Error(`${to} already holds a checkpoint`);
  // the input order is line, region, hints (in G's input and in D's (input, colour) pair alike):
  // a region channel goes after the line channels, hint channels after the region channel
  const at = config.inChannels + (add === 'hints' && config.regionChannel ? 1 : 0);
  const count = add === 'region' ? 1 : HINT_CHANNELS;
  if (add === 'region' && config.hintChannels) throw new Error(`${from} reads hints; add the region channel before the hints`);
  mkdirSync(to, { recursive: true });
  const groups = {} as State['groups'];
  let widened = 0;
  for (const [group, entries] of Object.entries(st.groups) as [keyof State['groups'], TensorEntry[]][]) {
    const arrays = unpackArrays(entries, path.join(from, `${group}.bin`)).map((t) => {
      if (!INPUT_KERNELS.test(t.name)) return t;
      widened++;
      let k = { data: t.data, shape: t.shape };
      for (let i = 0; i < count; i++) k = insertZeroInputChannel(k.data, k.shape, at);
      return { name: t.name, ...k };
    });
    const { entries: out, data } = packArrays(arrays);
    writeFileSync(path.join(to, `${group}.bin`), data);
    groups[group] = out;
  }
  // G, D, EMA: one kernel each; both optimisers: two moments per kernel
  if (widened !== 7) throw new Error(`expected 7 input kernels (G, D, EMA and their Adam moments), found ${widened}`);
  const widenedConfig: Pix2PixConfig = add === 'region' ? { ...config, regionChannel: true } : { ...config, hintChannels: true };
  const state: State = { ...st, runId, config: widenedConfig, savedAt: new Date().toISOString(), groups };
  writeFileSync(path.join(to, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  return state;
}

runIfMain(import.meta.url, async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { add: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'run-id': { type: 'string' } },
    strict: true,
  });
  const add = values.add;
  if ((add !== 'region' && add !== 'hints') || !values.from || !values.to || !values['run-id']) {
    throw new Error('usage: widen-doodle-input --add region|hints --from CKPT_DIR --to CKPT_DIR --run-id ID');
  }
  const st = widenDoodleInput(values.from, values.to, values['run-id'], add);
  console.log(JSON.stringify({ runId: st.runId, step: st.step, config: st.config }));
});
