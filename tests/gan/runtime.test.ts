// The browser runtime's generate path, run in Node on the cpu backend against a generator built
// and exported by the project's own code (the same files the browser loads).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGenerator, SMOKE_CONFIG, toExportGenerator } from '../../lib/gan/architecture';
import { sampleLatents } from '../../lib/gan/latent';
import { generatePixels, initBackend, isSoftwareRenderer, latentSize, loadGenerator } from '../../lib/gan/runtime';
import { exportModel, fileLoadHandler } from '../../training/export';

const dir = mkdtempSync(path.join(tmpdir(), 'ganvas-runtime-'));
let model: tf.LayersModel;
const progress: number[] = [];

beforeAll(async () => {
  expect((await initBackend({ prefer: 'cpu' })).name).toBe('cpu');
  const trained = buildGenerator(SMOKE_CONFIG);
  const exported = toExportGenerator(SMOKE_CONFIG, trained.getWeights());
  await exportModel(exported, dir);
  trained.dispose();
  exported.dispose();
  model = await loadGenerator(fileLoadHandler(dir), (f) => progress.push(f));
});
afterAll(() => {
  model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('runtime', () => {
  it('loads an exported generator and reports progress up to 1', () => {
    expect(latentSize(model)).toBe(SMOKE_CONFIG.zDim);
    expect(progress.at(-1)).toBe(1);
  });

  it('generates one opaque RGBA image per latent, deterministically, without leaking tensors', async () => {
    const latents = sampleLatents(5, 3, SMOKE_CONFIG.zDim);
    const before = tf.memory().numTensors;
    const a = await generatePixels(model, latents);
    const b = await generatePixels(model, latents);
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(3);
    const r = SMOKE_CONFIG.resolution;
    expect(a[0]).toMatchObject({ width: r, height: r });
    expect(a[0]!.data.length).toBe(r * r * 4);
    expect(a[0]!.data.filter((_, i) => i % 4 === 3).every((v) => v === 255)).toBe(true);
    expect(Array.from(a[1]!.data)).toEqual(Array.from(b[1]!.data));
    expect(Array.from(a[0]!.data)).not.toEqual(Array.from(a[1]!.data));
  });

  it('truncation psi = 0 maps every latent to the same mean image', async () => {
    const [x, y] = await generatePixels(model, sampleLatents(9, 2, SMOKE_CONFIG.zDim), 0);
    expect(Array.from(x!.data)).toEqual(Array.from(y!.data));
  });

  it('recognises software WebGL renderers', () => {
    expect(isSoftwareRenderer('Google SwiftShader')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)')).toBe(false);
  });
});
