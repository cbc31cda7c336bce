/**
 * `npm run dataset:doodles`: builds the paired doodle data set (issue 8) in training/data/ from
 * openmoji@17.0.0 (installed on demand into .cache/doodles, not a project dependency):
 *
 * - pairs: the same file name in `black/svg` (line art) and `color/svg`; skin-tone variants,
 *   flags and components are dropped, and so is any name without both files;
 * - each pair is rendered at high density, the bounding box of the non-transparent pixels of the
 *   COLOUR image crops both images, which are then fitted into 58x58 (aspect kept), padded to
 *   64x64 centred and flattened on white;
 * - doodles64-line.png (8-bit greyscale) and doodles64-color.png (8-bit RGB): atlases with the
 *   same tile order; doodles64.json: the index (schema `DoodleIndex` in data-format.ts) with a
 *   ~10% held-out split by clusters of near-duplicate line art (training/doodle-split.ts); the CC BY-SA 4.0 credit in LICENSES.md.
 *
 * Deterministic: running it twice gives identical files (for a given sharp).
 * Options: --size N (tile size, default 64; e.g. 128), --out DIR, --limit N (first N pairs,
 * for a quick look; do not commit its output).
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { DOODLE_TILE, doodleFiles, type DatasetSource, type DoodleIndex, type DoodlePair } from './data-format';
import { PROJECT_ROOT, cacheDir, ensurePackages } from './dataset-cache';
import { heldOutByCluster, lineClusters } from './doodle-split';

export const OPENMOJI_PACKAGE = { name: 'openmoji', version: '17.0.0' } as const;

export const DOODLE_SOURCE: DatasetSource = {
  package: OPENMOJI_PACKAGE.name,
  version: OPENMOJI_PACKAGE.version,
  licence: 'CC-BY-SA-4.0',
  credit: 'OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org)',
  url: 'https://openmoji.org',
};

/** The fields of data/openmoji.json that the pairing uses. */
export interface OpenmojiMeta {
  hexcode: string;
  emoji?: string;
  group: string;
  subgroups: string;
  annotation: string;
  /** OpenMoji's own comma-separated tags, e.g. "pride flag, lgbtq, queer". */
  openmoji_tags?: string;
}

/** A pair before rendering: everything in `DoodlePair` but its tile number and split. */
export type DoodleCandidate = Omit<DoodlePair, 'i' | 'split'>;

export type ExclusionReason = 'component' | 'skin-tone' | 'flag';

const codepoints = (hexcode: string): number[] => hexcode.split('-').map((h) => parseInt(h, 16));
const isSkinTone = (cp: number): boolean => cp >= 0x1f3fb && cp <= 0x1f3ff;
const isRegionalIndicator = (cp: number): boolean => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const isTag = (cp: number): boolean => cp >= 0xe0020 && cp <= 0xe007f;
const isHairComponent = (cp: number): boolean => cp >= 0x1f9b0 && cp <= 0x1f9b3;

/**
 * Why an emoji is left out of the doodle pairs, or null to keep it. Components: OpenMoji's
 * `component` group, or a lone skin-tone / hair code point; skin-tone variants: any code point
 * 1F3FB-1F3FF; flags: the `flags` group, any `*flag*` subgroup (OpenMoji extras), OpenMoji's
 * tag "pride flag" (the extras' queer-symbols flags), regional indicators, and 1F3F4 tag
 * sequences (subdivision flags). A flag's stripes cannot be told from its line art.
 */
export function exclusionReason(
  hexcode: string,
  meta?: Pick<OpenmojiMeta, 'group' | 'subgroups' | 'openmoji_tags'>,
): ExclusionReason | null {
  const cps = codepoints(hexcode.toUpperCase());
  const lone = cps.filter((c) => c !== 0xfe0f);
  if (meta?.group === 'component' || (lone.length === 1 && (isSkinTone(lone[0] ?? 0) || isHairComponent(lone[0] ?? 0)))) {
    return 'component';
  }
  if (cps.some(isSkinTone)) return 'skin-tone';
  if (
    meta?.group === 'flags' ||
    /flag/.test(meta?.subgroups ?? '') ||
    (meta?.openmoji_tags ?? '').split(',').some((t) => t.trim() === 'pride flag') ||
    cps.some(isRegionalIndicator) ||
    (cps[0] === 0x1f3f4 && cps.some(isTag))
  ) {
    return 'flag';
  }
  return null;
}

