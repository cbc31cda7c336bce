// The 4x upscaler: its shapes, its starting point (exactly a bilinear enlargement), the crops it
// trains on (input and target aligned, also flipped), the degradations against reference
// implementations, seeded training, checkpoints that resume exactly, the smoke run of its CLI,
// and its data: no held-out emoji in training, and the generator's own split.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/gan/rng';
import { buildUpscaler, SMOKE_UPSCALER, upscale } from '../../lib/gan/upscaler';
import { blur, cropBatch, DEFAULT_UPSCALER_HYPER, degrade, UpscalerTrainer, type PixelPair } from '../../lib/gan/offline/upscaler-trainer';
import { splitByGroup, type FaceFile, type Vendor } from '../../training/dataset-select';
import type { DatasetIndex } from '../../training/data-format';
import { vectorFaces } from '../../training/upscale-data';
import { loadUpscalerCheckpoint, parseUpscalerOptions, saveUpscalerCheckpoint, syntheticUpscalePairs, trainUpscaler } from '../../training/train-upscaler';
import { fileLoadHandler } from '../../training/export';
import { stopAndResume } from '../helpers/smoke-run';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the upscaler network', () => {
  it('enlarges any size 4x, and starts as exactly a bilinear enlargement', () => {
    const m = buildUpscaler(SMOKE_UPSCALER)
    for (const [h, w] of [
      [8, 8],
      [12, 20],
    ] as const) {
      const x = tf.randomUniform([2, h, w, 3], -1, 1, 'float32', 3) as tf.Tensor4D
      const y = m.predict(x) as tf.Tensor4D
      expect(y.shape).toEqual([2, 4 * h, 4 * w, 3])
      // the residual's last layer starts at zero: what remains is the bilinear base
      const bilinear = tf.image.resizeBilinear(x, [4 * h, 4 * w])
      expect(tf.max(tf.abs(tf.sub(y, bilinear))).dataSync()[0]).toBeLessThan(1e-5)
      tf.dispose([x, y, bilinear])
    }
    const out = upscale(m, tf.fill([1, 4, 4, 3], 5) as tf.Tensor4D)
    expect(out.max().dataSync()[0]).toBe(1) // clipped to the pixel range
    m.dispose()
  })
})

describe('training crops', () => {
  // a target that is the input enlarged by pixel replication: every aligned crop must keep it so
  const replicated = (n: number, side: number, seed: number): PixelPair[] => {
    const rng = new Rng(seed)
    return Array.from({ length: n }, () => {
      const low = Uint8Array.from({ length: side * side * 3 }, () => rng.int(256))
      const high = new Uint8Array(16 * side * side * 3)
      for (let y = 0; y < 4 * side; y++) for (let x = 0; x < 4 * side; x++) for (let c = 0; c < 3; c++) high[(y * 4 * side + x) * 3 + c] = low[((y >> 2) * side + (x >> 2)) * 3 + c] as number
      return { low, high }
    })
  }

  it('cut the same window from input and target (4x), flipped together', () => {
    const side = 16
    const crop = 6
    const { x, y } = cropBatch(replicated(3, side, 1), side, crop, 12, 0, new Rng(5))
    for (let b = 0; b < 12; b++)
      for (let j = 0; j < 4 * crop; j++)
        for (let i = 0; i < 4 * crop; i++)
          for (let c = 0; c < 3; c++) {
            const target = y[((b * 4 * crop + j) * 4 * crop + i) * 3 + c]
            const input = x[((b * crop + (j >> 2)) * crop + (i >> 2)) * 3 + c]
            expect(target).toBeCloseTo(input as number, 6)
          }
  })

  it('degrade only the input, within the pixel range', () => {
    const pairs = replicated(2, 16, 2)
    let changed = 0
    for (let seed = 0; seed < 8; seed++) {
      const clean = cropBatch(pairs, 16, 8, 1, 0, new Rng(seed))
      const soft = cropBatch(pairs, 16, 8, 1, 1, new Rng(seed))
      expect(soft.y).toEqual(clean.y)
      if (soft.x.some((v, i) => v !== clean.x[i])) changed++
      expect(Math.max(...soft.x)).toBeLessThanOrEqual(1)
      expect(Math.min(...soft.x)).toBeGreaterThanOrEqual(-1)
    }
    expect(changed).toBeGreaterThan(4)
  })

  it('blur as a 2-D Gaussian convolution with clamped edges (reference: the direct double sum)', () => {
    const side = 9
    const sigma = 0.9
    const rng = new Rng(4)
    const px = Float32Array.from({ length: side * side * 3 }, () => rng.uniform() * 2 - 1)
    const ref = new Float32Array(px.length)
    const r = Math.ceil(2 * sigma)
    const k = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma))
    let norm = 0
    for (let d = -r; d <= r; d++) norm += k(d)
    const clamp = (v: number) => Math.max(0, Math.min(side - 1, v))
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0
          for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) s += (k(dx) * k(dy) * (px[(clamp(y + dy) * side + clamp(x + dx)) * 3 + c] as number)) / (norm * norm)
          ref[(y * side + x) * 3 + c] = s
        }
    blur(px, side, sigma)
    for (let i = 0; i < px.length; i++) expect(px[i]).toBeCloseTo(ref[i] as number, 5)
    // and a flat image stays flat under every degradation but the colour shift and noise
    const flat = new Float32Array(side * side * 3).fill(0.5)
    blur(flat, side, 1.1)
    expect(Math.max(...flat.map((v) => Math.abs(v - 0.5)))).toBeLessThan(1e-6)
    degrade(flat, side, new Rng(1))
    expect(flat.every((v) => v >= -1 && v <= 1)).toBe(true)
  })
})

