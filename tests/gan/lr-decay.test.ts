// The learning-rate decay lever (issue 17): factor 1 until `start`, linear to `floor` at `end`.
import { beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_CONFIG } from '../../lib/gan/architecture';
import { setupBackend } from '../../lib/gan/offline/backend';
import { DEFAULT_HYPER, GanTrainer, lrFactor, trainHyperSchema } from '../../lib/gan/trainer';

beforeAll(async () => {
  await setupBackend('cpu');
});

describe('lrFactor', () => {
  const decay = { start: 100, end: 200, floor: 0.1 };
  it('is 1 without a decay and before its start, the floor after its end, linear between', () => {
    expect(lrFactor(undefined, 5000)).toBe(1);
    expect(lrFactor(decay, 0)).toBe(1);
    expect(lrFactor(decay, 100)).toBe(1);
    expect(lrFactor(decay, 150)).toBeCloseTo(0.55, 10);
    expect(lrFactor(decay, 200)).toBeCloseTo(0.1, 10);
    expect(lrFactor(decay, 9999)).toBeCloseTo(0.1, 10);
  });
  it('the schema refuses an end before the start and a floor above 1', () => {
    expect(trainHyperSchema.safeParse({ ...DEFAULT_HYPER, lrDecay: { start: 10, end: 5, floor: 0.1 } }).success).toBe(false);
    expect(trainHyperSchema.safeParse({ ...DEFAULT_HYPER, lrDecay: { start: 0, end: 5, floor: 2 } }).success).toBe(false);
    expect(trainHyperSchema.safeParse(DEFAULT_HYPER).success).toBe(true);
  });
});

describe('a trainer with a decay', () => {
  it('steps G and D with the decayed rates; without one the rates stay', () => {
    const batch = 2;
    const hyper = { ...DEFAULT_HYPER, batch, lrDecay: { start: 1, end: 3, floor: 0.1 } };
    const t = new GanTrainer(SMOKE_CONFIG, hyper, 1);
    const plain = new GanTrainer(SMOKE_CONFIG, { ...DEFAULT_HYPER, batch }, 1);
    const R = SMOKE_CONFIG.resolution;
    const real = new Float32Array(batch * R * R * 3).fill(0.5);
    const rates: number[] = [];
    for (let i = 0; i < 4; i++) {
      t.trainStep(real);
      plain.trainStep(real);
      rates.push(t.gOpt.rate / DEFAULT_HYPER.lrG, t.dOpt.rate / DEFAULT_HYPER.lrD);
      expect(plain.gOpt.rate).toBe(DEFAULT_HYPER.lrG);
    }
    // steps 0..3 used factors 1, 1, 0.55, 0.1 (for G and for D)
    expect(rates.map((r) => Math.round(r * 100) / 100)).toEqual([1, 1, 1, 1, 0.55, 0.55, 0.1, 0.1]);
    t.dispose();
    plain.dispose();
  });
});
