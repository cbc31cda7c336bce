/**
 * Live training in the browser (and in Node tests): continue training the shipped generator for
 * a few hundred steps on a small real set (a vendor subset of the training atlas, or images the
 * current generator paints for the user's liked latents), one step at a time with the event loop
 * free in between, reporting progress and re-rendering a fixed-latent grid from the EMA
 * generator. Uses the same GanTrainer as Node training (trainer.ts).
 *
 * Files (written by training/export-live.ts into public/models/<id>/live/):
 *  - live.json: what follows, validated by liveInfoSchema;
 *  - weights.bin: the EMA generator in its *train* form, then the discriminator, all weights
 *    (BatchNorm statistics included) in the order of the models' `weights`; kernels float16
 *    (tfjs weightsManifest quantization), the rest float32;
 *  - subset.png: an atlas of real training images, up to 64 per emoji set, with its index.
 * No Node imports: file access is the caller's (fetchBytes).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { buildGenerator, type GanConfig } from './architecture';
import { translateValues } from './augment';
import { Rng } from './rng';
import { generatePixels, type Pixels } from './runtime';
import { GanTrainer, type StepStats, type TrainHyper } from './trainer';

// ---------------------------------------------------------------- live.json

const fileName = z.string().regex(/^[A-Za-z0-9_.-]+$/);

export const ganConfigSchema = z.object({
  resolution: z.number().int().min(8),
  zDim: z.number().int().positive(),
  gWidth: z.number().int().positive(),
  dWidth: z.number().int().positive(),
  minChannels: z.number().int().positive(),
  upsample: z.enum(['nearest', 'transposed']),
});

export const trainHyperSchema = z.object({
  batch: z.number().int().positive(),
  lrG: z.number().positive(),
  lrD: z.number().positive(),
  beta1: z.number().min(0).max(1),
  beta2: z.number().min(0).max(1),
  emaDecay: z.number().min(0).max(1),
  augment: z.object({ color: z.boolean(), translation: z.number().min(0), cutout: z.number().min(0) }),
});

export const liveWeightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.literal('float32'),
  quantization: z.object({ dtype: z.literal('float16') }).optional(),
});

export const liveSubsetSourceSchema = z.object({
  /** the image set inside the data set (google, twitter, openmoji, fluent-flat, fluent-modern) */
  id: z.string(),
  label: z.string(),
  package: z.string(),
  version: z.string(),
  licence: z.string(),
  credit: z.string(),
  url: z.string(),
  /** tile numbers in subset.png (row-major) */
  tiles: z.array(z.number().int().min(0)),
  /** data-set ids of those tiles (training/data/faces64.json), same order */
  ids: z.array(z.string()),
});

export const liveInfoSchema = z.object({
  version: z.literal(1),
  modelId: z.string(),
  runId: z.string(),
  /** training step of the checkpoint the weights come from */
  step: z.number().int().min(0),
  savedAt: z.string(),
  exportedAt: z.string(),
  config: ganConfigSchema,
  hyper: trainHyperSchema,
  precision: z.enum(['float16', 'float32']),
  weights: z.object({
    path: fileName,
    bytes: z.number().int().positive(),
    /** the EMA generator, train form */
    g: z.array(liveWeightSpecSchema).min(1),
    d: z.array(liveWeightSpecSchema).min(1),
  }),
  subset: z.object({
    path: fileName,
    bytes: z.number().int().positive(),
    tile: z.number().int().positive(),
    columns: z.number().int().positive(),
    rows: z.number().int().positive(),
    count: z.number().int().positive(),
    sources: z.array(liveSubsetSourceSchema).min(1),
  }),
});

export type LiveInfo = z.infer<typeof liveInfoSchema>;
export type LiveWeightSpec = z.infer<typeof liveWeightSpecSchema>;
export type LiveSubsetSource = z.infer<typeof liveSubsetSourceSchema>;

export const LIVE_DIR = 'live';
export const LIVE_INFO_FILE = 'live.json';
export const liveBaseUrl = (modelId: string): string => `/models/${modelId}/${LIVE_DIR}`;

/** Bytes a spec takes in weights.bin. */
export const specBytes = (s: LiveWeightSpec): number => s.shape.reduce((p, q) => p * q, 1) * (s.quantization ? 2 : 4);

