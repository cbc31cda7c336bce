import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { figureSize, learningFigureSchema, pickSpread, stepLabel } from '../../lib/gan/learning-figure';
import { modelManifestSchema } from '../../lib/gan/manifest';

const root = path.resolve(import.meta.dirname, '../..');

describe('learning figure', () => {
  it('picks the first, the last and evenly spread items between', () => {
    const steps = [0, 25, 50, 100, 200, 400, 800, 1600, 2400, 3200, 4800, 6400, 9600, 12800, 16000];
    expect(pickSpread(steps, 4)).toEqual([0, 400, 3200, 16000]);
    expect(pickSpread([1, 2], 2)).toEqual([1, 2]);
    expect(pickSpread([1, 2, 3], 3)).toEqual([1, 2, 3]);
    expect(() => pickSpread([1, 2], 3)).toThrow(/cannot pick 3 of 2/);
    expect(() => pickSpread([1, 2], 1)).toThrow();
  });

  it('labels steps as the lab does and sizes tiles with gaps', () => {
    expect([0, 400, 1600, 16000].map(stepLabel)).toEqual(['0', '400', '1.6k', '16k']);
    expect(figureSize({ rows: 4, steps: [0, 1, 2, 3], tile: 64, gap: 4 })).toEqual({ width: 268, height: 268 });
  });

  it('the shipped figure describes its PNG and checkpoints the manifest ships', async () => {
    const dir = path.join(root, 'public/models/emoji-faces-64');
    const figure = learningFigureSchema.parse(JSON.parse(readFileSync(path.join(dir, 'learning.json'), 'utf8')));
    const manifest = modelManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
    expect(figure.model).toBe(manifest.id);
    expect(figure.tile).toBe(manifest.resolution);
    const shipped = manifest.checkpoints.map((c) => c.step);
    expect(figure.steps).toEqual(pickSpread(shipped, figure.steps.length));
    const meta = await sharp(path.join(dir, 'learning.png')).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual(figureSize(figure));
  });
});
