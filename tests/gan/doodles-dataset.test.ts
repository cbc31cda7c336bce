import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DOODLE_INDEX_FILE, DOODLE_TILE, doodleFiles, type DoodleIndex } from '../../training/data-format';
import { inkThumbnails, lineClusters, SPLIT_CELL, SPLIT_THRESHOLD } from '../../training/doodle-split';
import { DoodleBatchLoader, doodleBatch, jitterImage, loadDoodleSet, type DoodleBatch, type DoodleSet } from '../../training/doodle-loader';
import {
  alphaBox,
  cropPair,
  exclusionReason,
  heldOutPairs,
  pairDoodles,
  withDoodleCredits,
  type OpenmojiMeta,
  type RawImage,
} from '../../training/doodles-dataset';

const DATA = path.resolve(import.meta.dirname, '../../training/data');

describe('doodle pairing', () => {
  it('applies the exclusion rules', () => {
    expect(exclusionReason('1F600')).toBeNull();
    expect(exclusionReason('1F468-200D-1F373')).toBeNull(); // man cook: a ZWJ sequence, kept
    expect(exclusionReason('1F468-200D-1F9B0')).toBeNull(); // man: red hair, kept
    expect(exclusionReason('1F44D-1F3FB')).toBe('skin-tone');
    expect(exclusionReason('1F9D1-1F3FF-200D-1F373')).toBe('skin-tone');
    expect(exclusionReason('1F3FD')).toBe('component');
    expect(exclusionReason('1F9B1')).toBe('component');
    expect(exclusionReason('E000', { group: 'component', subgroups: 'hair-style' })).toBe('component');
    expect(exclusionReason('1F1FA-1F1F8')).toBe('flag');
    expect(exclusionReason('1F1E6')).toBe('flag'); // a lone regional indicator
    expect(exclusionReason('1F3F4-E0067-E0062-E0065-E006E-E0067-E007F')).toBe('flag');
    expect(exclusionReason('1F3C1', { group: 'flags', subgroups: 'flag' })).toBe('flag');
    expect(exclusionReason('E0C1', { group: 'extras-openmoji', subgroups: 'flags' })).toBe('flag');
    expect(exclusionReason('E425', { group: 'extras-openmoji', subgroups: 'queer-symbols', openmoji_tags: 'pride flag, lgbtq' })).toBe('flag');
    expect(exclusionReason('E092', { group: 'extras-openmoji', subgroups: 'emergency', openmoji_tags: 'white flag' })).toBeNull();
    expect(exclusionReason('1F3F4')).toBeNull(); // no tags and no metadata: nothing says flag
  });

  it('pairs by file name in metadata order and counts what it drops', () => {
    const line = ['1F600.svg', '1F44D-1F3FB.svg', '1F1FA-1F1F8.svg', '1F9B0.svg', '2764.svg', 'E000.svg', '1F431.svg', 'README.md', 'E001.svg'];
    const color = ['2764.svg', '1F600.svg', '1F44D-1F3FB.svg', '1F1FA-1F1F8.svg', '1F9B0.svg', 'E000.svg', '1F436.svg', 'E001.svg'];
    const meta: OpenmojiMeta[] = [
      { hexcode: '1F600', emoji: '😀', group: 'smileys-emotion', subgroups: 'face-smiling', annotation: 'grinning face' },
      { hexcode: '1F44D-1F3FB', group: 'people-body', subgroups: 'hand-fingers-closed', annotation: 'thumbs up: light skin tone' },
      { hexcode: '1F1FA-1F1F8', group: 'flags', subgroups: 'country-flag', annotation: 'flag: United States' },
      { hexcode: '1F9B0', group: 'component', subgroups: 'hair-style', annotation: 'red hair' },
      { hexcode: '1F431', group: 'animals-nature', subgroups: 'animal-mammal', annotation: 'cat face' },
      { hexcode: '1F436', group: 'animals-nature', subgroups: 'animal-mammal', annotation: 'dog face' },
      { hexcode: '2764', group: 'smileys-emotion', subgroups: 'heart', annotation: 'red heart' },
      { hexcode: 'E000', group: 'extras-openmoji', subgroups: 'symbol-other', annotation: 'openmoji' },
    ];
    const { pairs, dropped } = pairDoodles(line, color, meta);
    // metadata order first, then names the metadata lacks (E001) in sorted order
    expect(pairs.map((p) => p.hexcode)).toEqual(['1F600', '2764', 'E000', 'E001']);
    expect(pairs[0]).toEqual({ hexcode: '1F600', emoji: '😀', annotation: 'grinning face', group: 'smileys-emotion', subgroup: 'face-smiling' });
    expect(pairs[3]).toEqual({ hexcode: 'E001', emoji: '', annotation: '', group: '', subgroup: '' });
    expect(dropped).toEqual({ 'skin-tone': 1, flag: 1, component: 1, 'no-color': 1, 'no-line': 1 });
    // pairing does not depend on the order of the directory listings
    expect(pairDoodles([...line].reverse(), [...color].reverse(), meta).pairs).toEqual(pairs);
  });

  it('holds out ~10% by whole clusters of near-duplicate line art, deterministically', () => {
    const S = 64;
    const n = 400;
    // 200 distinct random doodles, each with a near-duplicate twin (a few pixels changed) and
    // one big family of 20 near-identical ones
    const rand = (() => {
      let x = 12345;
      return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    })();
    const lines: Uint8Array[] = [];
    for (let i = 0; i < 190; i++) {
      const a = Uint8Array.from({ length: S * S }, () => (rand() < 0.3 ? 0 : 255));
      const twin = a.slice();
      for (let k = 0; k < 3; k++) twin[Math.floor(rand() * S * S)] = 0;
      lines.push(a, twin);
    }
    const base = Uint8Array.from({ length: S * S }, (_, i) => (i % 3 === 0 ? 0 : 255));
    for (let i = 0; i < 20; i++) {
      const v = base.slice();
      v[i] = 0;
      lines.push(v);
    }
    const all = new Uint8Array(n * S * S);
    lines.forEach((l, i) => all.set(l, i * S * S));
    const clusters = lineClusters(all, n, S);
    expect(new Set(clusters).size).toBe(191);
    for (let i = 0; i < 380; i += 2) expect(clusters[i]).toBe(clusters[i + 1]);
    const keys = lines.map((_, i) => `E${i}`);
    const held = heldOutPairs(lines, keys, S);
    expect([...heldOutPairs(lines, keys, S)]).toEqual([...held]);
    expect(held.size / n).toBeGreaterThan(0.08);
    expect(held.size / n).toBeLessThan(0.12);
    // twins are never split, and the family (over 2% of the set) always trains
    for (let i = 0; i < 380; i += 2) expect(held.has(i)).toBe(held.has(i + 1));
    for (let i = 380; i < 400; i++) expect(held.has(i)).toBe(false);
    // no held-out doodle has a training doodle within the threshold
    const thumbs = inkThumbnails(all, n, S);
    const D = (S / SPLIT_CELL) ** 2;
    for (const h of held) {
      for (let t = 0; t < n; t++) {
        if (held.has(t)) continue;
        let d = 0;
        for (let i = 0; i < D; i++) d += Math.abs((thumbs[h * D + i] as number) - (thumbs[t * D + i] as number));
        expect(d / D).toBeGreaterThanOrEqual(SPLIT_THRESHOLD);
      }
    }
  });

  it('adds the CC BY-SA credit to LICENSES.md once, replacing it on re-runs', () => {
    const base = '# Training data: licences and credits\n\nfaces...\n';
    const once = withDoodleCredits(base, 64, 10);
    expect(once.startsWith(base.trimEnd())).toBe(true);
    expect(once).toContain('CC BY-SA 4.0');
    expect(once).toContain('doodles64-color.png');
    const twice = withDoodleCredits(withDoodleCredits(once, 64, 12), 64, 10);
    expect(twice).toBe(once);
  });
});

