// Live training (lib/gan/live-*.ts) in Node on the wasm backend with the project's kernels
// (the browser's fallback path), on the tiny SMOKE_CONFIG: the live export (training/export-live.ts)
// from a real checkpoint written by training/checkpoint.ts, its refusal of a step the manifest does
// not ship, a trainer rebuilt from it, a few steps, stopping, divergence, tensor bookkeeping, and
// the subset atlas against the data set it came from.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_CONFIG } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { sampleLatents } from '../../lib/gan/latent';
import { tilesFromAtlas, type ImageLike } from '../../lib/gan/live-data';
import { decodeLiveWeights, disposeLiveWeights, fetchLiveInfo, loadLiveWeights, specBytes, type FetchBytes, type LiveInfo } from '../../lib/gan/live-format';
import { imagesFromLatents } from '../../lib/gan/live-preview';
import { LiveSession, createLiveTrainer, type LiveProgress } from '../../lib/gan/live-train';
import { Rng } from '../../lib/gan/rng';
import { DEFAULT_HYPER, GanTrainer } from '../../lib/gan/trainer';
import { saveCheckpoint } from '../../training/checkpoint';
import { loadImageSet } from '../../training/data-loader';
import { exportLive, NotShippedError, toFloat16 } from '../../training/export-live';

const DATA_DIR = path.resolve(import.meta.dirname, '../../training/data');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ganvas-live-'));
const fileBytes =
  (dir: string): FetchBytes =>
  async (file, onProgress) => {
    const b = readFileSync(path.join(dir, file));
    onProgress?.(1);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };

let source: GanTrainer;
let info16: LiveInfo;
let info32: LiveInfo;
let atlas: ImageLike;
const R = SMOKE_CONFIG.resolution;

function randomBatch(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * R * R * 3 }, () => rng.uniform() * 2 - 1);
}