// ---------------------------------------------------------------- loading

/** Reads one file of the live folder; reports progress in [0, 1] when it can. */
export type FetchBytes = (file: string, onProgress?: (fraction: number) => void) => Promise<ArrayBuffer>;

/** fetch()-based FetchBytes for a folder URL, streaming so that progress is real. */
export function httpBytes(baseUrl: string, fetchFn: typeof fetch = fetch): FetchBytes {
  return async (file, onProgress) => {
    const res = await fetchFn(`${baseUrl}/${file}`);
    if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
    const total = Number(res.headers.get('content-length') ?? 0);
    if (!res.body || !total || !onProgress) {
      const b = await res.arrayBuffer();
      onProgress?.(1);
      return b;
    }
    const reader = res.body.getReader();
    const out = new Uint8Array(total);
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > total) throw new Error(`${file}: longer than its content-length`);
      out.set(value, got);
      got += value.length;
      onProgress(got / total);
    }
    if (got !== total) throw new Error(`${file}: got ${got} of ${total} bytes`);
    return out.buffer;
  };
}

export async function fetchLiveInfo(fetchBytes: FetchBytes): Promise<LiveInfo> {
  const bytes = await fetchBytes(LIVE_INFO_FILE);
  return liveInfoSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/** The live weights as tensors (the caller owns them: disposeLiveWeights). */
export interface LiveWeights {
  /** EMA generator, train form */
  g: tf.Tensor[];
  d: tf.Tensor[];
}

export function decodeLiveWeights(info: LiveInfo, data: ArrayBuffer): LiveWeights {
  const specs = [...info.weights.g, ...info.weights.d];
  const want = specs.reduce((s, p) => s + specBytes(p), 0);
  if (data.byteLength !== want) throw new Error(`live weights: ${data.byteLength} bytes, expected ${want}`);
  const named = tf.io.decodeWeights(data, specs);
  const pick = (list: LiveWeightSpec[]): tf.Tensor[] =>
    list.map((s) => {
      const t = named[s.name];
      if (!t) throw new Error(`live weights: ${s.name} missing`);
      return t;
    });
  return { g: pick(info.weights.g), d: pick(info.weights.d) };
}

export async function loadLiveWeights(info: LiveInfo, fetchBytes: FetchBytes, onProgress?: (fraction: number) => void): Promise<LiveWeights> {
  const data = await fetchBytes(info.weights.path, onProgress);
  return decodeLiveWeights(info, data);
}

export function disposeLiveWeights(w: LiveWeights): void {
  tf.dispose([...w.g, ...w.d]);
}

// ---------------------------------------------------------------- trainer

export interface LiveTrainerOptions {
  /** browser default 16: a quarter of a 64-image subset per step, ~1/2 the cost of the run's 32 */
  batch?: number;
  /**
   * EMA decay of the live run (default 0.99): the run's 0.999 would move the shown (EMA)
   * generator by only ~18% of the change over 200 steps; 0.99 follows within ~100 steps.
   */
  emaDecay?: number;
  seed?: number;
}

export const LIVE_BATCH = 16;
export const LIVE_EMA_DECAY = 0.99;

/** A trainer that continues from the live weights: G and its EMA both start at the shipped EMA. */
export function createLiveTrainer(info: LiveInfo, w: LiveWeights, opt: LiveTrainerOptions = {}): GanTrainer {
  ensureTranslateKernelFor(tf.getBackend());
  const hyper: TrainHyper = { ...info.hyper, batch: opt.batch ?? LIVE_BATCH, emaDecay: opt.emaDecay ?? LIVE_EMA_DECAY };
  return new GanTrainer(info.config as GanConfig, hyper, opt.seed ?? 1, { g: w.g, ema: w.g, d: w.d, step: info.step });
}

const TRANSLATE = 'GanvasTranslate'; // augment.ts' kernel, registered there for wasm and cpu only

/**
 * DiffAugment's translation kernel for backends augment.ts does not cover (webgl): reads the
 * batch back and shifts it in JS (one 64x64x3 batch: a few ms; the step costs far more).
 */
export function ensureTranslateKernelFor(backendName: string): void {
  if (backendName === 'wasm' || backendName === 'cpu' || tf.getKernel(TRANSLATE, backendName)) return;
  interface GenericBackend {
    readSync(dataId: tf.DataId): ArrayLike<number>;
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  }
  tf.registerKernel({
    kernelName: TRANSLATE,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      // webgl and cpu backends both offer readSync/makeTensorInfo
      const g = backend as unknown as GenericBackend;
      const ov = new Float32Array(x.shape.reduce((p, q) => p * q, 1));
      translateValues(g.readSync(x.dataId), ov, x.shape, attrs as unknown as Parameters<typeof translateValues>[3]);
      return g.makeTensorInfo(x.shape.slice(), 'float32', ov);
    },
  });
}

