/**
 * The doodle painter's input, built the same way in training, evaluation and the studio. Pure,
 * no tfjs. Per pixel, in this order: the line image's value (in [-1, 1], white = +1); with
 * `regionChannel`, ENCLOSED (-1) on white the lines enclose and +1 elsewhere
 * (lib/gan/doodle-regions.ts); with `hintChannels`, the hint colour and mask
 * (lib/gan/doodle-hints.ts). Every added channel is +1 on plain white paper, so the painting
 * ensemble's shifts pad all of them alike, and a model widened from a narrower one with zero
 * kernels for the new channels starts as the same function.
 */
import { ENCLOSED, INK_THRESHOLD, doodleRegions } from './doodle-regions';
import { HINT_CHANNELS, hintChannels, type DoodleHint } from './doodle-hints';

export interface DoodleInputLayout {
  regionChannel: boolean;
  hintChannels: boolean;
}

/** Channels of a layout (line art has one). */
export function doodleInputChannels(layout: DoodleInputLayout): number {
  return 1 + (layout.regionChannel ? 1 : 0) + (layout.hintChannels ? HINT_CHANNELS : 0);
}

/** The layout a loaded generator reads, from its input's channel count (1, 2, 5 or 6). */
export function layoutForChannels(channels: number | null | undefined): DoodleInputLayout {
  switch (channels) {
    case 1:
      return { regionChannel: false, hintChannels: false };
    case 2:
      return { regionChannel: true, hintChannels: false };
    case 1 + HINT_CHANNELS:
      return { regionChannel: false, hintChannels: true };
    case 2 + HINT_CHANNELS:
      return { regionChannel: true, hintChannels: true };
    default:
      throw new Error(`the generator reads ${String(channels)} channels; a doodle model reads 1 (lines), 2 (lines, regions), 5 (lines, hints) or 6`);
  }
}

/**
 * The model input of `count` line images ([count, S, S, 1] in [-1, 1]) as
 * [count, S, S, doodleInputChannels(layout)]. `hints[k]` are image k's colour hints (none when
 * missing); hints for a layout without hint channels are an error, not silently dropped. With
 * neither extra channel the line images are returned as they are.
 */
export function doodleModelInput(
  line: Float32Array,
  count: number,
  size: number,
  layout: DoodleInputLayout,
  hints: ReadonlyArray<readonly DoodleHint[] | undefined> = [],
): Float32Array {
  const S2 = size * size;
  if (line.length !== count * S2) throw new Error(`doodleModelInput: ${line.length} values for ${count} line images of ${size}x${size}`);
  if (!layout.hintChannels && hints.some((h) => (h?.length ?? 0) > 0)) throw new Error('doodleModelInput: this model reads no colour hints');
  if (hints.length > count) throw new Error(`doodleModelInput: hints for ${hints.length} images, only ${count} given`);
  if (!layout.regionChannel && !layout.hintChannels) return line;
  const C = doodleInputChannels(layout);
  const out = new Float32Array(count * S2 * C);
  for (let k = 0; k < count; k++) {
    const region = layout.regionChannel ? doodleRegions(line, size, INK_THRESHOLD, k * S2) : null;
    const hinted = layout.hintChannels ? hintChannels(line, size, hints[k] ?? [], k * S2) : null;
    for (let p = 0; p < S2; p++) {
      let o = (k * S2 + p) * C;
      out[o++] = line[k * S2 + p] as number;
      if (region) out[o++] = region[p] === 2 ? ENCLOSED : 1;
      if (hinted) for (let c = 0; c < HINT_CHANNELS; c++) out[o++] = hinted[p * HINT_CHANNELS + c] as number;
    }
  }
  return out;
}
