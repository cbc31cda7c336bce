import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileLoadHandler, type ModelManifest } from '../../training/export';
import { parseOptions, train } from '../../training/train';
import { stopAndResume } from '../helpers/smoke-run';

// The CI smoke run (tests/helpers/smoke-run.ts: a tiny network, 6 steps, a temp folder,
// stopped at 3 and resumed), then what this trainer logs and exports.
describe('training smoke run', () => {
  it('trains, checkpoints, resumes at the same step, exports and logs', async () => {
    const { opts, second, log } = await stopAndResume('smoke', parseOptions, train);
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