// ---------------------------------------------------------------- real images

/** RGBA pixels as ImageData holds them (the component layer decodes PNGs with a canvas). */
export interface ImageLike {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** A small real set: uint8 RGB, image-major NHWC, size x size. */
export interface RealImages {
  pixels: Uint8Array;
  count: number;
  size: number;
}

/** Cuts tiles out of an RGBA atlas (box-filtered down to `size` when smaller than the tile). */
export function tilesFromAtlas(atlas: ImageLike, layout: { tile: number; columns: number }, tiles: readonly number[], size = layout.tile): RealImages {
  const S = layout.tile;
  const f = S / size;
  if (!Number.isInteger(f) || f < 1) throw new Error(`cannot scale ${S}px tiles to ${size}px`);
  if (atlas.data.length !== atlas.width * atlas.height * 4) throw new Error('atlas: expected RGBA pixels');
  const pixels = new Uint8Array(tiles.length * size * size * 3);
  tiles.forEach((t, k) => {
    const ox = (t % layout.columns) * S;
    const oy = Math.floor(t / layout.columns) * S;
    if (ox + S > atlas.width || oy + S > atlas.height) throw new Error(`atlas: tile ${t} outside the image`);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let dy = 0; dy < f; dy++) {
            for (let dx = 0; dx < f; dx++) s += atlas.data[((oy + y * f + dy) * atlas.width + ox + x * f + dx) * 4 + c] ?? 0;
          }
          pixels[((k * size + y) * size + x) * 3 + c] = Math.round(s / (f * f));
        }
      }
    }
  });
  return { pixels, count: tiles.length, size };
}

/** "Liked samples" as real images: what the trainer's current (EMA) generator paints for them. */
export async function imagesFromLatents(trainer: GanTrainer, latents: readonly Float32Array[], psi = 1): Promise<RealImages> {
  const preview = new Preview(trainer);
  try {
    const px = await preview.render(latents, psi);
    const size = trainer.config.resolution;
    const pixels = new Uint8Array(px.length * size * size * 3);
    px.forEach((p, k) => {
      for (let i = 0; i < size * size; i++) {
        pixels[(k * size * size + i) * 3] = p.data[i * 4] ?? 0;
        pixels[(k * size * size + i) * 3 + 1] = p.data[i * 4 + 1] ?? 0;
        pixels[(k * size * size + i) * 3 + 2] = p.data[i * 4 + 2] ?? 0;
      }
    });
    return { pixels, count: px.length, size };
  } finally {
    preview.dispose();
  }
}

/**
 * Shuffled batches in [-1, 1] with random horizontal flips, like training/data-loader.ts's
 * BatchLoader (a new permutation per epoch); small sets repeat within a batch when needed.
 */
export class RealSampler {
  private order: Uint32Array;
  private pos = 0;
  private readonly rng: Rng;

  constructor(
    readonly set: RealImages,
    seed: number,
  ) {
    if (set.count < 1) throw new Error('no real images to train on');
    this.rng = new Rng(seed);
    this.order = this.rng.permutation(set.count);
  }

