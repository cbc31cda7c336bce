import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, buildGenerator, toExportGenerator } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { exportModel, exportSteps, fileLoadHandler, quantizeWeights, updateManifest, type ModelManifest } from '../../training/export';

describe('exportSteps', () => {
  it('is log-spaced from 0 to the end with at least 12 checkpoints', () => {
    const s = exportSteps(16000);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(16000);
    expect(s.length).toBeGreaterThanOrEqual(12);
    expect(s).toEqual([...new Set(s)].sort((a, b) => a - b));
    for (let i = 2; i < s.length - 1; i++) expect((s[i] as number) / (s[i - 1] as number)).toBeLessThanOrEqual(2);
  });
});

describe('quantizeWeights', () => {
  it('quantizes kernels to uint8 within half a step, keeps small vectors float32', () => {
    const k = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.3);
    const b = Float32Array.from([0.5, -2, 3]);
    const buf = new Float32Array([...k, ...b]).buffer;
    const q = quantizeWeights(
      [
        { name: 'conv/kernel', shape: [300], dtype: 'float32' },
        { name: 'bn/moving_variance', shape: [3], dtype: 'float32' },
      ],
      buf,
    );
    expect(q.data.byteLength).toBe(300 + 12);
    const spec = q.specs[0];
    const qz = spec?.quantization;
    expect(qz?.dtype).toBe('uint8');
    const scale = qz?.scale ?? NaN;
    const min = qz?.min ?? NaN;
    for (let i = 0; i < 300; i++) expect(Math.abs((q.data[i] as number) * scale + min - (k[i] as number))).toBeLessThanOrEqual(scale / 2 + 1e-7);
    expect(q.specs[1]?.quantization).toBeUndefined();
  });
});

describe('exportModel', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('writes a quantized generator that tf.loadLayersModel reads back, under the size budget', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvas-export-'));
    const g = buildGenerator(DEFAULT_CONFIG);
    const e = toExportGenerator(DEFAULT_CONFIG, g.getWeights());
    const bytes = await exportModel(e, dir, true);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    const z = tf.randomNormal([4, DEFAULT_CONFIG.zDim], 0, 1, 'float32', 9);
    const a = e.predict(z) as tf.Tensor;
    const b = loaded.predict(z) as tf.Tensor;
    const err = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN;
    expect(err).toBeLessThan(0.1); // uint8 kernels: small, bounded deviation on tanh outputs
    const manifest = updateManifest(
      dir,
      {
        id: 't',
        runId: 't',
        description: '',
        resolution: 64,
        zDim: 100,
        architecture: DEFAULT_CONFIG,
        training: {},
        quantization: 'uint8',
        dataset: { name: 'x', images: 1, heldOut: 0, sources: [] },
      },
      { step: 0, path: '.', bytes, createdAt: new Date().toISOString() },
    );
    expect(manifest.checkpoints).toHaveLength(1);
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(onDisk.totalBytes).toBe(bytes);
  });
});