/**
 * Pairs line-art and colour files by file name (`<HEXCODE>.svg`), in openmoji.json order, then
 * names missing from the metadata in code-unit order. Returns the kept pairs and how many names
 * each rule dropped ('no-line' / 'no-color': only one of the two files exists).
 */
export function pairDoodles(
  lineFiles: readonly string[],
  colorFiles: readonly string[],
  meta: readonly OpenmojiMeta[],
): { pairs: DoodleCandidate[]; dropped: Record<string, number> } {
  const names = (files: readonly string[]): Set<string> =>
    new Set(files.filter((f) => f.toLowerCase().endsWith('.svg')).map((f) => path.basename(f).slice(0, -4)));
  const line = names(lineFiles);
  const color = names(colorFiles);
  const byHex = new Map<string, OpenmojiMeta>();
  for (const m of meta) if (!byHex.has(m.hexcode)) byHex.set(m.hexcode, m);
  const order = [...byHex.keys()];
  const extra = [...new Set([...line, ...color])].filter((h) => !byHex.has(h)).sort();
  const dropped: Record<string, number> = {};
  const pairs: DoodleCandidate[] = [];
  for (const hex of [...order, ...extra]) {
    const m = byHex.get(hex);
    const reason =
      exclusionReason(hex, m) ?? (!line.has(hex) && !color.has(hex) ? 'no-files' : !line.has(hex) ? 'no-line' : !color.has(hex) ? 'no-color' : null);
    if (reason) {
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      continue;
    }
    pairs.push({ hexcode: hex, emoji: m?.emoji ?? '', annotation: m?.annotation ?? '', group: m?.group ?? '', subgroup: m?.subgroups ?? '' });
  }
  return { pairs, dropped };
}

/**
 * The held-out pairs (indices into `lines`): clusters of near-duplicate line art held out whole,
 * ~10% of the pairs (training/doodle-split.ts).
 */
export function heldOutPairs(lines: readonly Uint8Array[], hexcodes: readonly string[], size: number): Set<number> {
  const all = new Uint8Array(lines.length * size * size);
  lines.forEach((l, i) => all.set(l, i * size * size));
  return heldOutByCluster(lineClusters(all, lines.length, size), hexcodes);
}

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Bounding box of the pixels with alpha > `threshold` (RGBA image), or null if there are none. */
export function alphaBox(img: RawImage, threshold = 0): Box | null {
  if (img.channels !== 4) throw new Error(`alphaBox needs RGBA, got ${img.channels} channels`);
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * 4;
    for (let x = 0; x < img.width; x++) {
      if ((img.data[row + x * 4 + 3] ?? 0) > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Crops `box` out of an RGBA image, fits it into (size - 2 pad) squared keeping its aspect,
 * centres it on a size x size canvas and flattens on white: RGB, size*size*3 bytes.
 */
export async function cropFitPad(img: RawImage, box: Box, size: number, pad: number): Promise<Buffer> {
  const inner = size - 2 * pad;
  const clear = { r: 255, g: 255, b: 255, alpha: 0 };
  const raw = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 4 } })
    .extract(box)
    .resize(inner, inner, { fit: 'contain', position: 'centre', background: clear, kernel: 'lanczos3' })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: clear })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer();
  if (raw.length !== size * size * 3) throw new Error(`unexpected output size ${raw.length}`);
  return raw;
}

/** RGB -> 8-bit luma (Rec. 601 weights, exact for grey pixels), and the largest chroma seen. */
export function toGrey(rgb: Uint8Array): { grey: Uint8Array; maxChroma: number } {
  const n = rgb.length / 3;
  const grey = new Uint8Array(n);
  let maxChroma = 0;
  for (let k = 0; k < n; k++) {
    const r = rgb[3 * k] ?? 0;
    const g = rgb[3 * k + 1] ?? 0;
    const b = rgb[3 * k + 2] ?? 0;
    grey[k] = Math.round((299 * r + 587 * g + 114 * b) / 1000);
    maxChroma = Math.max(maxChroma, Math.abs(r - g), Math.abs(g - b), Math.abs(r - b));
  }
  return { grey, maxChroma };
}

export interface CroppedPair {
  /** Greyscale line art, size*size. */
  line: Uint8Array;
  /** RGB colour, size*size*3. */
  color: Buffer;
  /** The box (found on the colour image) that cropped both. */
  box: Box;
  /** Largest channel difference in the line image before the greyscale conversion. */
  lineChroma: number;
}

/**
 * The same-box crop: the box of the colour image's non-transparent pixels crops both images
 * (which must have the same pixel size), so a point of the line art lands on the same output
 * pixel as the same point of the colour image.
 */
