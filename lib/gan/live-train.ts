/**
 * Live training in the browser (and in Node tests): continue training the shipped generator for
 * a few hundred steps on a small real set (a vendor subset of the training atlas, or images the
 * current generator paints for the user's liked latents), one step at a time with the event loop
 * free in between, reporting progress and re-rendering a fixed-latent grid from the EMA
 * generator. Uses the same GanTrainer as Node training (trainer.ts).
 * The files: live-format.ts; the real images: live-data.ts; the preview: live-preview.ts.
 */
import type { LiveInfo, LiveWeights } from './live-format';
import { RealSampler, type RealImages } from './live-data';
import { Preview } from './live-preview';
import type { Pixels } from './runtime';
import { GanTrainer, type StepStats, type TrainHyper } from './trainer';

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

/**
 * A trainer that continues from the live weights: G and its EMA both start at the shipped EMA.
 * DiffAugment's translation kernel registers itself for the active backend (augment.ts).
 */
export function createLiveTrainer(info: LiveInfo, w: LiveWeights, opt: LiveTrainerOptions = {}): GanTrainer {
  const hyper: TrainHyper = { ...info.hyper, batch: opt.batch ?? LIVE_BATCH, emaDecay: opt.emaDecay ?? LIVE_EMA_DECAY };
  return new GanTrainer(info.config, hyper, opt.seed ?? 1, { g: w.g, ema: w.g, d: w.d, step: info.step });
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
  /** steps done */
  steps: number;
  /** steps asked for */
  total: number;
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
 * After a run diverges (non-finite loss) the weights are garbage: run() refuses, make a new session.
 */
export class LiveSession {
  private sampler: RealSampler | null = null;
  private readonly preview: Preview;
  private stopRequested = false;
  private active = false;
  private failure: string | null = null;

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

  /** Why the weights can no longer be trained (a divergence), or null. */
  get diverged(): string | null {
    return this.failure;
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
    if (this.failure) throw new Error(`${this.failure}: start a new session from the live weights`);
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
        if (!Number.isFinite(stats.lossD) || !Number.isFinite(stats.lossG)) {
          this.failure = `training diverged at step ${done} (non-finite loss)`;
          throw new Error(this.failure);
        }
        opt.onProgress?.({ ...stats, step: done, total: opt.steps, globalStep: this.trainer.step, msPerStep: mean(recent) });
        const every = opt.renderEvery ?? 0;
        if (opt.latents && opt.onRender && every > 0 && (done % every === 0 || done === opt.steps)) {
          opt.onRender(await this.preview.render(opt.latents), this.trainer.step);
        }
      }
      return { steps: done, total: opt.steps, stopped: done < opt.steps, msPerStep: mean(recent) };
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
