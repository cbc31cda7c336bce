import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../lib/gan/offline/backend';
import { pix2pixManifestSchema } from '../../lib/gan/manifest';
import {
  PIX2PIX_CONFIG,
  PIX2PIX_SMOKE_CONFIG,
  buildPix2PixDiscriminator,
  buildPix2PixGenerator,
  patchGrid,
  medianOf,
  paintLines,
  PAINT_SHIFTS,
  shiftImages,
  patchReceptiveField,
  pix2pixInputChannels,
  toExportPix2PixGenerator,
  type Pix2PixConfig,
} from '../../lib/gan/pix2pix';
import { doodleModelInput } from '../../lib/gan/doodle-input';
import { syntheticPairs } from '../../lib/gan/offline/pix2pix-synthetic';
import { DEFAULT_PIX2PIX_HYPER, Pix2PixTrainer, lrFactor } from '../../lib/gan/offline/pix2pix-trainer';
import { exportModel, fileLoadHandler } from '../../training/export';
import { parseOptions, trainDoodles } from '../../training/train-doodles';
import { stopAndResume } from '../helpers/smoke-run';

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);

describe('pix2pix model', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('G maps [n,64,64,1] to [n,64,64,3] in [-1,1]; D gives an 8x8 patch grid', () => {
    const cfg = PIX2PIX_CONFIG;
    const g = buildPix2PixGenerator(cfg);
    const d = buildPix2PixDiscriminator(cfg);
    const x = tf.randomUniform([2, 64, 64, 1], -1, 1, 'float32', 3);
    const y = g.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 64, 64, 3]);
    const [lo, hi] = tf.tidy(() => [tf.min(y).dataSync()[0] ?? NaN, tf.max(y).dataSync()[0] ?? NaN]);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    const logits = d.predict(tf.concat([x, y], 3)) as tf.Tensor;
    expect(logits.shape).toEqual([2, 8, 8, 1]);
    expect(patchGrid(cfg)).toBe(8);
    expect(patchReceptiveField(cfg)).toBe(46);
    // pix2pix's 70x70 PatchGAN: three stride-2 and two stride-1 4x4 convs; ours has one stride-1
    expect(patchReceptiveField({ ...cfg, dDown: 3 })).toBe(46);
    tf.dispose([x, y, logits]);
    g.dispose();
    d.dispose();
  });

  it('moves images by whole pixels, filling what enters with the given value', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1])
    expect(Array.from(shiftImages(x, 1, 0, 0).dataSync())).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8])
    expect(Array.from(shiftImages(x, -1, 0, 0).dataSync())).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0])
    expect(Array.from(shiftImages(x, 0, 1, -1).dataSync())).toEqual([-1, -1, -1, 1, 2, 3, 4, 5, 6])
    expect(Array.from(shiftImages(x, 0, -1, 0).dataSync())).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0])
    expect(Array.from(shiftImages(x, 0, 0, 0).dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    x.dispose()
  })

  it('medianOf: the per-element median, the mean of the middle two for an even count', () => {
    const t = (v: number[]) => tf.tensor4d(v, [1, 1, 1, v.length])
    const odd = medianOf([t([3, -1]), t([1, 5]), t([2, 0])])
    expect(Array.from(odd.dataSync())).toEqual([2, 0])
    const even = medianOf([t([4]), t([-2]), t([1]), t([10])])
    expect(Array.from(even.dataSync())).toEqual([2.5])
    expect(Array.from(medianOf([t([7])]).dataSync())).toEqual([7])
    expect(() => medianOf([])).toThrow(/no tensors/)
    tf.dispose([odd, even])
  })

  it('paints as the per-pixel median of G over the doodle moved by a pixel each way and mirrored, each moved back: mirroring the doodle mirrors the painting', () => {
    const g = buildPix2PixGenerator(PIX2PIX_SMOKE_CONFIG);
    const x = tf.randomUniform([2, 64, 64, 1], -1, 1, 'float32', 11) as tf.Tensor4D;
    const mirror = (t: tf.Tensor4D) => tf.reverse(t, 2) as tf.Tensor4D;
    const painted = paintLines(g, x);
    expect(painted.shape).toEqual([2, 64, 64, 3]);
    expect(PAINT_SHIFTS).toHaveLength(5);
    const members = PAINT_SHIFTS.flatMap(([dx, dy]) =>
      tf.tidy(() => {
        const moved = shiftImages(x, dx, dy, 1);
        return [
          shiftImages(g.predict(moved) as tf.Tensor4D, -dx, -dy, 1),
          shiftImages(mirror(g.predict(mirror(moved)) as tf.Tensor4D), -dx, -dy, 1),
        ];
      }),
    );
    // the reference median, element by element in plain JS
    const values = members.map((m) => m.dataSync());
    const byHand = new Float32Array(values[0]?.length ?? 0).map((_, i) => {
      const v = values.map((a) => a[i] ?? NaN).sort((a, b) => a - b);
      return ((v[4] ?? NaN) + (v[5] ?? NaN)) / 2;
    });
    expect(maxAbs(painted, tf.tensor4d(byHand, [2, 64, 64, 3]))).toBeLessThan(1e-5);
    const ofMirror = paintLines(g, mirror(x));
    expect(maxAbs(ofMirror, mirror(painted))).toBeLessThan(1e-5);
    // and it is not plain G (an untrained G is not symmetric), nor the mean of the ten
    const plain = g.predict(x) as tf.Tensor;
    expect(maxAbs(painted, plain)).toBeGreaterThan(1e-3);
    const mean = tf.div(tf.addN(members), members.length);
    expect(maxAbs(painted, mean)).toBeGreaterThan(1e-4);
    tf.dispose([x, painted, ofMirror, plain, mean, ...members]);
    g.dispose();
  });

  it('has skip connections: concatenate layers, and one input pixel changes the output near it only', () => {
    const cfg: Pix2PixConfig = { ...PIX2PIX_SMOKE_CONFIG, dropout: 0 };
    const g = buildPix2PixGenerator(cfg);
    const concats = g.layers.filter((l) => l.getClassName() === 'Concatenate');
    expect(concats).toHaveLength(cfg.depth - 1);
    const base = new Float32Array(64 * 64).fill(1);
    const poked = base.slice();
    poked[40 * 64 + 20] = -1; // one ink pixel at (y 40, x 20)
    const a = g.predict(tf.tensor4d(base, [1, 64, 64, 1])) as tf.Tensor;
    const b = g.predict(tf.tensor4d(poked, [1, 64, 64, 1])) as tf.Tensor;
    const diff = tf.tidy(() => tf.sum(tf.abs(tf.sub(a, b)), 3).squeeze().arraySync() as number[][]);
    const at = (y0: number, y1: number, x0: number, x1: number): number => {
      let m = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m = Math.max(m, diff[y]?.[x] ?? 0);
      return m;
    };
    const near = at(38, 43, 18, 23);
    expect(near).toBeGreaterThan(1e-4);
    // far corner: the change there (through the bottleneck) is much smaller than near the pixel
    expect(at(0, 8, 56, 64)).toBeLessThan(near / 2);
    tf.dispose([a, b]);
    g.dispose();
  });

  it('the export form (built-in layers only) reproduces the train form, also after uint8 quantization', async () => {
    const cfg: Pix2PixConfig = { ...PIX2PIX_SMOKE_CONFIG, gWidth: 8 };
    const g = buildPix2PixGenerator(cfg);
    expect(g.layers.some((l) => l.getClassName() === 'GanvasResizeConv2D')).toBe(true);
    const e = toExportPix2PixGenerator(cfg, g.getWeights());
    expect(e.layers.some((l) => l.getClassName() === 'GanvasResizeConv2D')).toBe(false);
    const pairs = syntheticPairs(5, 0, 3, 64);
    const x = tf.tensor4d(pairs.line, [3, 64, 64, 1]);
    const a = g.predict(x) as tf.Tensor;
    const b = e.predict(x) as tf.Tensor;
    expect(maxAbs(a, b)).toBeLessThan(1e-4);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvas-p2p-export-'));
    await exportModel(e, dir, true);
    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    const c = loaded.predict(x) as tf.Tensor;
    expect(maxAbs(a, c)).toBeLessThan(0.1);
    tf.dispose([x, a, b, c]);
    g.dispose();
    e.dispose();
    loaded.dispose();
  });

  it('decays both learning rates linearly to 0 over lrDecay, and a step at rate 0 changes no weight', () => {
    expect([0, 10, 11, 15, 20, 30].map((step) => lrFactor(step, { from: 10, to: 20 }))).toEqual([1, 1, 0.9, 0.5, 0, 0]);
    expect(lrFactor(1e6, null)).toBe(1);
    const hyper = { ...DEFAULT_PIX2PIX_HYPER, batch: 2, emaDecay: 0, lrDecay: { from: 1, to: 3 } };
    const pairs = syntheticPairs(3, 0, 2, 64);
    const batch = { line: pairs.line, colour: pairs.color };
    const t = new Pix2PixTrainer(PIX2PIX_SMOKE_CONFIG, hyper, 5);
    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      t.trainStep(batch);
      rates.push(t.gOpt.rate, t.dOpt.rate);
    }
    expect(rates.map((r) => +r.toExponential(6))).toEqual([2e-4, 2e-4, 2e-4, 2e-4, 1e-4, 1e-4]);
    // step 3 runs at factor 0: no trainable weight moves (BatchNorm's moving statistics do)
    const trainable = () => t.G.trainableWeights.map((w) => w.read().dataSync().slice());
    const before = trainable();
    t.trainStep(batch);
    expect(t.gOpt.rate).toBe(0);
    trainable().forEach((w, i) => expect(w).toEqual(before[i]));
    t.dispose();
  });

  it('weighs the L1 term 1 + hintL1Weight on hinted pixels, and with weight so learns the hinted regions faster', () => {
    const cfg: Pix2PixConfig = { ...PIX2PIX_SMOKE_CONFIG, hintChannels: true };
    const R = cfg.resolution;
    const pairs = syntheticPairs(11, 0, 4, R);
    // one hint in the middle of each image, in the truth's colour there
    const hints = Array.from({ length: 4 }, (_, k) => {
      const o = (k * R * R + 32 * R + 32) * 3;
      const c = (v: number) => Math.round((v + 1) * 127.5);
      return [{ x: 32.5, y: 32.5, r: c(pairs.color[o] as number), g: c(pairs.color[o + 1] as number), b: c(pairs.color[o + 2] as number) }];
    });
    const line = doodleModelInput(pairs.line, 4, R, cfg, hints);
    const batch = { line, colour: pairs.color };
    const x = tf.tensor4d(line, [4, R, R, pix2pixInputChannels(cfg)]);
    const hyper = { ...DEFAULT_PIX2PIX_HYPER, batch: 4, lrG: 2e-3, emaDecay: 0 };
    const plain = new Pix2PixTrainer(cfg, hyper, 7);
    const weighted = new Pix2PixTrainer(cfg, { ...hyper, hintL1Weight: 8 }, 7);
    expect(plain.hintWeights(x)).toBeNull();
    const w = weighted.hintWeights(x) as tf.Tensor4D;
    const maskChannel = pix2pixInputChannels(cfg) - 1;
    const wv = w.dataSync();
    for (let p = 0; p < 4 * R * R; p++) expect(wv[p]).toBe((line[p * (maskChannel + 1) + maskChannel] as number) < 0 ? 9 : 1);
    expect(Array.from(wv).filter((v) => v === 9).length).toBeGreaterThan(0);
    w.dispose();
    // the error on the hinted pixels after a few steps from the same start
    const hintedL1 = (t: Pix2PixTrainer): number => {
      for (let i = 0; i < 10; i++) t.trainStep(batch);
      const out = t.translate(x);
      const y = out.dataSync();
      out.dispose();
      let sum = 0;
      let n = 0;
      for (let p = 0; p < 4 * R * R; p++) {
        if ((line[p * (maskChannel + 1) + maskChannel] as number) >= 0) continue;
        for (let c = 0; c < 3; c++) sum += Math.abs((y[3 * p + c] as number) - (pairs.color[3 * p + c] as number));
        n += 3;
      }
      t.dispose();
      return sum / n;
    };
    // seeded: 0.36 against 0.43 on the hinted pixels
    expect(hintedL1(weighted)).toBeLessThan(hintedL1(plain));
    x.dispose();
  });

  it('training steps reduce L1 on a fixed synthetic pair set, deterministically and without leaking tensors', () => {
    const cfg: Pix2PixConfig = PIX2PIX_SMOKE_CONFIG;
    const hyper = { ...DEFAULT_PIX2PIX_HYPER, batch: 4, lrG: 2e-3, lrD: 2e-4, emaDecay: 0 };
    const pairs = syntheticPairs(11, 0, 4, 64);
    const batch = { line: pairs.line, colour: pairs.color };
    const run = (steps: number): { first: number; last: number; stats: number[]; tensors: number[] } => {
      const t = new Pix2PixTrainer(cfg, hyper, 7);
      const first = t.l1(batch, 4);
      const tensors: number[] = [];
      let stats: number[] = [];
      for (let i = 0; i < steps; i++) {
        const s = t.trainStep(batch);
        stats = [s.lossD, s.lossGAdv, s.lossL1, s.dReal, s.dFake];
        tensors.push(tf.memory().numTensors);
      }
      const last = t.l1(batch, 4);
      t.dispose();
      return { first, last, stats, tensors };
    };
    const before = tf.memory().numTensors;
    const r = run(12);
    expect(tf.memory().numTensors).toBe(before);
    for (const v of r.stats) expect(Number.isFinite(v)).toBe(true);
    expect(new Set(r.tensors.slice(1)).size).toBe(1);
    expect(r.last).toBeLessThan(r.first * 0.8);
    // same seed, same losses (dropout masks and initialisation come from the seed)
    const r2 = run(3);
    const r3 = run(3);
    expect(r3.stats).toEqual(r2.stats);
  });
});

