/**
 * `npm run dataset`: rebuilds training/data/ (the 64x64 emoji-face atlas, its JSON index with the
 * held-out split, licences and credits) from exact npm package versions, which are installed
 * on demand into .cache/dataset (not project dependencies). Deterministic for a given sharp.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {
  SOURCE_PACKAGES,
  selectFaces,
  splitByGroup,
  type EmojiDatasourceEntry,
  type FaceFile,
  type OpenmojiEntry,
} from './dataset-select';
import { ATLAS_FILE, INDEX_FILE, type DatasetIndex } from './data-format';
import { PROJECT_ROOT, cacheDir, ensurePackages, packageLicenceText } from './dataset-cache';
import { packAtlas, renderFace } from './render-face';

const ROOT = PROJECT_ROOT;
const CACHE = cacheDir('dataset');
const MODULES = path.join(CACHE, 'node_modules');
const OUT = path.join(ROOT, 'training', 'data');
const SIZE = 64;

function licenceText(pkg: string): string {
  return packageLicenceText(MODULES, pkg);
}

async function main(): Promise<void> {
  ensurePackages(CACHE, SOURCE_PACKAGES);
  const ds = JSON.parse(readFileSync(path.join(MODULES, 'emoji-datasource-google', 'emoji.json'), 'utf8')) as EmojiDatasourceEntry[];
  const om = JSON.parse(readFileSync(path.join(MODULES, 'openmoji', 'data', 'openmoji.json'), 'utf8')) as OpenmojiEntry[];
  const faces = selectFaces(ds, om, (rel) => existsSync(path.join(MODULES, rel)));
  const held = splitByGroup(faces);

  const images: { face: FaceFile; pixels: Buffer }[] = [];
  let failed = 0;
  const queue = [...faces];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        try {
          images.push({ face: f, pixels: await renderFace(path.join(MODULES, f.file), SIZE) });
        } catch (e) {
          failed++;
          console.error(`skip ${f.id}: ${(e as Error).message}`);
        }
      }
    }),
  );
  // stable order regardless of render completion order
  const order = new Map(faces.map((f, i) => [f.id, i]));
  images.sort((a, b) => (order.get(a.face.id) ?? 0) - (order.get(b.face.id) ?? 0));

  const n = images.length;
  const { atlas, columns: cols, rows } = packAtlas(images.map((x) => x.pixels), SIZE);
  mkdirSync(OUT, { recursive: true });
  await sharp(atlas, { raw: { width: cols * SIZE, height: rows * SIZE, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toFile(path.join(OUT, ATLAS_FILE));

  const index: DatasetIndex = {
    version: 1,
    tile: SIZE,
    columns: cols,
    rows,
    count: n,
    atlas: ATLAS_FILE,
    sources: SOURCE_PACKAGES.map((p) => ({ package: p.name, version: p.version, licence: p.imageLicence, credit: p.credit, url: p.url })),
    heldOutFraction: images.filter((x) => held.has(x.face.group)).length / n,
    images: images.map(({ face }, i) => ({
      i,
      id: face.id,
      vendor: face.vendor,
      name: face.name,
      group: face.group,
      split: held.has(face.group) ? 'heldout' : 'train',
    })),
  };
  writeFileSync(path.join(OUT, INDEX_FILE), `${JSON.stringify(index, null, 1)}\n`);

  const credits = [
    '# Training data: licences and credits',
    '',
    'The GANvas emoji-face data set (training/data) is rendered from these npm packages.',
    'Derived images and models trained on them must carry these credits; images derived from',
    'OpenMoji are CC BY-SA 4.0. Apple emoji are deliberately not used (not licensed for this use).',
    '',
    ...SOURCE_PACKAGES.map((p) => `- ${p.name}@${p.version} (${p.imageLicence}): ${p.credit}. ${p.url}`),
    '',
    ...SOURCE_PACKAGES.flatMap((p) => [`## ${p.name}@${p.version} licence file`, '', '```', licenceText(p.name).trim(), '```', '']),
  ].join('\n');
  // keep the section that `npm run dataset:doodles` maintains in the same file
  const licPath = path.join(OUT, 'LICENSES.md');
  const previous = existsSync(licPath) ? readFileSync(licPath, 'utf8') : '';
  const doodles = /\n?<!-- doodle-pairs:begin[\s\S]*?<!-- doodle-pairs:end -->\n?/.exec(previous)?.[0];
  writeFileSync(licPath, doodles ? `${credits.replace(/\n*$/, '\n')}${doodles.startsWith('\n') ? doodles : `\n${doodles}`}` : credits);
  const counts: Record<string, number> = {};
  for (const im of index.images) counts[`${im.vendor}/${im.split}`] = (counts[`${im.vendor}/${im.split}`] ?? 0) + 1;
  console.log(JSON.stringify({ images: n, failed, heldOutFraction: +index.heldOutFraction.toFixed(3), atlas: `${cols}x${rows}`, counts }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