/** RGBA image filled with `fill` (default transparent). */
function rgba(width: number, height: number): RawImage {
  return { data: new Uint8Array(width * height * 4), width, height, channels: 4 };
}
function paint(img: RawImage, left: number, top: number, w: number, h: number, c: [number, number, number, number]): void {
  for (let y = top; y < top + h; y++) for (let x = left; x < left + w; x++) img.data.set(c, (y * img.width + x) * 4);
}
/** Weighted centroid (x, y) of a size x size image under `weight(pixel index)`. */
function centroid(size: number, weight: (k: number) => number): { x: number; y: number; w: number } {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const w = weight(y * size + x);
      sx += w * x;
      sy += w * y;
      sw += w;
    }
  }
  return { x: sx / sw, y: sy / sw, w: sw };
}

describe('same-box crop', () => {
  // colour: a red 120x80 rectangle at (40, 30) with a blue marker; line art: the same marker in
  // black, plus a stray stroke outside the colour box that the crop must cut away
  const W = 200;
  const H = 160;
  const color = rgba(W, H);
  paint(color, 40, 30, 120, 80, [255, 0, 0, 255]);
  paint(color, 130, 90, 6, 6, [0, 0, 255, 255]);
  const line = rgba(W, H);
  paint(line, 130, 90, 6, 6, [0, 0, 0, 255]);
  paint(line, 2, 2, 10, 10, [0, 0, 0, 255]);

  it('finds the box of the non-transparent pixels', () => {
    expect(alphaBox(color)).toEqual({ left: 40, top: 30, width: 120, height: 80 });
    expect(alphaBox(line)).toEqual({ left: 2, top: 2, width: 134, height: 94 });
    expect(alphaBox(rgba(5, 5))).toBeNull();
  });

  it('crops the line image with the colour box, keeping the marker aligned', async () => {
    const S = 64;
    const r = await cropPair(line, color, S);
    expect(r.box).toEqual({ left: 40, top: 30, width: 120, height: 80 });
    expect(r.line.length).toBe(S * S);
    expect(r.color.length).toBe(S * S * 3);
    expect(r.lineChroma).toBe(0);
    // the colour box fills the 58-pixel width, centred: columns 3..60 are red, 0..2 white
    const px = (x: number, y: number): number[] => [...r.color.subarray((y * S + x) * 3, (y * S + x) * 3 + 3)];
    expect(px(1, 32)).toEqual([255, 255, 255]);
    expect(px(10, 32)).toEqual([255, 0, 0]);
    expect(px(58, 20)).toEqual([255, 0, 0]);
    expect(px(62, 32)).toEqual([255, 255, 255]);
    // the marker lands on the same spot in both images
    const blue = centroid(S, (k) => Math.max(0, (r.color[3 * k + 2] ?? 0) - (r.color[3 * k] ?? 0)));
    const ink = centroid(S, (k) => 255 - (r.line[k] ?? 255));
    expect(blue.w).toBeGreaterThan(0);
    expect(Math.abs(ink.x - blue.x)).toBeLessThan(0.25);
    expect(Math.abs(ink.y - blue.y)).toBeLessThan(0.25);
    // where it should be: the marker's centre is 93 px into the box, scaled by 58/120, plus the
    // 3-pixel pad, minus half a pixel (pixel centres)
    expect(blue.x).toBeCloseTo(3 + (93 * 58) / 120 - 0.5, 0);
    // the stray stroke outside the colour box is gone: only the marker is ink
    expect(ink.w / 255).toBeLessThan(12);
    expect(Math.min(...r.line.subarray(0, 3 * S))).toBe(255);
  });

  it('refuses images of different sizes and an empty colour image', async () => {
    await expect(cropPair(rgba(10, 10), rgba(12, 10), 16)).rejects.toThrow(/differ/);
    await expect(cropPair(rgba(10, 10), rgba(10, 10), 16)).rejects.toThrow(/empty/);
  });
});

