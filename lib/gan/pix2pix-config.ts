/**
 * The pix2pix (doodle -> colour) network configuration, without tfjs, so that the manifest schema
 * (manifest.ts, read by the browser) can validate it without pulling in the model code.
 */
import { z } from 'zod';
import { HINT_CHANNELS } from './doodle-hints';

export const pix2pixConfigSchema = z.object({
  /** Image side in pixels (power of two, >= 8). */
  resolution: z.number().int().min(8),
  /** Channels of the line-art input: 1 (grey) or 3 (RGB). */
  inChannels: z.union([z.literal(1), z.literal(3)]),
  /**
   * G and D also read the doodle's enclosed-region mask as one more input channel (-1 on white
   * pixels the lines enclose, +1 elsewhere: lib/gan/doodle-regions.ts doodleModelInput): where a
   * paint bucket would pour, which a convolution cannot work out locally. Configs written before
   * the field existed have none.
   */
  regionChannel: z.boolean().default(false),
  /**
   * G and D also read the artist's colour hints as four more input channels (hint R, G, B and a
   * mask: lib/gan/doodle-hints.ts hintChannels), after the line and region channels. Configs
   * written before the field existed have none.
   */
  hintChannels: z.boolean().default(false),
  /** Generator channels of the first down block; doubles per block up to gWidth * gMaxMult. */
  gWidth: z.number().int().positive(),
  gMaxMult: z.number().int().positive(),
  /** U-Net down blocks (resolution / 2^depth >= 1 is the bottleneck). */
  depth: z.number().int().min(2),
  /** Dropout rate in the three innermost up blocks (pix2pix: 0.5); 0 = none. */
  dropout: z.number().min(0).max(0.9),
  /** Discriminator channels of its first conv; doubles per stride-2 conv. */
  dWidth: z.number().int().positive(),
  /** Stride-2 convs of the PatchGAN: the logit grid is resolution / 2^dDown on a side. */
  dDown: z.number().int().min(1),
  /** 'nearest': nearest 2x + 3x3 conv (ResizeConv2D, no checkerboard); 'transposed': 4x4 stride-2 conv2dTranspose. */
  upsample: z.enum(['nearest', 'transposed']),
});

export type Pix2PixConfig = z.infer<typeof pix2pixConfigSchema>;

/** Default 64x64 model (see lib/gan/README.md for its cost on the wasm backend). */
export const PIX2PIX_CONFIG: Pix2PixConfig = {
  resolution: 64,
  inChannels: 1,
  regionChannel: false,
  hintChannels: false,
  gWidth: 16,
  gMaxMult: 8,
  depth: 5,
  dropout: 0.5,
  dWidth: 16,
  dDown: 3,
  upsample: 'nearest',
};

/** Tiny configuration for tests and the --smoke run (same resolution and topology). */
export const PIX2PIX_SMOKE_CONFIG: Pix2PixConfig = {
  ...PIX2PIX_CONFIG,
  gWidth: 4,
  gMaxMult: 4,
  depth: 4,
  dWidth: 4,
};

/** Channels of the generator's input: the line image's, one for the region mask, four for the hints. */
export function pix2pixInputChannels(cfg: Pick<Pix2PixConfig, 'inChannels' | 'regionChannel' | 'hintChannels'>): number {
  return cfg.inChannels + (cfg.regionChannel ? 1 : 0) + (cfg.hintChannels ? HINT_CHANNELS : 0);
}

/** Channels of the encoder's feature maps at resolution/2, /4, ..., /2^depth. */
export function pix2pixEncoderChannels(cfg: Pix2PixConfig): number[] {
  return Array.from({ length: cfg.depth }, (_, i) => Math.min(cfg.gWidth * cfg.gMaxMult, cfg.gWidth * 2 ** i));
}

/** Channels of the PatchGAN's stride-2 convs. */
export function pix2pixDiscriminatorChannels(cfg: Pix2PixConfig): number[] {
  return Array.from({ length: cfg.dDown }, (_, i) => Math.min(cfg.dWidth * 8, cfg.dWidth * 2 ** i));
}

/** Side of the PatchGAN's logit grid. */
export function patchGrid(cfg: Pix2PixConfig): number {
  return cfg.resolution / 2 ** cfg.dDown;
}

/**
 * Receptive field (pixels) of one PatchGAN logit: dDown 4x4 stride-2 convs and one 4x4 stride-1
 * conv (pix2pix's 70x70 PatchGAN is the same recursion with three stride-2 and two stride-1 convs).
 */
export function patchReceptiveField(cfg: Pix2PixConfig): number {
  let rf = 1;
  let jump = 1;
  for (let i = 0; i < cfg.dDown; i++) {
    rf += 3 * jump;
    jump *= 2;
  }
  return rf + 3 * jump;
}

export function validatePix2PixConfig(cfg: Pix2PixConfig): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 1;
  if (!ok(Math.log2(cfg.resolution)) || 2 ** Math.round(Math.log2(cfg.resolution)) !== cfg.resolution) {
    throw new Error(`pix2pix: resolution must be a power of two, got ${cfg.resolution}`);
  }
  if (cfg.resolution / 2 ** cfg.depth < 1) throw new Error(`pix2pix: depth ${cfg.depth} too deep for ${cfg.resolution} px`);
  if (cfg.resolution / 2 ** cfg.dDown < 1) throw new Error(`pix2pix: dDown ${cfg.dDown} too deep for ${cfg.resolution} px`);
}
