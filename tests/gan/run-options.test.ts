import { describe, expect, it } from 'vitest';
import { numberOption, positiveIntOption, runOptions } from '../../training/run-options';
import { parseOptions as parseTrain } from '../../training/train';
import { parseOptions as parseDoodles } from '../../training/train-doodles';

const defaults = { root: '/repo', runId: 'run-r1', modelId: 'model', steps: 1000, smokeId: 'tiny' };

describe('trainer run options', () => {
  it('defaults to the shipped run and takes the shared options', () => {
    expect(runOptions({}, defaults)).toMatchObject({ runId: 'run-r1', modelId: 'model', steps: 1000, root: '/repo', seed: 1, backend: 'wasm', ckptMinutes: 10, stopAt: null, bench: null, printEvery: 50, smoke: false });
    expect(runOptions({ 'run-id': 'x', steps: '20', 'stop-at': '5', bench: '3', seed: '7' }, defaults)).toMatchObject({ runId: 'x', steps: 20, stopAt: 5, bench: 3, seed: 7 });
  });

  it('a smoke run is tiny and goes to a temporary folder named after it', () => {
    const o = runOptions({ smoke: true }, defaults);
    expect(o).toMatchObject({ runId: 'tiny', modelId: 'tiny', steps: 6, printEvery: 1, smoke: true });
    expect(o.root).toMatch(/ganvas-tiny-/);
  });

  it('rejects values that are not numbers, or not positive integers where counts are meant', () => {
    expect(() => runOptions({ steps: 'many' }, defaults)).toThrow(/--steps must be a number/);
    expect(() => runOptions({ steps: '2.5' }, defaults)).toThrow(/--steps must be a positive integer/);
    expect(() => runOptions({ 'print-every': '0' }, defaults)).toThrow(/--print-every/);
    expect(() => runOptions({ seed: '' }, defaults)).toThrow(/--seed must be a number/);
    expect(numberOption('0.25', 1, 'lambda-adv')).toBe(0.25);
    expect(positiveIntOption(undefined, 16, 'batch')).toBe(16);
  });

  it('both trainers read them the same way, each with its own model options', () => {
    const gan = parseTrain(['--steps', '30', '--g-width', '8']);
    expect(gan).toMatchObject({ runId: 'emoji-faces-64-r2', steps: 30, smoke: false });
    expect(gan.config.gWidth).toBe(8);
    expect(() => parseTrain(['--g-width', 'wide'])).toThrow(/--g-width/);
    const p2p = parseDoodles(['--steps', '30', '--lambda-adv', '0.1', '--jitter-shift', '3']);
    expect(p2p).toMatchObject({ runId: 'doodles-64-r3', steps: 30 });
    expect(p2p.hyper.lambdaAdv).toBe(0.1);
    // a fine-tune may change the loss weight and the jitter of a resumed run, nothing else
    expect(p2p.resumeOverrides).toEqual({ lambdaAdv: 0.1, jitter: { shift: 3, minScale: 1 } });
    expect(() => parseDoodles(['--lambda-adv', 'x'])).toThrow(/--lambda-adv/);
  });
});
