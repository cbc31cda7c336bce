/**
 * Writes public/models/<id>/curves.json (binned losses for the learning lab) from the run's
 * JSONL log. Called by figures.ts; also runnable alone: npx tsx training/curves.ts [model-id]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binLog, binStepsFor, curvesSchema, type LogLine } from '../lib/gan/curves';
import { DEFAULT_MODEL_ID, modelManifestSchema } from '../lib/gan/manifest';

export function writeCurves(modelDir: string, modelId: string, runId: string, logFile: string): { points: number; binSteps: number } {
  const lines: LogLine[] = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
  const last = lines.reduce((m, l) => Math.max(m, l.step), 0);
  const binSteps = binStepsFor(last);
  const curves = curvesSchema.parse({ modelId, runId, binSteps, points: binLog(lines, binSteps) });
  writeFileSync(path.join(modelDir, 'curves.json'), JSON.stringify(curves));
  return { points: curves.points.length, binSteps };
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const id = process.argv[2] ?? DEFAULT_MODEL_ID;
  const dir = path.join('public/models', id);
  const { runId } = modelManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
  if (!runId) throw new Error(`${dir}/manifest.json names no training run (runId)`);
  const r = writeCurves(dir, id, runId, path.join('training/logs', `${runId}.jsonl`));
  console.log(`${dir}/curves.json: ${r.points} points of ${r.binSteps} steps`);
}
