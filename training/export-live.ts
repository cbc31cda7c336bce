/**
 * `npm run export:live`: writes public/models/<model-id>/live/ (live.json, weights.bin,
 * subset.png) from the latest training checkpoint, for live training in the browser
 * (lib/gan/live-train.ts). Reads the checkpoint only: safe while training runs.
 *
 *   npx tsx training/export-live.ts [--run-id ID] [--model-id ID] [--precision float16|float32] [--per-source N]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LIVE_DIR } from '../lib/gan/live-train';
import { exportLive } from './export';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'run-id': { type: 'string', default: 'emoji-faces-64-r1' },
      'model-id': { type: 'string', default: 'emoji-faces-64' },
      precision: { type: 'string', default: 'float16' },
      'per-source': { type: 'string', default: '64' },
    },
    strict: true,
  });
  const precision = values.precision;
  if (precision !== 'float16' && precision !== 'float32') throw new Error('--precision must be float16|float32');
  const modelId = values['model-id'];
  const outDir = path.join(REPO, 'public', 'models', modelId, LIVE_DIR);
  const { info, files } = await exportLive({
    ckptDir: path.join(REPO, 'training', 'checkpoints', values['run-id'], 'latest'),
    dataDir: path.join(REPO, 'training', 'data'),
    outDir,
    modelId,
    precision,
    perSource: Number(values['per-source']),
  });
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ outDir: path.relative(REPO, outDir), step: info.step, precision, images: info.subset.count, files, totalBytes: total }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
