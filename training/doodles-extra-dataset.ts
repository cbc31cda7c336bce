/**
 * `npm run dataset:doodles-extra`: more doodle pairs for training, derived from two flat-colour
 * emoji sets (installed on demand into .cache/doodles-extra, not project dependencies):
 * Twemoji (CC BY 4.0) and Microsoft's Fluent Emoji Flat (MIT), in Iconify's JSON packaging.
 *
 * The OpenMoji pairs (doodles-dataset.ts) are 1,876 training drawings; on held-out kinds of
 * emoji the model's colour choice is what it gets wrong. These sets draw many of the same things
 * by other artists: their line art is derived from the colour image (training/doodle-outline.ts,
 * boundaries thickened to OpenMoji's stroke width) and the colour target carries those lines, so
 * the pairs look like OpenMoji's. Each is rendered at 8x the tile, cropped by the colour image's
 * box, fitted and padded exactly like the OpenMoji pairs (cropPair).
 *
 * Held-out hygiene: every emoji whose code points match an OpenMoji HELD-OUT pair (FE0F ignored)
 * is left out, so the model never sees another artist's drawing of a held-out emoji; so are
 * skin-tone variants, flags and components (the OpenMoji rules), and icons without a code point.
 * All the extra pairs train; the held-out set stays OpenMoji's.
 *
 * Writes (git-ignored: 13 MB, and the shipped model does not use them: they made held-out L1 worse)
 * doodles64-extra-line.png, doodles64-extra-color.png, doodles64-extra.json (the
 * DoodleIndex schema, split 'train' throughout, a source per pair) and the credit section in
 * LICENSES.md. Needs doodles64.json (npm run dataset:doodles) first. Deterministic.
 * Options: --size N (default 64), --out DIR, --limit N (per set, for a quick look).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { doodleExtraFiles, doodleFiles, type DatasetSource, type DoodleIndex, type DoodlePair } from './data-format';
import { PROJECT_ROOT, cacheDir, ensurePackages } from './dataset-cache';
import { derivePair, OUTLINE_WIDTH_OF_BOX } from './doodle-outline';
import { alphaBox, builderOptions, cropPair, exclusionReason, withSection, writePairAtlases, type CroppedPair, type RawImage } from './doodles-dataset';

/** The flat-colour sets the extra pairs come from (npm packages at exact versions, with their credits). */
export const EXTRA_SETS: readonly DatasetSource[] = [
  {
    package: '@iconify-json/twemoji',
    version: '1.2.5',
    licence: 'CC-BY-4.0',
    credit: 'Twemoji by Twitter, Inc and other contributors, CC BY 4.0 (https://github.com/twitter/twemoji)',
    url: 'https://github.com/twitter/twemoji',
  },
  {
    package: '@iconify-json/fluent-emoji-flat',
    version: '1.2.6',
    licence: 'MIT',
    credit: 'Fluent Emoji (Flat) by Microsoft Corporation, MIT (https://github.com/microsoft/fluentui-emoji)',
    url: 'https://github.com/microsoft/fluentui-emoji',
  },
];

