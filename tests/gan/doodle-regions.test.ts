import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../lib/gan/offline/backend';
import { ENCLOSED, doodleRegions } from '../../lib/gan/doodle-regions';
import { doodleModelInput } from '../../lib/gan/doodle-input';
import { anchorHintColours } from '../../lib/gan/doodle-hints';
import { PIX2PIX_SMOKE_CONFIG, buildPix2PixGenerator, paintDoodles, paintLines, pix2pixInputChannels } from '../../lib/gan/pix2pix';
import { syntheticPairs } from '../../lib/gan/offline/pix2pix-synthetic';
import { DEFAULT_PIX2PIX_HYPER, Pix2PixTrainer } from '../../lib/gan/offline/pix2pix-trainer';
import { insertZeroInputChannel, widenDoodleInput } from '../../training/widen-doodle-input';
import { loadCheckpoint, saveCheckpoint } from '../../training/checkpoint';
import { fileLoadHandler } from '../../training/export';
import { squareOutlines } from '../helpers/line-art';
import { parseOptions, trainDoodles } from '../../training/train-doodles';

const LINES = { regionChannel: false, hintChannels: false };
const REGIONS = { regionChannel: true, hintChannels: false };
const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);

/** An S x S white line image with a closed black square outline from (a, a) to (b, b). */
const square = (S: number, a: number, b: number): Float32Array => squareOutlines(S, [a, b]);

describe('region channel: the model input', () => {
  it('is the line image as it is for a line-only model', () => {
    const line = square(8, 2, 5);
    expect(doodleModelInput(line, 1, 8, LINES)).toBe(line);
  });

  it('interleaves each pixel with -1 where the lines enclose white, +1 on ink and background', () => {
    const S = 8;
    const two = new Float32Array(2 * S * S);
    two.set(square(S, 2, 5));
    two.set(square(S, 1, 3), S * S);
    const x = doodleModelInput(two, 2, S, REGIONS);
    expect(x).toHaveLength(2 * S * S * 2);
    for (let k = 0; k < 2; k++) {
      const regions = doodleRegions(two, S, undefined, k * S * S);
      for (let p = 0; p < S * S; p++) {
        expect(x[2 * (k * S * S + p)]).toBe(two[k * S * S + p]);
        expect(x[2 * (k * S * S + p) + 1]).toBe(regions[p] === 2 ? ENCLOSED : 1);
      }
    }
    // the first square encloses 2x2 pixels, the second 1
    const enclosed = (k: number) => Array.from({ length: S * S }, (_, p) => x[2 * (k * S * S + p) + 1]).filter((v) => v === ENCLOSED).length;
    expect([enclosed(0), enclosed(1)]).toEqual([4, 1]);
    expect(() => doodleModelInput(two, 3, S, REGIONS)).toThrow(/128 values for 3 line images/);
  });
});

