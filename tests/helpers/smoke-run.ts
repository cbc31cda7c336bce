/**
 * The trainers' smoke runs (training/train.ts, training/train-doodles.ts) go the same way: the real
 * loop with a tiny network for 6 steps into a temp folder, stopped at step 3 and resumed, which
 * must continue at the same step, leak no tensors and log every step once. Each test then checks
 * what is its own (losses, manifest, exported model).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { RunOptions, RunResult } from '../../training/run-options';

/** Runs `train` to step 3, then resumes it to 6; returns the second run and the log's lines. */
export async function stopAndResume<O extends RunOptions, R extends RunResult>(
  name: string,
  parseOptions: (argv: string[]) => O,
  train: (opt: O) => Promise<R>,
): Promise<{ opts: O; second: R; log: Record<string, number>[] }> {
  const root = mkdtempSync(path.join(os.tmpdir(), `ganvas-${name}-test-`));
  const opts = parseOptions(['--smoke', '--root', root, '--steps', '6', '--print-every', '100']);
  const first = await train({ ...opts, stopAt: 3 });
  expect(first.step).toBe(3);
  expect(first.resumedFrom).toBeNull();
  const before = tf.memory().numTensors;
  const second = await train(opts);
  expect(second.resumedFrom).toBe(3);
  expect(second.step).toBe(6);
  expect(tf.memory().numTensors).toBe(before);
  const log = readFileSync(second.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  expect(log.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
  return { opts, second, log };
}
