/**
 * The step loop both Node trainers share (train.ts for the face GAN, train-doodles.ts for the
 * doodle painter): one step at a time with a yield between steps so that SIGINT/SIGTERM can ask
 * for a graceful stop, a JSON line per step in the log, progress every few steps, exports at the
 * scheduled steps, checkpoints every few minutes and at the end. What a step is, what gets
 * exported and what a checkpoint holds stay with the caller.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export interface StepOutcome {
  /** the figures of the step's log line (after `step`), e.g. losses rounded for the log */
  record: Record<string, number>;
  /** the figures that must be finite (a NaN or infinite loss ends the run) */
  losses: number[];
  /** progress text after the speed and ETA, e.g. "lossD 0.123 lossG 1.234" */
  summary: string;
}

/** The loop's settings, as both trainers' options name them. */
export interface LoopSettings {
  steps: number;
  printEvery: number;
  ckptMinutes: number;
  /** stop (with a checkpoint) once this step is reached */
  stopAt: number | null;
}

/** The loop settings out of a trainer's options. */
export function loopSettings(opt: LoopSettings): LoopSettings {
  return { steps: opt.steps, printEvery: opt.printEvery, ckptMinutes: opt.ckptMinutes, stopAt: opt.stopAt };
}

export interface TrainingLoop extends LoopSettings {
  logFile: string;
  /** steps at which to export */
  exportAt: ReadonlySet<number>;
  /** the checkpoint's step when resuming; null for a fresh run, which exports and checkpoints step 0 first */
  resumedFrom: number | null;
  /** the trainer's current step (after a step: the step just done) */
  step(): number;
  /** one training step */
  trainStep(): StepOutcome;
  doExport(): Promise<void>;
  /** writes a checkpoint of the current step */
  checkpoint(): Promise<void>;
  /** told each step's duration (the trainers keep the time spent training in their checkpoints) */
  onStepTime(ms: number): void;
}

/** Runs the loop until `steps`, a stop step or a signal. Returns the last step's duration (ms) and the first step of this session. */
export async function runTrainingLoop(loop: TrainingLoop): Promise<{ lastMs: number; startStep: number }> {
  let savedStep = loop.resumedFrom ?? -1;
  const checkpoint = async (): Promise<void> => {
    await loop.checkpoint();
    savedStep = loop.step();
  };
  if (loop.resumedFrom === null) {
    await loop.doExport();
    await checkpoint();
  }
  let stop = false;
  const onSignal = (sig: string): void => {
    console.log(`${sig}: stopping after this step (checkpoint first)`);
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastCkpt = Date.now();
  let windowStart = performance.now();
  let windowSteps = 0;
  let lastMs = NaN;
  const startStep = loop.step();
  try {
    while (loop.step() < loop.steps && !stop) {
      // the step is synchronous: yield so that signal handlers (graceful stop) can run
      await new Promise<void>((r) => setImmediate(r));
      if (stop) break;
      const t0 = performance.now();
      const out = loop.trainStep();
      const ms = performance.now() - t0;
      lastMs = ms;
      loop.onStepTime(ms);
      const step = loop.step();
      appendFileSync(loop.logFile, `${JSON.stringify({ step, ...out.record, ms: Math.round(ms), t: new Date().toISOString() })}\n`);
      if (!out.losses.every(Number.isFinite)) throw new Error(`non-finite loss at step ${step}`);
      windowSteps++;
      if (step % loop.printEvery === 0 || step === loop.steps) {
        const sps = windowSteps / ((performance.now() - windowStart) / 1000);
        console.log(
          `step ${step}/${loop.steps}  ${sps.toFixed(2)} steps/s  ${Math.round(ms)} ms/step  ETA ${fmtDuration((loop.steps - step) / sps)}  ${out.summary}  tensors ${tf.memory().numTensors}`,
        );
        windowStart = performance.now();
        windowSteps = 0;
      }
      if (loop.exportAt.has(step)) await loop.doExport();
      if (loop.stopAt !== null && step >= loop.stopAt) stop = true;
      if (Date.now() - lastCkpt > loop.ckptMinutes * 60_000 || stop || step === loop.steps) {
        await checkpoint();
        lastCkpt = Date.now();
      }
    }
    if (savedStep !== loop.step()) await checkpoint();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { lastMs, startStep };
}

export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

/** Keeps only log lines up to `step` (after a crash the log may run ahead of the checkpoint). */
export function truncateLog(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => {
      if (!l.trim()) return false;
      try {
        return (JSON.parse(l) as { step: number }).step <= step;
      } catch {
        return false;
      }
    });
  writeFileSync(file, kept.length ? `${kept.join('\n')}\n` : '');
}