describe('region channel: widening a trained checkpoint', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('inserts a zero input channel into a conv kernel, so the conv computes what it did', () => {
    const shape = [2, 2, 3, 2];
    const k = Float32Array.from({ length: 24 }, (_, i) => i + 1);
    const { data, shape: wide } = insertZeroInputChannel(k, shape, 1);
    expect(wide).toEqual([2, 2, 4, 2]);
    // tap 0: channels 0, new, 1, 2 -> [1 2] [0 0] [3 4] [5 6]
    expect(Array.from(data.subarray(0, 8))).toEqual([1, 2, 0, 0, 3, 4, 5, 6]);
    expect(Array.from(data.subarray(24, 32))).toEqual([19, 20, 0, 0, 21, 22, 23, 24]);
    const x = tf.randomUniform([1, 5, 5, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const extra = tf.randomUniform([1, 5, 5, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
    const before = tf.conv2d(x, tf.tensor4d(k, [2, 2, 3, 2]), 1, 'same');
    const xWide = tf.concat([tf.slice(x, [0, 0, 0, 0], [1, 5, 5, 1]), extra, tf.slice(x, [0, 0, 0, 1], [1, 5, 5, 2])], 3) as tf.Tensor4D;
    const after = tf.conv2d(xWide, tf.tensor4d(data, [2, 2, 4, 2]), 1, 'same');
    expect(maxAbs(before, after)).toBeLessThan(1e-5);
    expect(() => insertZeroInputChannel(k, shape, 4)).toThrow(/outside 0\.\.3/);
    expect(() => insertZeroInputChannel(k, [2, 2, 3, 3], 0)).toThrow(/is not/);
    tf.dispose([x, extra, before, xWide, after]);
  });

  it('the widened G, D and EMA compute what the old ones did, and the new channel trains', async () => {
    const cfg = PIX2PIX_SMOKE_CONFIG;
    const hyper = { ...DEFAULT_PIX2PIX_HYPER, batch: 2 };
    const pairs = syntheticPairs(3, 0, 2, cfg.resolution);
    const old = new Pix2PixTrainer(cfg, hyper, 7);
    old.trainStep({ line: pairs.line, colour: pairs.color });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvas-widen-test-'));
    await saveCheckpoint(path.join(dir, 'old'), old, { runId: 'old', seed: 7, loader: { epoch: 0, position: 2 }, trainSeconds: 1, kind: 'pix2pix' });
    const st = widenDoodleInput(path.join(dir, 'old'), path.join(dir, 'wide'), 'wide', 'region');
    expect(st.config.regionChannel).toBe(true);
    expect(st.runId).toBe('wide');
    expect(() => widenDoodleInput(path.join(dir, 'wide'), path.join(dir, 'again'), 'x', 'region')).toThrow(/already reads/);

    const wideCfg = { ...cfg, regionChannel: true };
    expect(pix2pixInputChannels(wideCfg)).toBe(2);
    const wide = new Pix2PixTrainer(wideCfg, hyper, 99);
    await loadCheckpoint(path.join(dir, 'wide'), wide);
    expect(wide.step).toBe(1);
    const R = cfg.resolution;
    const line = tf.tensor4d(pairs.line, [2, R, R, 1]);
    const input = tf.tensor4d(doodleModelInput(pairs.line, 2, R, REGIONS), [2, R, R, 2]);
    const colour = tf.tensor4d(pairs.color, [2, R, R, 3]);
    const outs = tf.tidy(() => {
      const gOld = old.G.predict(line) as tf.Tensor;
      const gWide = wide.G.predict(input) as tf.Tensor;
      const dOld = old.D.predict(tf.concat([line, colour], 3)) as tf.Tensor;
      const dWide = wide.D.predict(tf.concat([input, colour], 3)) as tf.Tensor;
      return [maxAbs(gOld, gWide), maxAbs(dOld, dWide)];
    });
    expect(outs[0]).toBeLessThan(1e-5);
    expect(outs[1]).toBeLessThan(1e-5);
    const emaOld = old.emaGenerator();
    const emaWide = wide.emaGenerator();
    const painted = [paintLines(emaOld, line), paintDoodles(emaWide, pairs.line, 2, R)];
    expect(maxAbs(painted[0] as tf.Tensor, painted[1] as tf.Tensor)).toBeLessThan(1e-5);

    // one step of the widened model moves the new channel's kernel off zero (Adam state loaded)
    const newChannel = () => tf.tidy(() => tf.max(tf.abs(tf.slice(wide.G.weights[0]?.read() as tf.Tensor4D, [0, 0, 1, 0], [-1, -1, 1, -1]))).dataSync()[0] ?? NaN);
    expect(newChannel()).toBe(0);
    wide.trainStep({ line: doodleModelInput(pairs.line, 2, R, REGIONS), colour: pairs.color });
    expect(newChannel()).toBeGreaterThan(0);
    tf.dispose([line, input, colour, ...painted]);
    [old, wide, emaOld, emaWide].forEach((m) => m.dispose());
  });

  it('paintDoodles builds the input the generator reads: the line alone, or line and regions', () => {
    const R = PIX2PIX_SMOKE_CONFIG.resolution;
    const { line } = syntheticPairs(5, 0, 2, R);
    const g1 = buildPix2PixGenerator(PIX2PIX_SMOKE_CONFIG);
    const g2 = buildPix2PixGenerator({ ...PIX2PIX_SMOKE_CONFIG, regionChannel: true });
    const g3 = buildPix2PixGenerator({ ...PIX2PIX_SMOKE_CONFIG, inChannels: 3 });
    const a = [paintDoodles(g1, line, 2, R), tf.tidy(() => paintLines(g1, tf.tensor4d(line, [2, R, R, 1])))];
    const b = [paintDoodles(g2, line, 2, R), tf.tidy(() => paintLines(g2, tf.tensor4d(doodleModelInput(line, 2, R, REGIONS), [2, R, R, 2])))];
    expect(maxAbs(a[0] as tf.Tensor, a[1] as tf.Tensor)).toBe(0);
    expect(maxAbs(b[0] as tf.Tensor, b[1] as tf.Tensor)).toBe(0);
    expect(() => paintDoodles(g3, line, 2, R)).toThrow(/reads 3 channels/);
    tf.dispose([...a, ...b]);
    [g1, g2, g3].forEach((g) => g.dispose());
  });

  it('train:doodles --region-channel trains a model that reads both channels, and the studio paints with it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ganvas-regions-smoke-'));
    const opts = parseOptions(['--smoke', '--root', root, '--steps', '2', '--print-every', '100', '--region-channel', '--data', 'synthetic']);
    expect(opts.config.regionChannel).toBe(true);
    expect(parseOptions(['--smoke']).config.regionChannel).toBe(false);
    const run = await trainDoodles(opts);
    expect(run.step).toBe(2);
    const g = await tf.loadLayersModel(fileLoadHandler(path.join(run.modelDir, 'ckpt-000002')));
    expect(g.inputs[0]?.shape).toEqual([null, 64, 64, 2]);
    const { line } = syntheticPairs(9, 0, 1, 64);
    const painted = paintDoodles(g, line, 1, 64);
    expect(painted.shape).toEqual([1, 64, 64, 3]);
    painted.dispose();
    g.dispose();
  });
});