/** 5 pairs of 8x8: pair k has a marker at (x = 1, y = k): black in the line, red in the colour. */
function syntheticSet(): DoodleSet {
  const S = 8;
  const n = 5;
  const line = new Uint8Array(n * S * S).fill(255);
  const color = new Uint8Array(n * S * S * 3).fill(255);
  for (let k = 0; k < n; k++) {
    line[(k * S + k) * S + 1] = 0;
    color.set([255, 0, 0], ((k * S + k) * S + 1) * 3);
  }
  return { line, color, count: n, size: S, ids: ['A', 'B', 'C', 'D', 'E'] };
}
/** (x, y) of the marker in row b of a batch, from the line and from the colour image. */
function markers(batch: DoodleBatch, b: number): { line: [number, number]; color: [number, number] } {
  const S = batch.size;
  let line: [number, number] = [-1, -1];
  let color: [number, number] = [-1, -1];
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = b * S * S + y * S + x;
      if ((batch.line[p] ?? 1) < 0) line = [x, y];
      if ((batch.color[p * 3 + 1] ?? 1) < 0) color = [x, y];
    }
  }
  return { line, color };
}

describe('doodle loader', () => {
  it('serves aligned pairs and flips both images of a pair together', () => {
    const set = syntheticSet();
    const loader = new DoodleBatchLoader(set, 7);
    let flipped = 0;
    for (let e = 0; e < 8; e++) {
      const batch = loader.next(5);
      expect(batch.line.length).toBe(5 * 64);
      expect(batch.color.length).toBe(5 * 64 * 3);
      expect(Math.min(...batch.color)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...batch.color)).toBeLessThanOrEqual(1);
      // one epoch = every pair once
      expect([...batch.indices].sort()).toEqual([0, 1, 2, 3, 4]);
      for (let b = 0; b < 5; b++) {
        const m = markers(batch, b);
        const k = batch.indices[b] ?? -1;
        const x = batch.flipped[b] ? 6 : 1;
        expect(m.line).toEqual([x, k]);
        expect(m.color).toEqual([x, k]);
        flipped += batch.flipped[b] ?? 0;
      }
    }
    expect(flipped).toBeGreaterThan(5);
    expect(flipped).toBeLessThan(35);
    const plain = new DoodleBatchLoader(set, 7, undefined, { flip: false }).next(10);
    expect([...plain.flipped]).toEqual(new Array(10).fill(0));
  });

  it('resumes from its state with the same batches', () => {
    const set = syntheticSet();
    const a = new DoodleBatchLoader(set, 3);
    a.next(3);
    a.next(4);
    const st = a.state();
    expect(st).toEqual({ epoch: 1, position: 2 });
    const b = new DoodleBatchLoader(set, 3, st);
    for (let i = 0; i < 3; i++) {
      const x = a.next(4);
      const y = b.next(4);
      expect([...y.indices]).toEqual([...x.indices]);
      expect([...y.flipped]).toEqual([...x.flipped]);
      expect(y.line).toEqual(x.line);
      expect(y.color).toEqual(x.color);
    }
    const other = new DoodleBatchLoader(set, 4).next(20);
    expect([...other.indices]).not.toEqual([...new DoodleBatchLoader(set, 3).next(20).indices]);
  });

  it('jitter: scales about the centre and shifts, bilinearly, white outside; identity at scale 1 and no shift', () => {
    const S = 8;
    const img = Float32Array.from({ length: 2 * S * S }, (_, i) => ((i * 37) % 19) / 9.5 - 1);
    const same = img.slice();
    jitterImage(same, 1, S, 1, 1, 0, 0);
    expect(same).toEqual(img);
    const moved = img.slice();
    jitterImage(moved, 1, S, 1, 1, 2, -1); // 2 px right, 1 px up
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const want = x - 2 < 0 || y + 1 >= S ? 1 : (img[S * S + (y + 1) * S + (x - 2)] as number);
        expect(moved[S * S + y * S + x]).toBeCloseTo(want, 6);
      }
    }
    expect(moved.subarray(0, S * S)).toEqual(img.subarray(0, S * S)); // other images untouched
    // half size about the centre: the centre stays, the border samples twice as far out (white)
    const dot = new Float32Array(S * S).fill(1);
    dot[3 * S + 3] = -1;
    dot[4 * S + 4] = -1;
    jitterImage(dot, 0, S, 1, 0.5, 0, 0);
    expect(dot[0]).toBe(1);
    // output (3, 3) samples (2.5, 2.5): a quarter of it is the dot at (3, 3)
    expect(dot[3 * S + 3]).toBeCloseTo(0.5, 6);
    expect(dot[4 * S + 4]).toBeCloseTo(0.5, 6);
  });

  it('jitters both images of a pair alike, and resumes with the same jitter', () => {
    // colour = the line image in every channel: after any jitter the two must still agree
    const S = 16;
    const n = 6;
    const line = Uint8Array.from({ length: n * S * S }, (_, i) => ((i * 7919) % 251 > 125 ? 255 : 0));
    const color = new Uint8Array(n * S * S * 3);
    line.forEach((v, i) => color.set([v, v, v], i * 3));
    const set: DoodleSet = { line, color, count: n, size: S, ids: ['a', 'b', 'c', 'd', 'e', 'f'] };
    const jitter = { shift: 3, minScale: 0.7 };
    const loader = new DoodleBatchLoader(set, 5, undefined, { jitter });
    const plain = new DoodleBatchLoader(set, 5);
    const batch = loader.next(6);
    const unjittered = plain.next(6);
    expect([...batch.indices]).toEqual([...unjittered.indices]);
    expect(batch.line).not.toEqual(unjittered.line);
    for (let p = 0; p < batch.line.length; p++) {
      for (let c = 0; c < 3; c++) expect(batch.color[p * 3 + c]).toBeCloseTo(batch.line[p] as number, 5);
    }
    const st = loader.state();
    const next = loader.next(4);
    const resumed = new DoodleBatchLoader(set, 5, st, { jitter }).next(4);
    expect(resumed.line).toEqual(next.line);
    expect(resumed.color).toEqual(next.color);
  });

  it('builds fixed batches with chosen flips', () => {
    const set = syntheticSet();
    const batch = doodleBatch(set, [4, 0], [false, true]);
    expect(markers(batch, 0)).toEqual({ line: [1, 4], color: [1, 4] });
    expect(markers(batch, 1)).toEqual({ line: [6, 0], color: [6, 0] });
    expect(() => doodleBatch(set, [5])).toThrow(/out of range/);
  });
});

