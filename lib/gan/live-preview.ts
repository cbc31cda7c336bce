/**
 * What a live trainer's EMA generator paints: the preview grid of the live session, and "liked
 * samples" turned into real images for training on.
 */
import * as tf from '@tensorflow/tfjs';
import { buildGenerator } from './architecture';
import type { RealImages } from './live-data';
import { generatePixels, type Pixels } from './runtime';
import type { GanTrainer } from './trainer';

/** Renders latents with a trainer's EMA generator (one train-form copy, weights refreshed per call). */
export class Preview {
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