describe('train-doodles smoke run', () => {
  it('trains, checkpoints, resumes at the same step, exports and logs', async () => {
    const { opts, second, log } = await stopAndResume('doodles-smoke', parseOptions, trainDoodles);
    for (const r of log) {
      for (const k of ['lossD', 'lossGAdv', 'lossL1', 'dReal', 'dFake', 'ms']) expect(Number.isFinite(r[k])).toBe(true);
    }
    const manifest = pix2pixManifestSchema.parse(JSON.parse(readFileSync(path.join(second.modelDir, 'manifest.json'), 'utf8')));
    expect(manifest.kind).toBe('pix2pix');
    expect(manifest.checkpoints.map((c) => c.step)).toEqual([0, 6]);
    expect(manifest.dataset.sources.some((s) => s.url === 'https://openmoji.org')).toBe(true);
    const last = manifest.checkpoints.at(-1);
    const g = await tf.loadLayersModel(fileLoadHandler(path.join(second.modelDir, last?.path ?? '')));
    const y = g.predict(tf.zeros([1, 64, 64, opts.config.inChannels])) as tf.Tensor;
    expect(y.shape).toEqual([1, 64, 64, 3]);
    expect(existsSync(path.join(second.ckptDir, 'state.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(second.ckptDir, 'state.json'), 'utf8')).kind).toBe('pix2pix');
  });
});