export async function cropPair(line: RawImage, color: RawImage, size: number, pad = Math.round((3 * size) / 64)): Promise<CroppedPair> {
  if (line.width !== color.width || line.height !== color.height) {
    throw new Error(`line ${line.width}x${line.height} and colour ${color.width}x${color.height} differ`);
  }
  const box = alphaBox(color);
  if (!box) throw new Error('colour image is empty');
  const [l, c] = await Promise.all([cropFitPad(line, box, size, pad), cropFitPad(color, box, size, pad)]);
  const { grey, maxChroma } = toGrey(l);
  return { line: grey, color: c, box, lineChroma: maxChroma };
}

/** Renders an SVG to RGBA so that its width is `px` pixels (both files of a pair share a viewBox). */
async function renderSvg(file: string, px: number): Promise<RawImage> {
  const m = await sharp(file).metadata();
  const density = (72 * px) / (m.width ?? 72);
  const { data, info } = await sharp(file, { density }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Packs equal-size tiles (C channels each) row-major into a white atlas of `columns` tiles. */
export function packAtlas(tiles: readonly Uint8Array[], size: number, channels: number, columns: number): { data: Buffer; width: number; height: number } {
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * size;
  const height = rows * size;
  const data = Buffer.alloc(width * height * channels, 255);
  const row = size * channels;
  tiles.forEach((t, i) => {
    const ox = (i % columns) * size;
    const oy = Math.floor(i / columns) * size;
    for (let y = 0; y < size; y++) data.set(t.subarray(y * row, (y + 1) * row), ((oy + y) * width + ox) * channels);
  });
  return { data, width, height };
}

const BEGIN = '<!-- doodle-pairs:begin (written by npm run dataset:doodles) -->';
const END = '<!-- doodle-pairs:end -->';

/** LICENSES.md with the doodle-pair credit section added, or replaced if it is already there. */
export function withDoodleCredits(licences: string, tile: number, count: number): string {
  const f = doodleFiles(tile);
  const section = [
    BEGIN,
    '## Doodle pairs (training/data/doodles*)',
    '',
    `\`${f.line}\`, \`${f.color}\` and \`${f.index}\` (${count} line-art/colour pairs) are derived from`,
    `${DOODLE_SOURCE.package}@${DOODLE_SOURCE.version}: ${DOODLE_SOURCE.credit}. ${DOODLE_SOURCE.url}`,
    'The images were cropped, scaled, padded and flattened on white (line art stored as greyscale).',
    'These derived images are shared under the same licence, CC BY-SA 4.0',
    '(https://creativecommons.org/licenses/by-sa/4.0/); anything made from them (models trained on',
    'them, images they produce) must credit OpenMoji. The OpenMoji licence text is in the',
    `\`${OPENMOJI_PACKAGE.name}@${OPENMOJI_PACKAGE.version} licence file\` section above.`,
    END,
  ].join('\n');
  return withSection(licences, BEGIN, END, section);
}

/** `text` with `section` (which starts with `begin` and ends with `end`) in place of the old one, or appended. */
export function withSection(text: string, begin: string, end: string, section: string): string {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) return text.slice(0, a) + section + text.slice(b + end.length);
  return `${text.replace(/\n*$/, '')}\n\n${section}\n`;
}

/** The options every doodle data-set builder takes: --size (tile), --out (folder), --limit (pairs, for a quick look). */
export function builderOptions(): { size: number; out: string; limit: number } {
  const option = (name: string): string | undefined => {
    const k = process.argv.indexOf(`--${name}`);
    return k >= 0 ? process.argv[k + 1] : undefined;
  };
  const size = Number(option('size') ?? DOODLE_TILE);
  if (!Number.isInteger(size) || size < 16) throw new Error(`bad --size ${size}`);
  const out = path.resolve(option('out') ?? path.join(PROJECT_ROOT, 'training', 'data'));
  mkdirSync(out, { recursive: true });
  return { size, out, limit: option('limit') ? Number(option('limit')) : Infinity };
}

/**
 * Writes the two atlases of a pair set (same tile order, lossless): line art as a 1-channel
 * greyscale PNG, colour as RGB. Returns the fields of the index that describe them.
 */
export async function writePairAtlases(
  out: string,
  files: { line: string; color: string },
  pairs: ReadonlyArray<{ line: Uint8Array; color: Uint8Array }>,
  size: number,
): Promise<Pick<DoodleIndex, 'version' | 'tile' | 'columns' | 'rows' | 'count' | 'lineAtlas' | 'colorAtlas' | 'lineChannels' | 'colorChannels'>> {
  const columns = Math.ceil(Math.sqrt(pairs.length));
  const rows = Math.ceil(pairs.length / columns);
  // without adaptive filtering these atlases are ~30% smaller than with it
  const png = { compressionLevel: 9, adaptiveFiltering: false } as const;
  const lineAtlas = packAtlas(pairs.map((p) => p.line), size, 1, columns);
  await sharp(lineAtlas.data, { raw: { width: lineAtlas.width, height: lineAtlas.height, channels: 1 } })
    .toColourspace('b-w') // a 1-channel greyscale PNG (sharp would write sRGB otherwise)
    .png(png)
    .toFile(path.join(out, files.line));
  const colorAtlas = packAtlas(pairs.map((p) => p.color), size, 3, columns);
  await sharp(colorAtlas.data, { raw: { width: colorAtlas.width, height: colorAtlas.height, channels: 3 } })
    .png(png)
    .toFile(path.join(out, files.color));
  return { version: 1, tile: size, columns, rows, count: pairs.length, lineAtlas: files.line, colorAtlas: files.color, lineChannels: 1, colorChannels: 3 };
}

async function main(): Promise<void> {
  const { size, out, limit } = builderOptions();
  const pad = Math.round((3 * size) / 64);
  const render = 8 * size;

  const modules = ensurePackages(cacheDir('doodles'), [OPENMOJI_PACKAGE]);
  const om = path.join(modules, OPENMOJI_PACKAGE.name);
  const meta = JSON.parse(readFileSync(path.join(om, 'data', 'openmoji.json'), 'utf8')) as OpenmojiMeta[];
  const { pairs: all, dropped } = pairDoodles(readdirSync(path.join(om, 'black', 'svg')), readdirSync(path.join(om, 'color', 'svg')), meta);
  const candidates = all.slice(0, limit);

  const results = new Array<CroppedPair | null>(candidates.length).fill(null);
  let next = 0;
  let maxChroma = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, async () => {
      for (let k = next++; k < candidates.length; k = next++) {
        const hex = candidates[k]?.hexcode ?? '';
        try {
          const [l, c] = await Promise.all([
            renderSvg(path.join(om, 'black', 'svg', `${hex}.svg`), render),
            renderSvg(path.join(om, 'color', 'svg', `${hex}.svg`), render),
          ]);
          const r = await cropPair(l, c, size, pad);
          maxChroma = Math.max(maxChroma, r.lineChroma);
          results[k] = r;
        } catch (e) {
          dropped['render-failed'] = (dropped['render-failed'] ?? 0) + 1;
          console.error(`skip ${hex}: ${(e as Error).message}`);
        }
      }
    }),
  );
  const kept = candidates.flatMap((p, k) => {
    const r = results[k];
    return r ? [{ p, r }] : [];
  });
  const held = heldOutPairs(kept.map((x) => x.r.line), kept.map((x) => x.p.hexcode), size);

  const n = kept.length;
  const files = doodleFiles(size);
  const atlases = await writePairAtlases(out, files, kept.map((x) => x.r), size);

  const pairs: DoodlePair[] = kept.map(({ p }, i) => ({ i, ...p, split: held.has(i) ? 'heldout' : 'train' }));
  const heldCount = pairs.filter((p) => p.split === 'heldout').length;
  const index: DoodleIndex = {
    ...atlases,
    source: DOODLE_SOURCE,
    splitBy: 'line-clusters',
    heldOutFraction: n ? heldCount / n : 0,
    dropped: Object.fromEntries(Object.entries(dropped).sort(([a], [b]) => (a < b ? -1 : 1))),
    pairs,
  };
  writeFileSync(path.join(out, files.index), `${JSON.stringify(index, null, 1)}\n`);

  const licPath = path.join(out, 'LICENSES.md');
  const licences = existsSync(licPath) ? readFileSync(licPath, 'utf8') : '# Training data: licences and credits\n';
  writeFileSync(licPath, withDoodleCredits(licences, size, n));

  const bytes = (f: string): number => statSync(path.join(out, f)).size;
  console.log(
    JSON.stringify({
      pairs: n,
      train: n - heldCount,
      heldout: heldCount,
      heldOutFraction: +index.heldOutFraction.toFixed(3),
      dropped: index.dropped,
      atlas: `${atlases.columns}x${atlases.rows} tiles of ${size}`,
      lineBytes: bytes(files.line),
      colorBytes: bytes(files.color),
      indexBytes: bytes(files.index),
      lineMaxChroma: maxChroma,
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
