/**
 * Child process of `npm run bench:gan -- --cores-only --baseline DIR`: the GAN training step of
 * another checkout (DIR, e.g. a git worktree of the tree before issue 19), with that tree's own
 * trainer and wasm kernels, timed step by step on request so that the parent can interleave it
 * with this tree's variants (only one of them runs at a time).
 *
 * argv: DIR, the architecture (JSON), the batch size. Prints READY, then for each stdin line "N"
 * runs N steps and prints their milliseconds on one line; exits when stdin closes.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

interface BaselineTrainer {
  trainStep(batch: Float32Array): { lossD: number; lossG: number };
}
interface BaselineModules {
  backend: { setupBackend(name: 'wasm'): Promise<string> };
  trainer: { DEFAULT_HYPER: Record<string, unknown>; GanTrainer: new (config: unknown, hyper: unknown, seed: number) => BaselineTrainer };
  rng: { Rng: new (seed: number) => { uniform(): number } };
}

const [dir, configJson, batchArg] = process.argv.slice(2);
if (!dir || !configJson || !batchArg) throw new Error('usage: gan-baseline-step.ts DIR CONFIG_JSON BATCH');
const from = (file: string): string => pathToFileURL(path.resolve(dir, file)).href;
// the other tree's modules, as that tree wrote them (its shapes are checked by use, not by types)
const mods: BaselineModules = {
  backend: (await import(from('lib/gan/offline/backend.ts'))) as BaselineModules['backend'],
  trainer: (await import(from('lib/gan/trainer.ts'))) as BaselineModules['trainer'],
  rng: (await import(from('lib/gan/rng.ts'))) as BaselineModules['rng'],
};
await mods.backend.setupBackend('wasm');
const config = JSON.parse(configJson) as { resolution: number };
const batchSize = Number(batchArg);
const trainer = new mods.trainer.GanTrainer(config, { ...mods.trainer.DEFAULT_HYPER, batch: batchSize }, 21);
const rng = new mods.rng.Rng(6);
const R = config.resolution;
const batch = Float32Array.from({ length: batchSize * R * R * 3 }, () => rng.uniform() * 2 - 1);

process.stdout.write('READY\n');
for await (const line of createInterface({ input: process.stdin })) {
  const n = Number(line.trim());
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const s = trainer.trainStep(batch);
    ms.push(performance.now() - t0);
    if (!Number.isFinite(s.lossD) || !Number.isFinite(s.lossG)) throw new Error('baseline: non-finite loss');
  }
  process.stdout.write(`${ms.join(' ')}\n`);
}
process.exit(0);
