import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileLoadHandler, type ModelManifest } from '../../training/export';
import { parseOptions, train } from '../../training/train';

// The CI smoke run: the real training loop with a tiny network, a few steps, into a temp folder;
// stopped half-way and resumed, which must continue at the same step.
describe('training smoke run', () => {
  it('trains, checkpoints, resumes at the same step, exports and logs', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ganvas-smoke-test-'));
    const opts = parseOptions(['--smoke', '--root', root, '--steps', '6', '--print-every', '100']);
    const first = await train({ ...opts, stopAt: 3 });
    expect(first.step).toBe(3);
    expect(first.resumedFrom).toBeNull();
    const before = tf.memory().numTensors;
    const second = await train(opts);
    expect(second.resumedFrom).toBe(3);
    expect(second.step).toBe(6);
    expect(tf.memory().numTensors).toBe(before);

    const log = readFileSync(second.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(log.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of log) {
      for (const k of ['lossD', 'lossG', 'dReal', 'dFake', 'ms']) expect(Number.isFinite(r[k])).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(second.modelDir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.checkpoints.map((c) => c.step)).toEqual([0, 6]);
    expect(manifest.dataset.sources.length).toBe(4);
    const last = manifest.checkpoints.at(-1);
    const g = await tf.loadLayersModel(fileLoadHandler(path.join(second.modelDir, last?.path ?? '')));
    const y = g.predict(tf.zeros([1, opts.config.zDim])) as tf.Tensor;
    expect(y.shape).toEqual([1, 16, 16, 3]);
    expect(existsSync(path.join(second.ckptDir, 'state.json'))).toBe(true);
  });
});
