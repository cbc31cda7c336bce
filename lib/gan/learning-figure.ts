/**
 * The home page's learning figure: the same few latents drawn by a handful of the shipped
 * checkpoints, from step 0 to the latest, as one PNG (public/models/<id>/learning.png, written by
 * `npm run figures`) and its description (learning.json, this schema). Pure: no tfjs, no IO.
 */
import { z } from 'zod';

export const learningFigureSchema = z.object({
  model: z.string().max(64),
  /** the latents' seed (lib/gan/latent.ts sampleLatents): one row per latent */
  seed: z.number().int(),
  rows: z.number().int().min(1).max(16),
  /** one column per checkpoint, oldest first */
  steps: z.array(z.number().int().min(0)).min(2).max(16),
  /** pixels of one tile and of the white gap between tiles */
  tile: z.number().int().positive(),
  gap: z.number().int().min(0),
});

export type LearningFigure = z.infer<typeof learningFigureSchema>;

/**
 * `count` checkpoints spread evenly over the list (the first and the last always): the shipped
 * checkpoints are spaced roughly logarithmically, so even picks in the list show early and late
 * learning alike.
 */
export function pickSpread<T>(items: readonly T[], count: number): T[] {
  if (count < 2 || items.length < count) throw new Error(`learning figure: cannot pick ${count} of ${items.length}`);
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))] as T);
}

export const figureSize = (f: Pick<LearningFigure, 'rows' | 'steps' | 'tile' | 'gap'>) => ({
  width: f.steps.length * f.tile + (f.steps.length - 1) * f.gap,
  height: f.rows * f.tile + (f.rows - 1) * f.gap,
});

/** 16000 -> "16k", 1600 -> "1.6k", 400 -> "400". */
export const stepLabel = (step: number) => (step >= 1000 ? `${step / 1000}k` : String(step));