/** The parts of an Iconify JSON icon set that the builder reads. */
export interface IconifySet {
  icons: Record<string, { body: string; width?: number; height?: number; left?: number; top?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

/** Upper-case code points joined by '-', without FE0F (variation selector): how emoji are matched across sets. */
export function emojiKey(hexcode: string): string {
  return hexcode
    .toUpperCase()
    .split('-')
    .filter((h) => h !== 'FE0F')
    .join('-');
}

export interface ExtraCandidate {
  /** icon name in its set, e.g. "grinning-face" */
  name: string;
  hexcode: string;
  emoji: string;
}

/**
 * The icons of a set to derive pairs from, in code-point order: one per icon (the first code
 * point sequence that names it, aliases resolved), minus the OpenMoji exclusions, names with
 * "flag", and emoji in `heldOut` (emojiKey of the OpenMoji held-out pairs).
 */
export function extraCandidates(set: IconifySet, chars: Record<string, string>, heldOut: ReadonlySet<string>): { candidates: ExtraCandidate[]; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {};
  const drop = (reason: string) => (dropped[reason] = (dropped[reason] ?? 0) + 1);
  const seen = new Set<string>();
  const candidates: ExtraCandidate[] = [];
  for (const hex of Object.keys(chars).sort()) {
    let name = chars[hex] as string;
    if (!set.icons[name]) name = set.aliases?.[name]?.parent ?? name;
    if (!set.icons[name]) {
      drop('no-icon');
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const key = emojiKey(hex);
    const reason = exclusionReason(key) ?? (/flag/.test(name) ? 'flag' : heldOut.has(key) ? 'openmoji-heldout' : null);
    if (reason) {
      drop(reason);
      continue;
    }
    const emoji = String.fromCodePoint(...hex.split('-').map((h) => parseInt(h, 16)));
    candidates.push({ name, hexcode: key, emoji });
  }
  return { candidates, dropped };
}

/** An icon as an SVG document `px` pixels wide. */
export function iconSvg(set: IconifySet, name: string, px: number): string {
  const icon = set.icons[name];
  if (!icon) throw new Error(`no icon ${name}`);
  const w = icon.width ?? set.width ?? 16;
  const h = icon.height ?? set.height ?? 16;
  const height = Math.round((px * h) / w);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${px}" height="${height}" viewBox="${icon.left ?? 0} ${icon.top ?? 0} ${w} ${h}">${icon.body}</svg>`;
}

/** Renders one icon at `px` and derives its pair, cropped and fitted like the OpenMoji pairs. */
export async function extraPair(set: IconifySet, name: string, px: number, size: number): Promise<CroppedPair> {
  const { data, info } = await sharp(Buffer.from(iconSvg(set, name, px))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const img: RawImage = { data, width: info.width, height: info.height, channels: info.channels };
  const box = alphaBox(img);
  if (!box) throw new Error('empty icon');
  const derived = derivePair(img, OUTLINE_WIDTH_OF_BOX * Math.max(box.width, box.height));
  return cropPair(derived.line, derived.color, size, Math.round((3 * size) / 64));
}

const BEGIN = '<!-- doodle-extra:begin (written by npm run dataset:doodles-extra) -->';
const END = '<!-- doodle-extra:end -->';

/** LICENSES.md with the extra pairs' credit section added or replaced. */
export function withExtraCredits(licences: string, tile: number, counts: ReadonlyMap<string, number>): string {
  const f = doodleExtraFiles(tile);
  const section = [
    BEGIN,
    '## Extra doodle pairs (training/data/doodles*-extra*)',
    '',
    `\`${f.line}\`, \`${f.color}\` and \`${f.index}\` are derived from flat-colour emoji: the colour images`,
    'were rendered, outlined (line art taken from the colour boundaries), cropped, scaled, padded and',
    'flattened on white. They are built on demand (git-ignored, not in the repository); no shipped model',
    'is trained on them.',
    '',
    ...EXTRA_SETS.map((s) => `- ${counts.get(s.package) ?? 0} pairs from ${s.package}@${s.version}: ${s.credit}.`),
    '',
    'Twemoji graphics are licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): models',
    'trained on them and images they produce credit Twemoji. Fluent Emoji is MIT licensed,',
    'Copyright (c) Microsoft Corporation.',
    END,
  ].join('\n');
  return withSection(licences, BEGIN, END, section);
}

async function main(): Promise<void> {
  const { size, out, limit } = builderOptions();
  const omIndex = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'training', 'data', doodleFiles(size).index), 'utf8')) as DoodleIndex;
  const heldOut = new Set(omIndex.pairs.filter((p) => p.split === 'heldout').map((p) => emojiKey(p.hexcode)));
  const modules = ensurePackages(cacheDir('doodles-extra'), EXTRA_SETS.map((s) => ({ name: s.package, version: s.version })));

  const kept: Array<{ pair: Omit<DoodlePair, 'i'> & { source: string }; r: CroppedPair }> = [];
  const dropped: Record<string, number> = {};
  const counts = new Map<string, number>();
  for (const s of EXTRA_SETS) {
    const dir = path.join(modules, s.package);
    const set = JSON.parse(readFileSync(path.join(dir, 'icons.json'), 'utf8')) as IconifySet;
    const chars = JSON.parse(readFileSync(path.join(dir, 'chars.json'), 'utf8')) as Record<string, string>;
    const { candidates, dropped: d } = extraCandidates(set, chars, heldOut);
    for (const [k, v] of Object.entries(d)) dropped[`${s.package}:${k}`] = v;
    const chosen = candidates.slice(0, limit);
    const results = new Array<CroppedPair | null>(chosen.length).fill(null);
    let next = 0;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        for (let k = next++; k < chosen.length; k = next++) {
          const c = chosen[k] as ExtraCandidate;
          try {
            results[k] = await extraPair(set, c.name, 8 * size, size);
          } catch (e) {
            dropped[`${s.package}:render-failed`] = (dropped[`${s.package}:render-failed`] ?? 0) + 1;
            console.error(`skip ${s.package} ${c.name}: ${(e as Error).message}`);
          }
        }
      }),
    );
    chosen.forEach((c, k) => {
      const r = results[k];
      if (!r) return;
      kept.push({ pair: { hexcode: c.hexcode, emoji: c.emoji, annotation: c.name.replace(/-/g, ' '), group: s.package, subgroup: '', split: 'train', source: s.package }, r });
    });
    counts.set(s.package, results.filter(Boolean).length);
    console.log(`${s.package}: ${counts.get(s.package)} pairs`);
  }

  const n = kept.length;
  const files = doodleExtraFiles(size);
  const atlases = await writePairAtlases(out, files, kept.map((x) => x.r), size);
  const index: DoodleIndex & { sources: DatasetSource[]; pairs: Array<DoodlePair & { source: string }> } = {
    ...atlases,
    source: EXTRA_SETS[0] as DatasetSource,
    sources: [...EXTRA_SETS],
    splitBy: 'line-clusters',
    heldOutFraction: 0,
    dropped: Object.fromEntries(Object.entries(dropped).sort(([a], [b]) => (a < b ? -1 : 1))),
    pairs: kept.map(({ pair }, i) => ({ i, ...pair })),
  };
  writeFileSync(path.join(out, files.index), `${JSON.stringify(index, null, 1)}\n`);
  const licPath = path.join(out, 'LICENSES.md');
  const licences = existsSync(licPath) ? readFileSync(licPath, 'utf8') : '# Training data: licences and credits\n';
  writeFileSync(licPath, withExtraCredits(licences, size, counts));
  const bytes = (f: string): number => statSync(path.join(out, f)).size;
  console.log(JSON.stringify({ pairs: n, perSet: Object.fromEntries(counts), dropped: index.dropped, lineBytes: bytes(files.line), colorBytes: bytes(files.color) }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