describe('hint channels: widening a trained checkpoint and training with hints', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('the model widened for hints paints as before without hints; with a hint it feels it; hints survive the painting ensemble', async () => {
    const cfg = PIX2PIX_SMOKE_CONFIG;
    const hyper = { ...DEFAULT_PIX2PIX_HYPER, batch: 2 };
    const pairs = syntheticPairs(3, 0, 2, cfg.resolution);
    const old = new Pix2PixTrainer(cfg, hyper, 7);
    old.trainStep({ line: pairs.line, colour: pairs.color });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvas-widen-hints-'));
    await saveCheckpoint(path.join(dir, 'old'), old, { runId: 'old', seed: 7, loader: { epoch: 0, position: 2 }, trainSeconds: 1, kind: 'pix2pix' });
    const st = widenDoodleInput(path.join(dir, 'old'), path.join(dir, 'wide'), 'wide', 'hints');
    expect(st.config).toMatchObject({ hintChannels: true, regionChannel: false });
    expect(() => widenDoodleInput(path.join(dir, 'wide'), path.join(dir, 'again'), 'x', 'hints')).toThrow(/already reads colour hints/);
    const wideCfg = { ...cfg, hintChannels: true };
    expect(pix2pixInputChannels(wideCfg)).toBe(5);
    const wide = new Pix2PixTrainer(wideCfg, hyper, 99);
    await loadCheckpoint(path.join(dir, 'wide'), wide);
    const R = cfg.resolution;
    const emaOld = old.emaGenerator();
    const emaWide = wide.emaGenerator();
    const plain = [paintDoodles(emaOld, pairs.line, 2, R), paintDoodles(emaWide, pairs.line, 2, R)];
    // zero kernels for the hint channels: the same function, hints or not, until it trains (the
    // network's own painting: anchoring would hold a hinted region to its hint whatever it painted)
    const hinted = paintDoodles(emaWide, pairs.line, 2, R, [[{ x: 30, y: 30, r: 255, g: 0, b: 0 }]], { anchor: false });
    expect(maxAbs(plain[0] as tf.Tensor, plain[1] as tf.Tensor)).toBeLessThan(1e-5);
    expect(maxAbs(plain[1] as tf.Tensor, hinted)).toBeLessThan(1e-5);
    const HINTS = { regionChannel: false, hintChannels: true };
    const input = doodleModelInput(pairs.line, 2, R, HINTS, [[{ x: 30, y: 30, r: 255, g: 0, b: 0 }]]);
    wide.trainStep({ line: input, colour: pairs.color });
    // after a step the hint channels' kernels are off zero and a hint changes the painting
    const hintKernel = tf.tidy(() => tf.max(tf.abs(tf.slice(wide.G.weights[0]?.read() as tf.Tensor4D, [0, 0, 1, 0], [-1, -1, 4, -1]))).dataSync()[0] ?? NaN);
    expect(hintKernel).toBeGreaterThan(0);
    const gNow = wide.G;
    const withHint = paintDoodles(gNow, pairs.line, 2, R, [[{ x: 30, y: 30, r: 255, g: 0, b: 0 }]], { anchor: false });
    const without = paintDoodles(gNow, pairs.line, 2, R);
    expect(maxAbs(withHint, without)).toBeGreaterThan(0);
    tf.dispose([...plain, hinted, withHint, without]);
    [old, wide, emaOld, emaWide].forEach((m) => m.dispose());
  });

  it('train:doodles --hint-channels trains on simulated hints and exports a model the studio paints with', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ganvas-hints-smoke-'));
    const opts = parseOptions(['--smoke', '--root', root, '--steps', '2', '--print-every', '100', '--hint-channels', '--data', 'synthetic']);
    expect(opts.config.hintChannels).toBe(true);
    const run = await trainDoodles(opts);
    expect(run.step).toBe(2);
    const g = await tf.loadLayersModel(fileLoadHandler(path.join(run.modelDir, 'ckpt-000002')));
    expect(g.inputs[0]?.shape).toEqual([null, 64, 64, 5]);
    const { line } = syntheticPairs(9, 0, 1, 64);
    const hints = [[{ x: 20, y: 20, r: 0, g: 0, b: 255 }]];
    const painted = paintDoodles(g, line, 1, 64, hints);
    expect(painted.shape).toEqual([1, 64, 64, 3]);
    // what the studio shows: the network's painting with each hinted region held to its hint
    const raw = paintDoodles(g, line, 1, 64, hints, { anchor: false });
    const anchored = anchorHintColours(Float32Array.from(raw.dataSync()), line, 1, 64, hints);
    expect(Array.from(painted.dataSync())).toEqual(Array.from(anchored));
    expect(maxAbs(painted, raw)).toBeGreaterThan(0);
    tf.dispose([painted, raw]);
    g.dispose();
  });
});