describe('the upscaler trainer', () => {
  const pairs = syntheticUpscalePairs(6, 3, 16)
  const hyper = { ...DEFAULT_UPSCALER_HYPER, batch: 4, crop: 8, steps: 40, lr: 3e-3 }

  it('is seeded: the same seed trains the same way; the loss falls on synthetic pairs', () => {
    const run = (n: number) => {
      const t = new UpscalerTrainer(SMOKE_UPSCALER, hyper, 11)
      const losses = Array.from({ length: n }, () => t.trainStep(pairs, 16))
      t.model.dispose()
      return losses
    }
    const a = run(40)
    expect(run(5)).toEqual(a.slice(0, 5))
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length
    expect(mean(a.slice(-10))).toBeLessThan(mean(a.slice(0, 10)))
  })

  it('resumes from a checkpoint exactly where it stopped', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ganvas-upscaler-ckpt-')), 'latest')
    const a = new UpscalerTrainer(SMOKE_UPSCALER, hyper, 5)
    for (let i = 0; i < 4; i++) a.trainStep(pairs, 16)
    await saveUpscalerCheckpoint(dir, a, { runId: 't', seed: 5, trainSeconds: 1 })
    const next = a.trainStep(pairs, 16)
    const b = new UpscalerTrainer(SMOKE_UPSCALER, hyper, 99)
    await loadUpscalerCheckpoint(dir, b)
    expect(b.step).toBe(4)
    expect(b.trainStep(pairs, 16)).toBeCloseTo(next, 6)
    a.model.dispose()
    b.model.dispose()
  })

  it('smoke run of npm run train:upscaler: trains, checkpoints, resumes, exports a loadable model', async () => {
    const { second, log } = await stopAndResume('upscaler-smoke', parseUpscalerOptions, trainUpscaler)
    for (const r of log) expect(Number.isFinite(r.l1)).toBe(true)
    const m = await tf.loadLayersModel(fileLoadHandler(second.modelDir))
    const y = m.predict(tf.zeros([1, 64, 64, 3])) as tf.Tensor
    expect(y.shape).toEqual([1, 256, 256, 3])
    expect(JSON.parse(readFileSync(path.join(second.modelDir, 'upscaler.json'), 'utf8'))).toMatchObject({ step: 6, scale: 4 })
  })
})

describe('the upscaler data', () => {
  const index = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../training/data/faces64.json'), 'utf8')) as DatasetIndex
  const files: Record<string, string> = { openmoji: 'openmoji/color/svg/x.svg', 'fluent-flat': 'fluentui-emoji/icons/flat/x.svg', 'fluent-modern': 'fluentui-emoji/icons/modern/x.svg', google: 'emoji-datasource-google/img/google/64/x.png', twitter: 'emoji-datasource-twitter/img/twitter/64/x.png' }
  const faces: FaceFile[] = index.images.map((im) => ({ id: im.id, vendor: im.vendor as Vendor, unified: im.id.split('/')[1] ?? '', group: im.group, name: im.name, file: files[im.vendor] ?? '' }))

  it('splits by emoji exactly as the generator\'s data set does, and no held-out emoji is trained on', () => {
    const held = splitByGroup(faces)
    for (const im of index.images) expect(held.has(im.group) ? 'heldout' : 'train').toBe(im.split)
    const vector = vectorFaces(faces)
    expect(new Set(vector.map((f) => f.vendor))).toEqual(new Set(['openmoji', 'fluent-flat', 'fluent-modern']))
    const trainGroups = new Set(vector.filter((f) => !held.has(f.group)).map((f) => f.group))
    const heldGroups = new Set(vector.filter((f) => held.has(f.group)).map((f) => f.group))
    expect([...heldGroups].filter((g) => trainGroups.has(g))).toEqual([])
    expect(heldGroups.size).toBeGreaterThan(10)
  })
})
