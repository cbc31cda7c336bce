import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE, type DatasetIndex } from '../../training/data-format';
import { BatchLoader, loadImageSet } from '../../training/data-loader';
import { fnv1a, isFaceSubcategory, selectFaces, splitByGroup, type FaceFile } from '../../training/dataset-select';
import { Rng } from '../../lib/gan/rng';

const DATA = path.resolve(import.meta.dirname, '../../training/data');

describe('dataset selection', () => {
  it('selects face subcategories only', () => {
    expect(isFaceSubcategory({ category: 'Smileys & Emotion', subcategory: 'face-smiling' })).toBe(true);
    expect(isFaceSubcategory({ category: 'Smileys & Emotion', subcategory: 'face-costume' })).toBe(false);
    expect(isFaceSubcategory({ category: 'Smileys & Emotion', subcategory: 'heart' })).toBe(false);
  });

  it('lists every vendor file that exists, with skin tones grouped under the base emoji', () => {
    const faces = selectFaces(
      [
        { name: 'GRINNING FACE', unified: '1F600', non_qualified: null, image: '1f600.png', category: 'Smileys & Emotion', subcategory: 'face-smiling' },
        {
          name: 'BOY', unified: '1F466', non_qualified: null, image: '1f466.png', category: 'People & Body', subcategory: 'person',
          skin_variations: { '1F3FB': { unified: '1F466-1F3FB', non_qualified: null, image: '1f466-1f3fb.png' } },
        },
      ],
      [{ hexcode: '1F600', annotation: 'grinning face' }],
      (f) => !f.includes('modern'),
    );
    expect(faces.filter((f) => f.vendor === 'fluent-modern')).toHaveLength(0);
    expect(faces.find((f) => f.id === 'fluent-flat/1F600')?.file).toBe('fluentui-emoji/icons/flat/grinning-face.svg');
    expect(faces.find((f) => f.unified === '1F466-1F3FB')?.group).toBe('1F466');
    expect(faces.some((f) => f.file.includes('apple'))).toBe(false);
  });

  it('splits about 10% by group, deterministically', () => {
    const faces: FaceFile[] = Array.from({ length: 500 }, (_, i) => ({
      id: `v/${i}`, vendor: 'google', unified: String(i), group: `g${i % 97}`, name: '', file: '',
    }));
    const held = splitByGroup(faces);
    const n = faces.filter((f) => held.has(f.group)).length;
    expect(n / faces.length).toBeGreaterThan(0.07);
    expect(n / faces.length).toBeLessThan(0.13);
    expect([...splitByGroup(faces)]).toEqual([...held]);
    expect(fnv1a('abc')).toBe(fnv1a('abc'));
  });
});

describe('committed data set', () => {
  const index = JSON.parse(readFileSync(path.join(DATA, INDEX_FILE), 'utf8')) as DatasetIndex;

  it('has an atlas, index, licences, a ~10% held-out split with no shared emoji, files < 8 MB', () => {
    for (const f of [index.atlas, INDEX_FILE, 'LICENSES.md']) {
      expect(existsSync(path.join(DATA, f))).toBe(true);
      expect(statSync(path.join(DATA, f)).size).toBeLessThan(8 * 1024 * 1024);
    }
    expect(index.count).toBe(index.images.length);
    expect(index.count).toBeGreaterThan(1000);
    const held = index.images.filter((i) => i.split === 'heldout');
    expect(held.length / index.count).toBeGreaterThan(0.08);
    expect(held.length / index.count).toBeLessThan(0.12);
    const trainGroups = new Set(index.images.filter((i) => i.split === 'train').map((i) => i.group));
    expect(held.some((i) => trainGroups.has(i.group))).toBe(false);
    expect(new Set(index.images.map((i) => i.vendor))).toEqual(new Set(['google', 'twitter', 'openmoji', 'fluent-flat', 'fluent-modern']));
    const lic = readFileSync(path.join(DATA, 'LICENSES.md'), 'utf8');
    for (const s of index.sources) expect(lic).toContain(s.package);
  });

  it('loads into batches in [-1, 1] with flips, resumable from the loader state', async () => {
    const set = await loadImageSet(DATA, 'heldout');
    expect(set.count).toBe(index.images.filter((i) => i.split === 'heldout').length);
    const a = new BatchLoader(set, 3);
    a.next(5, new Rng(1));
    const b = new BatchLoader(set, 3, a.state());
    const x = a.next(4, new Rng(2));
    expect(Array.from(b.next(4, new Rng(2)))).toEqual(Array.from(x));
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
  });
});