async function outputs(t: GanTrainer, seed: number): Promise<{ g: Float32Array; d: Float32Array }> {
  const eg = t.emaGenerator();
  const z = tf.tensor2d(new Rng(seed).normals(4 * SMOKE_CONFIG.zDim), [4, SMOKE_CONFIG.zDim]);
  const x = tf.tensor4d(randomBatch(4, seed + 1), [4, R, R, 3]);
  const gy = eg.predict(z) as tf.Tensor;
  const dy = t.D.predict(x) as tf.Tensor;
  const out = { g: (await gy.data()) as Float32Array, d: (await dy.data()) as Float32Array };
  tf.dispose([z, x, gy, dy]);
  eg.dispose();
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

beforeAll(async () => {
  await setupBackend('wasm');
  // a "trained" source: a few real steps so that BatchNorm statistics and EMA differ from init
  source = new GanTrainer(SMOKE_CONFIG, { ...DEFAULT_HYPER, batch: 4 }, 3);
  for (let i = 0; i < 3; i++) source.trainStep(randomBatch(4, 10 + i));
  const ckpt = path.join(tmp, 'ckpt');
  await saveCheckpoint(ckpt, source, { runId: 'live-test', seed: 3, loader: { epoch: 0, position: 0 }, trainSeconds: 1 });
  const common = { ckptDir: ckpt, dataDir: DATA_DIR, modelId: 'smoke', perSource: 5 };
  info16 = (await exportLive({ ...common, outDir: path.join(tmp, 'live16') })).info;
  info32 = (await exportLive({ ...common, outDir: path.join(tmp, 'live32'), precision: 'float32' })).info;
  const { data, info } = await sharp(path.join(tmp, 'live16', info16.subset.path)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  atlas = { width: info.width, height: info.height, data: new Uint8Array(data) };
}, 120_000);

afterAll(() => {
  source?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('live export', () => {
  it('describes itself: step, config, weight specs that add up to weights.bin', async () => {
    const info = await fetchLiveInfo(fileBytes(path.join(tmp, 'live16')));
    expect(info).toEqual(info16);
    expect(info.step).toBe(3);
    expect(info.config).toEqual(SMOKE_CONFIG);
    expect(info.weights.g.length).toBe(source.G.weights.length);
    expect(info.weights.d.length).toBe(source.D.weights.length);
    expect([...info.weights.g, ...info.weights.d].reduce((s, p) => s + specBytes(p), 0)).toBe(info.weights.bytes);
    expect(info.weights.g.some((s) => s.quantization?.dtype === 'float16')).toBe(true);
    expect(info32.weights.bytes).toBeGreaterThan(info.weights.bytes);
  });

  it('refuses, writing nothing, a checkpoint at a step the manifest does not export', async () => {
    const outDir = path.join(tmp, 'refused');
    const opt = { ckptDir: path.join(tmp, 'ckpt'), dataDir: DATA_DIR, outDir, modelId: 'smoke', perSource: 5 };
    await expect(exportLive({ ...opt, steps: [0, 25, 50] })).rejects.toThrow(NotShippedError);
    await expect(exportLive({ ...opt, steps: [0, 25, 50] })).rejects.toThrow(/step 3, not an exported checkpoint .*newest is 50/);
    expect(existsSync(outDir)).toBe(false);
    expect((await exportLive({ ...opt, steps: [0, 3] })).info.step).toBe(3);
  });

  it('float16 encoding matches tfjs decoding within half a unit in the last place', () => {
    const rng = new Rng(5);
    const v = Float32Array.from({ length: 2000 }, (_, i) => (rng.uniform() - 0.5) * 10 ** ((i % 12) - 7));
    v.set([0, -0, 1, -2, 65504, 1e-8, 6.1e-5, 3e-6]);
    const back = tf.io.decodeWeights(toFloat16(v).buffer, [{ name: 'x', shape: [v.length], dtype: 'float32', quantization: { dtype: 'float16' } }]);
    const x = back.x as tf.Tensor;
    const got = x.dataSync();
    x.dispose();
    v.forEach((a, i) => {
      // relative 2^-11 for normal halves; absolute 2^-25 (half the subnormal step) below 2^-14
      expect(Math.abs((got[i] as number) - a)).toBeLessThanOrEqual(Math.max(Math.abs(a) * 2 ** -11, 2 ** -25) * 1.0001);
    });
  });

  it('rebuilds a trainer that reproduces the source generator and discriminator', async () => {
    const want = await outputs(source, 1);
    for (const [info, dir, tol] of [
      [info32, 'live32', 1e-5],
      [info16, 'live16', 1e-2],
    ] as const) {
      const w = await loadLiveWeights(info, fileBytes(path.join(tmp, dir)));
      const t = createLiveTrainer(info, w, { batch: 4 });
      expect(t.step).toBe(3);
      const got = await outputs(t, 1);
      expect(maxDiff(got.g, want.g)).toBeLessThan(tol);
      expect(maxDiff(got.d, want.d)).toBeLessThan(tol * 10);
      t.dispose();
      disposeLiveWeights(w);
    }
  });

  it('frees what it built when the given weights do not fit', async () => {
    const w = await loadLiveWeights(info16, fileBytes(path.join(tmp, 'live16')));
    const before = tf.memory().numTensors;
    expect(() => createLiveTrainer({ ...info16, config: { ...info16.config, gWidth: 16 } }, w)).toThrow(/trainer: G weight/);
    expect(() => new GanTrainer(SMOKE_CONFIG, DEFAULT_HYPER, 1, { g: w.g, ema: w.g.slice(1), d: w.d })).toThrow(/EMA weights/);
    expect(tf.memory().numTensors).toBe(before);
    disposeLiveWeights(w);
  });

  it('writes a subset atlas whose index names tiles that equal the data set images', async () => {
    const all = await loadImageSet(DATA_DIR, 'all');
    const byId = new Map(all.ids.map((id, k) => [id, k]));
    const S = all.size;
    const sub = info16.subset;
    expect(sub.sources.map((s) => s.id).sort()).toEqual(['fluent-flat', 'fluent-modern', 'google', 'openmoji', 'twitter']);
    expect(sub.sources.every((s) => s.tiles.length === 5 && s.ids.length === 5 && s.licence.length > 0)).toBe(true);
    expect(new Set(sub.sources.flatMap((s) => s.tiles)).size).toBe(sub.count);
    expect(atlas.width).toBe(sub.columns * sub.tile);
    for (const s of sub.sources) {
      const tiles = tilesFromAtlas(atlas, sub, s.tiles);
      s.ids.forEach((id, k) => {
        expect(id.startsWith(`${s.id}/`)).toBe(true);
        const n = byId.get(id);
        expect(n).toBeDefined();
        const want = all.pixels.subarray((n as number) * S * S * 3, ((n as number) + 1) * S * S * 3);
        const got = tiles.pixels.subarray(k * S * S * 3, (k + 1) * S * S * 3);
        expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
      });
    }
  });
});

describe('live session', () => {
  it('trains, changes the weights, reports progress and re-renders, with a stable tensor count', async () => {
    const before = tf.memory().numTensors;
    const w = decodeLiveWeights(info16, readFileSync(path.join(tmp, 'live16', 'weights.bin')).buffer as ArrayBuffer);
    const trainer = createLiveTrainer(info16, w, { batch: 4 });
    const data = tilesFromAtlas(atlas, info16.subset, info16.subset.sources[0]!.tiles, R);
    expect(data).toMatchObject({ count: 5, size: R });
    const session = new LiveSession(trainer, data, 2);
    const g0 = trainer.G.weights[0]!.read().dataSync().slice() as Float32Array;
    const d0 = trainer.D.weights[0]!.read().dataSync().slice() as Float32Array;
    await session.run({ steps: 1 }); // the first step creates Adam's moment variables
    const afterFirst = tf.memory().numTensors;

    const progress: LiveProgress[] = [];
    const renders: number[] = [];
    const latents = sampleLatents(4, 3, SMOKE_CONFIG.zDim);
    const res = await session.run({ steps: 4, onProgress: (p) => progress.push(p), renderEvery: 2, latents, onRender: (px, step) => renders.push(px.length === 3 ? step : -1) });
    expect(res).toMatchObject({ steps: 4, total: 4, stopped: false });
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4 && Number.isFinite(p.lossD) && Number.isFinite(p.lossG) && p.msPerStep > 0)).toBe(true);
    expect(progress.at(-1)?.globalStep).toBe(3 + 5);
    expect(renders).toEqual([3 + 3, 3 + 5]);
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(maxDiff(trainer.G.weights[0]!.read().dataSync() as Float32Array, g0)).toBeGreaterThan(0);
    expect(maxDiff(trainer.D.weights[0]!.read().dataSync() as Float32Array, d0)).toBeGreaterThan(0);

    const px = await session.render(latents);
    expect(px).toHaveLength(3);
    expect(px[0]).toMatchObject({ width: R, height: R });
    session.dispose();
    disposeLiveWeights(w);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops after the step in progress when asked', async () => {
    const w = decodeLiveWeights(info16, readFileSync(path.join(tmp, 'live16', 'weights.bin')).buffer as ArrayBuffer);
    const trainer = createLiveTrainer(info16, w, { batch: 4 });
    const session = new LiveSession(trainer, tilesFromAtlas(atlas, info16.subset, [0, 1, 2], R));
    const res = await session.run({ steps: 50, onProgress: (p) => p.step === 2 && session.stop() });
    expect(res).toMatchObject({ steps: 2, total: 50, stopped: true });
    expect(session.running).toBe(false);
    expect(trainer.step).toBe(3 + 2);
    session.dispose();
    disposeLiveWeights(w);
  });

  it('refuses to train on after a divergence', async () => {
    const w = decodeLiveWeights(info16, readFileSync(path.join(tmp, 'live16', 'weights.bin')).buffer as ArrayBuffer);
    const trainer = createLiveTrainer(info16, w, { batch: 4 });
    const session = new LiveSession(trainer, tilesFromAtlas(atlas, info16.subset, [0, 1, 2], R));
    const k = trainer.D.weights[0]!;
    const nan = tf.fill(k.read().shape, NaN);
    k.write(nan);
    nan.dispose();
    await expect(session.run({ steps: 5 })).rejects.toThrow(/diverged at step 1/);
    expect(session.diverged).toMatch(/diverged/);
    expect(session.running).toBe(false);
    await expect(session.run({ steps: 1 })).rejects.toThrow(/start a new session/);
    expect(trainer.step).toBe(3 + 1);
    session.dispose();
    disposeLiveWeights(w);
  });

  it('trains on liked latents painted by the current generator', async () => {
    const before = tf.memory().numTensors;
    const w = decodeLiveWeights(info16, readFileSync(path.join(tmp, 'live16', 'weights.bin')).buffer as ArrayBuffer);
    const trainer = createLiveTrainer(info16, w, { batch: 4 });
    const liked = sampleLatents(8, 3, SMOKE_CONFIG.zDim);
    const images = await imagesFromLatents(trainer, liked);
    expect(images).toMatchObject({ count: 3, size: R });
    expect(images.pixels.length).toBe(3 * R * R * 3);
    const session = new LiveSession(trainer, images);
    expect((await session.run({ steps: 2 })).steps).toBe(2);
    session.dispose();
    disposeLiveWeights(w);
    expect(tf.memory().numTensors).toBe(before);
  });
});
