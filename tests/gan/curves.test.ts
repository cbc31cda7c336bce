import { describe, expect, it } from 'vitest';
import { binLog, binStepsFor, curvesSchema, type LogLine } from '../../lib/gan/curves';

const line = (step: number, v: number): LogLine => ({ step, lossD: v, lossG: 2 * v, dReal: 0.5, dFake: 0.25 });

describe('binLog', () => {
  it('averages consecutive bins of steps, labelled by their last step', () => {
    const lines = [1, 2, 3, 4, 5].map((s) => line(s, s));
    expect(binLog(lines, 2)).toEqual([
      { step: 2, lossD: 1.5, lossG: 3, dReal: 0.5, dFake: 0.25 },
      { step: 4, lossD: 3.5, lossG: 7, dReal: 0.5, dFake: 0.25 },
      { step: 5, lossD: 5, lossG: 10, dReal: 0.5, dFake: 0.25 },
    ]);
  });

  it('keeps step order for shuffled input and leaves out diverged steps', () => {
    const lines = [line(4, 4), line(1, 1), line(3, Number.NaN), line(2, 2)];
    expect(binLog(lines, 2).map((p) => [p.step, p.lossD])).toEqual([
      [2, 1.5],
      [4, 4],
    ]);
  });

  it('chooses a bin width that keeps a long run near the target number of points, within the schema', () => {
    const lines = Array.from({ length: 16_000 }, (_, i) => line(i + 1, Math.sin(i)));
    const binSteps = binStepsFor(16_000);
    const points = binLog(lines, binSteps);
    expect(points.length).toBeLessThanOrEqual(400);
    expect(points.length).toBeGreaterThan(390);
    expect(() => curvesSchema.parse({ modelId: 'm', runId: 'r', binSteps, points })).not.toThrow();
    expect(() => binLog(lines, 0)).toThrow();
  });
});