  next(batch: number): Float32Array {
    const S = this.set.size;
    const img = S * S * 3;
    const px = this.set.pixels;
    const out = new Float32Array(batch * img);
    for (let b = 0; b < batch; b++) {
      if (this.pos >= this.order.length) {
        this.order = this.rng.permutation(this.set.count);
        this.pos = 0;
      }
      const src = (this.order[this.pos++] ?? 0) * img;
      const flip = this.rng.uniform() < 0.5;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const si = src + (y * S + (flip ? S - 1 - x : x)) * 3;
          const di = b * img + (y * S + x) * 3;
          out[di] = (px[si] ?? 0) / 127.5 - 1;
          out[di + 1] = (px[si + 1] ?? 0) / 127.5 - 1;
          out[di + 2] = (px[si + 2] ?? 0) / 127.5 - 1;
        }
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------- session

/** Renders latents with a trainer's EMA generator (one train-form copy, weights refreshed per call). */
class Preview {
  private readonly g: tf.Sequential;

  constructor(private readonly trainer: GanTrainer) {
    this.g = buildGenerator(trainer.config, 'live_preview', 'train');
  }

  async render(latents: readonly Float32Array[], psi = 1): Promise<Pixels[]> {
    // setWeights shares the EMA variables' data (ref-counted): no copy, no new tensors
    this.g.setWeights(this.trainer.ema.shadow);
    return generatePixels(this.g, latents, psi);
  }

  dispose(): void {
    this.g.dispose();
  }
}

export interface LiveProgress extends StepStats {
  /** steps done in this run */
  step: number;
  total: number;
  /** the trainer's step (the checkpoint's step + every live step so far) */
  globalStep: number;
  /** mean over the last few steps */
  msPerStep: number;
}

export interface LiveRunOptions {
  steps: number;
  onProgress?: (p: LiveProgress) => void;
  /** re-render `latents` every this many steps (and after the last) */
  renderEvery?: number;
  latents?: readonly Float32Array[];
  onRender?: (pixels: Pixels[], globalStep: number) => void;
}

export interface LiveRunResult {
  steps: number;
  stopped: boolean;
  msPerStep: number;
}

/** Lets the browser paint and handle input between steps (MessageChannel: not throttled like timers). */
export function yieldToEventLoop(): Promise<void> {
  if (typeof window !== 'undefined' && typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * One live-training session: a trainer, the real images of the current run (setData; they can
 * change between runs) and a preview generator for the grid. Owns and disposes the trainer.
 */
export class LiveSession {
  private sampler: RealSampler | null = null;
  private readonly preview: Preview;
  private stopRequested = false;
  private active = false;

  constructor(
    readonly trainer: GanTrainer,
    data?: RealImages,
    seed = 1,
  ) {
    this.preview = new Preview(trainer);
    if (data) this.setData(data, seed);
  }

  /** The real images that the next run() trains on. */
  setData(data: RealImages, seed = 1): void {
    if (this.active) throw new Error('cannot change the data of a running session');
    if (data.size !== this.trainer.config.resolution) throw new Error(`real images are ${data.size}px, the model ${this.trainer.config.resolution}px`);
    this.sampler = new RealSampler(data, seed);
  }

  get running(): boolean {
    return this.active;
  }

  /** Asks a running run() to stop after the step in progress. */
  stop(): void {
    this.stopRequested = true;
  }

  render(latents: readonly Float32Array[]): Promise<Pixels[]> {
    return this.preview.render(latents);
  }

  async run(opt: LiveRunOptions): Promise<LiveRunResult> {
    if (this.active) throw new Error('live training is already running');
    const sampler = this.sampler;
    if (!sampler) throw new Error('no real images: call setData first');
    this.active = true;
    this.stopRequested = false;
    const recent: number[] = [];
    let done = 0;
    try {
      while (done < opt.steps) {
        await yieldToEventLoop();
        if (this.stopRequested) break;
        const t0 = performance.now();
        const stats = this.trainer.trainStep(sampler.next(this.trainer.hyper.batch));
        recent.push(performance.now() - t0);
        if (recent.length > 10) recent.shift();
        done++;
        if (!Number.isFinite(stats.lossD) || !Number.isFinite(stats.lossG)) throw new Error(`training diverged at step ${done} (non-finite loss)`);
        opt.onProgress?.({ ...stats, step: done, total: opt.steps, globalStep: this.trainer.step, msPerStep: mean(recent) });
        const every = opt.renderEvery ?? 0;
        if (opt.latents && opt.onRender && every > 0 && (done % every === 0 || done === opt.steps)) {
          opt.onRender(await this.preview.render(opt.latents), this.trainer.step);
        }
      }
      return { steps: done, stopped: done < opt.steps, msPerStep: mean(recent) };
    } finally {
      this.active = false;
    }
  }

  dispose(): void {
    this.preview.dispose();
    this.trainer.dispose();
  }
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
