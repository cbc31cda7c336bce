/**
 * Training curves as the learning lab plots them (public/models/<id>/curves.json): the training
 * log's losses averaged over bins of steps. The log has a line per step (tens of thousands); the
 * browser needs a few hundred points. One schema for the writer (training/) and the reader.
 */
import { z } from 'zod';
import { modelIdSchema } from './manifest';

export const MAX_CURVE_POINTS = 2_000;

export const curvePointSchema = z.object({
  /** the last step of the bin */
  step: z.number().int().min(0),
  lossD: z.number(),
  lossG: z.number(),
  dReal: z.number().min(0).max(1),
  dFake: z.number().min(0).max(1),
});

export const curvesSchema = z.object({
  modelId: modelIdSchema,
  runId: z.string().max(128),
  /** steps averaged into one point */
  binSteps: z.number().int().positive(),
  points: z.array(curvePointSchema).max(MAX_CURVE_POINTS),
});

export type CurvePoint = z.infer<typeof curvePointSchema>;
export type Curves = z.infer<typeof curvesSchema>;

export interface LogLine {
  step: number;
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
}

/**
 * Mean of each quantity over consecutive bins of `binSteps` steps, in step order. Lines with
 * non-finite values (a diverged step) are left out of their bin rather than poisoning it.
 */
export function binLog(lines: readonly LogLine[], binSteps: number): CurvePoint[] {
  if (!(binSteps >= 1)) throw new Error('binSteps must be at least 1');
  const bins = new Map<number, { n: number; lossD: number; lossG: number; dReal: number; dFake: number; last: number }>();
  for (const l of lines) {
    if (![l.step, l.lossD, l.lossG, l.dReal, l.dFake].every(Number.isFinite)) continue;
    const key = Math.floor((l.step - 1) / binSteps);
    const b = bins.get(key) ?? { n: 0, lossD: 0, lossG: 0, dReal: 0, dFake: 0, last: 0 };
    b.n++;
    b.lossD += l.lossD;
    b.lossG += l.lossG;
    b.dReal += l.dReal;
    b.dFake += l.dFake;
    b.last = Math.max(b.last, l.step);
    bins.set(key, b);
  }
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return [...bins.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, b]) => ({ step: b.last, lossD: round(b.lossD / b.n), lossG: round(b.lossG / b.n), dReal: round(b.dReal / b.n), dFake: round(b.dFake / b.n) }));
}

/** The bin width that keeps a run of `steps` steps at about `points` points. */
export function binStepsFor(steps: number, points = 400): number {
  return Math.max(1, Math.ceil(steps / points));
}
