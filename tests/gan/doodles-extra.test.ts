import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { doodleExtraFiles, doodleFiles, type DoodleIndex } from '../../training/data-format';
import { boundaryPixels, derivePair, dilate } from '../../training/doodle-outline';
import { concatDoodleSets, loadDoodleSet } from '../../training/doodle-loader';
import type { RawImage } from '../../training/doodles-dataset';
import { emojiKey, extraCandidates, extraPair, iconSvg, withExtraCredits, type IconifySet } from '../../training/doodles-extra-dataset';

const DATA = path.resolve(import.meta.dirname, '../../training/data');

/** W x H RGBA, transparent, with axis-aligned filled rectangles painted in order. */
function canvas(W: number, H: number, rects: Array<{ x: number; y: number; w: number; h: number; rgba: [number, number, number, number] }>): RawImage {
  const data = new Uint8Array(W * H * 4);
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) data.set(r.rgba, 4 * (y * W + x));
  }
  return { data, width: W, height: H, channels: 4 };
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

describe('outline of a flat-colour drawing', () => {
  it('marks the edge of a shape against the background and between two colours, not inside a flat region', () => {
    // a red square (4..15) with a blue right half (10..15)
    const img = canvas(20, 20, [
      { x: 4, y: 4, w: 12, h: 12, rgba: [220, 30, 30, 255] },
      { x: 10, y: 4, w: 6, h: 12, rgba: [30, 30, 220, 255] },
    ]);
    const b = boundaryPixels(img);
    const at = (x: number, y: number) => b[y * 20 + x];
    expect(at(3, 8)).toBe(1); // outside, next to the left edge
    expect(at(4, 8)).toBe(1); // the left edge
    expect(at(9, 8)).toBe(1); // red | blue
    expect(at(10, 8)).toBe(1);
    expect(at(7, 8)).toBe(0); // inside the red
    expect(at(13, 8)).toBe(0); // inside the blue
    expect(at(1, 1)).toBe(0); // background
  });

  it('ignores differences under the threshold and outlines a drawing that fills the image', () => {
    const shade = canvas(10, 10, [
      { x: 0, y: 0, w: 10, h: 10, rgba: [200, 200, 0, 255] },
      { x: 5, y: 0, w: 5, h: 10, rgba: [210, 190, 0, 255] },
    ]);
    const b = boundaryPixels(shade);
    expect(b[5 * 10 + 5]).toBe(0);
    expect(b[5 * 10 + 0]).toBe(1); // the image's own edge
    expect(b[0 * 10 + 5]).toBe(1);
    expect(count(b)).toBe(36); // exactly the border ring
  });

  it('treats white on transparent as white paper (no line) and translucent colour over white', () => {
    const img = canvas(10, 10, [{ x: 2, y: 2, w: 6, h: 6, rgba: [255, 255, 255, 10] }]);
    expect(count(boundaryPixels(img))).toBe(0);
  });

  it('dilates with a disk', () => {
    const m = new Uint8Array(11 * 11);
    m[5 * 11 + 5] = 1;
    expect(count(dilate(m, 11, 11, 0))).toBe(1);
    expect(count(dilate(m, 11, 11, 1))).toBe(5);
    expect(count(dilate(m, 11, 11, 2))).toBe(13);
    expect(count(dilate(m, 11, 11, 1.5))).toBe(9);
  });

  it('derives a pair: black strokes as line art, and the same strokes inked on the colour image', () => {
    const img = canvas(40, 40, [{ x: 10, y: 10, w: 20, h: 20, rgba: [250, 200, 0, 255] }]);
    const p = derivePair(img, 4);
    const k = (x: number, y: number) => y * 40 + x;
    // stroke about 4 px wide around the square's edge
    for (const x of [8, 9, 10, 11]) expect(p.ink[k(x, 20)]).toBe(1);
    expect(p.ink[k(6, 20)]).toBe(0);
    expect(p.ink[k(20, 20)]).toBe(0);
    // line art: opaque black where inked, transparent elsewhere
    expect([...p.line.data.subarray(4 * k(10, 20), 4 * k(10, 20) + 4)]).toEqual([0, 0, 0, 255]);
    expect(p.line.data[4 * k(20, 20) + 3]).toBe(0);
    // colour: black on the stroke, untouched inside
    expect([...p.color.data.subarray(4 * k(9, 20), 4 * k(9, 20) + 4)]).toEqual([0, 0, 0, 255]);
    expect([...p.color.data.subarray(4 * k(20, 20), 4 * k(20, 20) + 4)]).toEqual([250, 200, 0, 255]);
    expect(img.data[4 * k(10, 20)]).toBe(250); // the input is not changed
  });
});