describe('committed doodle pairs', () => {
  const index = JSON.parse(readFileSync(path.join(DATA, DOODLE_INDEX_FILE), 'utf8')) as DoodleIndex;

  it('index, atlases and licences agree', async () => {
    const f = doodleFiles(DOODLE_TILE);
    expect(index.tile).toBe(DOODLE_TILE);
    expect([index.lineAtlas, index.colorAtlas]).toEqual([f.line, f.color]);
    expect(index.count).toBe(index.pairs.length);
    expect(index.count).toBeGreaterThan(2000);
    expect(index.columns * index.rows).toBeGreaterThanOrEqual(index.count);
    expect(index.pairs.every((p, i) => p.i === i)).toBe(true);
    expect(new Set(index.pairs.map((p) => p.hexcode)).size).toBe(index.count);
    for (const p of index.pairs) expect(exclusionReason(p.hexcode, { group: p.group, subgroups: p.subgroup })).toBeNull();
    const line = await sharp(path.join(DATA, f.line)).metadata();
    const color = await sharp(path.join(DATA, f.color)).metadata();
    expect([line.width, line.height, line.channels]).toEqual([index.columns * index.tile, index.rows * index.tile, 1]);
    expect([color.width, color.height, color.channels]).toEqual([index.columns * index.tile, index.rows * index.tile, 3]);
    const bytes = statSync(path.join(DATA, f.line)).size + statSync(path.join(DATA, f.color)).size;
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
    expect(index.source.licence).toBe('CC-BY-SA-4.0');
    const licences = readFileSync(path.join(DATA, 'LICENSES.md'), 'utf8');
    expect(licences).toContain(`${f.color}\``);
    expect(licences).toMatch(/CC BY-SA 4\.0/);
    expect(existsSync(path.join(DATA, 'faces64.png'))).toBe(true);
  });

  it('has a ~10% held-out split, by clusters of near-duplicate line art', async () => {
    const held = index.pairs.filter((p) => p.split === 'heldout');
    const train = index.pairs.filter((p) => p.split === 'train');
    expect(held.length + train.length).toBe(index.count);
    expect(held.length / index.count).toBeGreaterThan(0.08);
    expect(held.length / index.count).toBeLessThan(0.12);
    expect(index.heldOutFraction).toBeCloseTo(held.length / index.count, 6);
    expect(index.splitBy).toBe('line-clusters');
    // the stored split is the rule applied to the stored line art
    const all = await loadDoodleSet(DATA, 'all');
    const lines = Array.from({ length: all.count }, (_, i) => all.line.subarray(i * all.size * all.size, (i + 1) * all.size * all.size));
    const expected = heldOutPairs(lines, all.ids, all.size);
    expect(index.pairs.filter((p) => expected.has(p.i)).map((p) => p.hexcode).sort()).toEqual(held.map((p) => p.hexcode).sort());
  });

  it('loads disjoint splits whose line strokes lie on the colour outlines', async () => {
    const [train, held] = await Promise.all([loadDoodleSet(DATA, 'train'), loadDoodleSet(DATA, 'heldout')]);
    expect(train.count + held.count).toBe(index.count);
    expect(train.ids.filter((id) => held.ids.includes(id))).toEqual([]);
    expect(train.line.length).toBe(train.count * 64 * 64);
    expect(held.color.length).toBe(held.count * 64 * 64 * 3);
    // OpenMoji colour images carry the same black outlines as the line art: dark line pixels
    // are dark in the colour image far more often at zero offset than with a 2-pixel shift
    const agreement = (set: DoodleSet, shift: number): number => {
      let ink = 0;
      let both = 0;
      const S = set.size;
      for (let n = 0; n < set.count; n++) {
        for (let y = 0; y < S; y++) {
          for (let x = 0; x + shift < S; x++) {
            if ((set.line[(n * S + y) * S + x] ?? 255) >= 64) continue;
            ink++;
            const c = ((n * S + y) * S + x + shift) * 3;
            if ((set.color[c] ?? 0) + (set.color[c + 1] ?? 0) + (set.color[c + 2] ?? 0) < 3 * 100) both++;
          }
        }
      }
      return both / ink;
    };
    const aligned = agreement(held, 0);
    expect(aligned).toBeGreaterThan(0.85);
    expect(agreement(held, 2)).toBeLessThan(aligned - 0.3);
  });
});
