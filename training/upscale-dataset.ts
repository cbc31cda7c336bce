/**
 * `npm run dataset:upscale`: the 4x upscaler's pairs (issue 17). The emoji faces of the vector
 * sets (OpenMoji, Fluent Flat, Fluent Modern: SVG) rendered twice with one geometry
 * (training/render-face.ts): at 64 px, exactly as the generator's data set renders them (the
 * input), and at 256 px (the target). The held-out split is the generator's (by emoji group,
 * all styles of one emoji on one side, training/dataset-select.ts), so no held-out emoji is ever
 * trained on. Writes training/data/upscale{64,256}.png (atlases in one tile order) and
 * upscale.json; git-ignored (about 30 MB), rebuilt deterministically.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { SOURCE_PACKAGES, selectFaces, splitByGroup, type EmojiDatasourceEntry, type FaceFile, type OpenmojiEntry } from './dataset-select';
import { UPSCALE_FILES, vectorFaces, type UpscaleIndex } from './upscale-data';
import { PROJECT_ROOT, cacheDir, ensurePackages } from './dataset-cache';
import { packAtlas, renderFace } from './render-face';

const MODULES = path.join(cacheDir('dataset'), 'node_modules');
const OUT = path.join(PROJECT_ROOT, 'training', 'data');

async function main(): Promise<void> {
  ensurePackages(cacheDir('dataset'), SOURCE_PACKAGES);
  const ds = JSON.parse(readFileSync(path.join(MODULES, 'emoji-datasource-google', 'emoji.json'), 'utf8')) as EmojiDatasourceEntry[];
  const om = JSON.parse(readFileSync(path.join(MODULES, 'openmoji', 'data', 'openmoji.json'), 'utf8')) as OpenmojiEntry[];
  const all = selectFaces(ds, om, (rel) => existsSync(path.join(MODULES, rel)));
  // the split over ALL faces, as the generator's data set makes it
  const held = splitByGroup(all);
  const faces = vectorFaces(all);

  const rendered: Array<{ face: FaceFile; low: Buffer; high: Buffer } | null> = new Array(faces.length).fill(null);
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = next++; i < faces.length; i = next++) {
        const face = faces[i] as FaceFile;
        const file = path.join(MODULES, face.file);
        try {
          rendered[i] = { face, low: await renderFace(file, 64), high: await renderFace(file, 256) };
        } catch (e) {
          failed++;
          console.error(`skip ${face.id}: ${(e as Error).message}`);
        }
      }
    }),
  );
  const pairs = rendered.filter((r): r is NonNullable<typeof r> => r !== null);
  mkdirSync(OUT, { recursive: true });
  for (const [tile, pick] of [
    [64, (r: (typeof pairs)[number]) => r.low],
    [256, (r: (typeof pairs)[number]) => r.high],
  ] as const) {
    const { atlas, columns, rows } = packAtlas(pairs.map(pick), tile);
    await sharp(atlas, { raw: { width: columns * tile, height: rows * tile, channels: 3 } })
      .png({ compressionLevel: 9 })
      .toFile(path.join(OUT, tile === 64 ? UPSCALE_FILES.low : UPSCALE_FILES.high));
  }
  const index: UpscaleIndex = {
    version: 1,
    count: pairs.length,
    low: { file: UPSCALE_FILES.low, tile: 64, columns: Math.ceil(Math.sqrt(pairs.length)) },
    high: { file: UPSCALE_FILES.high, tile: 256, columns: Math.ceil(Math.sqrt(pairs.length)) },
    sources: SOURCE_PACKAGES.filter((p) => p.name === 'openmoji' || p.name === 'fluentui-emoji').map((p) => ({ package: p.name, version: p.version, licence: p.imageLicence, credit: p.credit, url: p.url })),
    pairs: pairs.map(({ face }, i) => ({ i, id: face.id, vendor: face.vendor, name: face.name, group: face.group, split: held.has(face.group) ? 'heldout' : 'train' })),
  };
  writeFileSync(path.join(OUT, UPSCALE_FILES.index), `${JSON.stringify(index, null, 1)}\n`);
  const counts: Record<string, number> = {};
  for (const p of index.pairs) counts[`${p.vendor}/${p.split}`] = (counts[`${p.vendor}/${p.split}`] ?? 0) + 1;
  console.log(JSON.stringify({ pairs: pairs.length, failed, counts }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