describe('extra pairs from Iconify sets', () => {
  const set: IconifySet = {
    width: 36,
    height: 36,
    icons: {
      'grinning-face': { body: '<circle cx="18" cy="18" r="16" fill="#fc0"/>' },
      'red-apple': { body: '<circle cx="18" cy="20" r="14" fill="#d22"/>' },
      'thumbs-up-light-skin-tone': { body: '<rect width="36" height="36" fill="#fc9"/>' },
      'flag-for-japan': { body: '<rect width="36" height="24" fill="#fff"/>' },
      'chequered-flag': { body: '<rect width="36" height="24" fill="#000"/>' },
    },
    aliases: { 'grinning': { parent: 'grinning-face' } },
  };
  const chars = {
    '1f600': 'grinning',
    '1f34e': 'red-apple',
    '1f44d-1f3fb': 'thumbs-up-light-skin-tone',
    '1f1ef-1f1f5': 'flag-for-japan',
    '1f3c1': 'chequered-flag',
    '263a-fe0f': 'missing-icon',
  };

  it('matches emoji across sets by code points without FE0F', () => {
    expect(emojiKey('263a-fe0f')).toBe('263A');
    expect(emojiKey('1F468-200D-1F373')).toBe('1F468-200D-1F373');
  });

  it('keeps one pair per icon, resolves aliases, and drops skin tones, flags and held-out emoji', () => {
    const { candidates, dropped } = extraCandidates(set, chars, new Set(['1F34E']));
    expect(candidates).toEqual([{ name: 'grinning-face', hexcode: '1F600', emoji: '😀' }]);
    expect(dropped).toEqual({ 'openmoji-heldout': 1, 'skin-tone': 1, flag: 2, 'no-icon': 1 });
  });

  it('renders an icon into an aligned pair of tiles: outlined colour, black line art', async () => {
    expect(iconSvg(set, 'red-apple', 64)).toContain('viewBox="0 0 36 36"');
    const p = await extraPair(set, 'grinning-face', 256, 32);
    expect(p.line).toHaveLength(32 * 32);
    expect(p.color).toHaveLength(32 * 32 * 3);
    const mid = 16 * 32 + 16;
    expect(p.line[mid]).toBe(255); // no line inside the face
    expect([...p.color.subarray(3 * mid, 3 * mid + 3)]).toEqual([255, 204, 0]);
    // every dark line pixel is dark in the colour image too
    let lines = 0;
    for (let k = 0; k < 32 * 32; k++) {
      if ((p.line[k] as number) > 64) continue;
      lines++;
      expect(Math.max(p.color[3 * k] as number, p.color[3 * k + 1] as number, p.color[3 * k + 2] as number)).toBeLessThan(160);
    }
    expect(lines).toBeGreaterThanOrEqual(30); // a ring about 1 px wide around the face (~90 px long)
  });

  it('credits the sets in LICENSES.md once, replacing the section on re-runs', () => {
    const once = withExtraCredits('# Licences\n', 64, new Map([['@iconify-json/twemoji', 3]]));
    expect(once).toContain('3 pairs from @iconify-json/twemoji@1.2.5');
    expect(once).toContain('CC BY 4.0');
    expect(once).toContain('Microsoft');
    const again = withExtraCredits(once, 64, new Map([['@iconify-json/twemoji', 5]]));
    expect(again.match(/doodle-extra:begin/g)).toHaveLength(1);
    expect(again).toContain('5 pairs from');
  });
});

// the extra pairs are git-ignored (built by npm run dataset:doodles-extra): checked where they were built
describe('built extra pairs', () => {
  const file = path.join(DATA, doodleExtraFiles().index);
  it.runIf(existsSync(file))('train only, never a held-out OpenMoji emoji, and load alongside the OpenMoji pairs', async () => {
    const extra = JSON.parse(readFileSync(file, 'utf8')) as Omit<DoodleIndex, 'pairs'> & { pairs: Array<DoodleIndex['pairs'][number] & { source: string }> };
    const om = JSON.parse(readFileSync(path.join(DATA, doodleFiles().index), 'utf8')) as DoodleIndex;
    const held = new Set(om.pairs.filter((p) => p.split === 'heldout').map((p) => emojiKey(p.hexcode)));
    expect(extra.pairs.length).toBeGreaterThan(1000);
    expect(extra.pairs.every((p) => p.split === 'train' && !held.has(emojiKey(p.hexcode)))).toBe(true);
    expect(new Set(extra.pairs.map((p) => p.source))).toEqual(new Set(['@iconify-json/twemoji', '@iconify-json/fluent-emoji-flat']));
    const a = await loadDoodleSet(DATA, 'train');
    const b = await loadDoodleSet(DATA, 'train', 64, doodleExtraFiles().index);
    const all = concatDoodleSets(a, b);
    expect(all.count).toBe(a.count + b.count);
    expect(all.ids.slice(a.count)).toEqual(b.ids);
    const last = b.count - 1;
    expect([...all.color.subarray((all.count - 1) * 64 * 64 * 3, all.count * 64 * 64 * 3)]).toEqual([...b.color.subarray(last * 64 * 64 * 3)]);
  });
});
