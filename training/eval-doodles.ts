/**
 * `npm run eval:doodles`: quality figures for the doodle -> colour (pix2pix) model on ALL held-out
 * pairs, for every exported checkpoint in public/models/<model>/manifest.json, against two
 * baselines and a real-vs-real reference (issue 8, item 3):
 *
 *  - l1Heldout: mean |output - truth| in [0, 1] pixel units (= |a - b| / 2 on the [-1, 1] scale;
 *    the trainer's own `heldoutL1`, on 16 pairs, is on the [-1, 1] scale, i.e. twice this unit);
 *  - swdHeldout<res> / swdHeldoutMean: multi-scale SWD x1e3 (lib/gan/offline/swd.ts, ProGAN: 7x7
 *    neighbourhoods, 4 x 128 directions, pyramid 64 / 32 / 16 px, seed as training/eval.ts) between
 *    the set of outputs and the set of true colour images. With only 208 held-out pairs, 512
 *    neighbourhoods per image per level (the GAN eval: 128), and the outputs' neighbourhoods sit
 *    at the same positions as the truths' (same patch seed, same set size), so sampling noise of
 *    the positions cancels and a perfect predictor gets exactly 0.
 *
 * Outputs are what the studio paints (lib/gan/pix2pix.ts paintLines: the per-pixel median of G
 * over the doodle moved by a pixel each way and mirrored; figures are marked evalPaintMembers 10
 * and evalPaintMedian 1, older ones (G alone, the mirror pair, the mean of the ten) count as
 * missing), quantised to 8 bits as the browser shows them, like the truths.
 * Baselines (manifest top level `baselines`, and their means copied into every checkpoint's
 * metrics, which survive the trainer rewriting the manifest):
 *  - plainFill: training/doodle-fill.ts: the outline's enclosed white regions filled with the
 *    training set's mean colour of non-white, non-ink pixels; background white; ink kept;
 *  - untrained: ckpt-000000 (the model before any step);
 *  - realTrain: SWD only: as many random training colour images as there are held-out pairs vs the
 *    held-out colour images (the train / held-out shift; the split is by emoji subgroup).
 *
 *   node --import tsx training/eval-doodles.ts [--model doodles-64] [--only-missing] [--sheet]
 *                    [--sheet-out docs/doodles.png] [--seed 1] [--nhoods 512] [--batch 32] [--root DIR]
 *
 * --sheet also writes docs/doodles.png: 8 fixed held-out pairs (one per subgroup) as rows of
 * doodle / plain fill / untrained / trained (latest checkpoint) / truth. Deterministic.
 * Progress goes to stderr, the table too; a JSON summary goes to stdout.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { setupBackend } from '../lib/gan/offline/backend';
import { PAINT_SHIFTS, paintDoodles } from '../lib/gan/pix2pix';
import type { DoodleHint } from '../lib/gan/doodle-hints';
import { DOODLE_MODEL_ID, pix2pixManifestSchema } from '../lib/gan/manifest';
import { Rng } from '../lib/gan/rng';
import { imagesOf } from '../lib/gan/offline/image-set';
import { PROGAN_SWD, SwdReference, type Projector, type SwdResult } from '../lib/gan/offline/swd';
import { doodleFiles, type DoodleIndex } from './data-format';
import { meanFillColour, meanL1, pairedComparison, perImageL1, plainFill, type Rgb } from './doodle-fill';
import { doodleBatch, downsampleDoodles, loadDoodleSet, type DoodleSet } from './doodle-loader';
import { tfProjector } from './eval';
import { checkpointDirOf, fileLoadHandler, modelDirOf } from './export';
import { positiveIntOption } from './run-options';
import { runIfMain } from './cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Neighbourhoods per image per level (ProGAN and the GAN eval: 128; few images here, so more). */
export const DOODLE_NHOODS = 512;

export interface DoodleEvalOptions {
  model: string;
  root: string;
  dataDir: string;
  onlyMissing: boolean;
  sheet: boolean;
  sheetOut: string;
  seed: number;
  nhoods: number;
  batch: number;
}

function parseOptions(argv: string[]): DoodleEvalOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      root: { type: 'string' },
      'data-dir': { type: 'string' },
      'only-missing': { type: 'boolean' },
      sheet: { type: 'boolean' },
      'sheet-out': { type: 'string' },
      seed: { type: 'string' },
      nhoods: { type: 'string' },
      batch: { type: 'string' },
    },
    strict: true,
  });
  const int = positiveIntOption;
  const root = path.resolve(values.root ?? REPO);
  return {
    model: values.model ?? DOODLE_MODEL_ID,
    root,
    dataDir: path.resolve(values['data-dir'] ?? path.join(root, 'training', 'data')),
    onlyMissing: values['only-missing'] === true,
    sheet: values.sheet === true,
    sheetOut: path.resolve(root, values['sheet-out'] ?? path.join('docs', 'doodles.png')),
    seed: int(values.seed, 1, 'seed'),
    nhoods: int(values.nhoods, DOODLE_NHOODS, 'nhoods'),
    batch: int(values.batch, 32, 'batch'),
  };
}

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const fmt = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// the evaluation itself (no I/O; tests call it on synthetic pairs)

/** Aligned pairs, float32 in [-1, 1]: line [count, S, S, 1], colour [count, S, S, 3]. */
export interface PairSet {
  line: Float32Array;
  colour: Float32Array;
  count: number;
  size: number;
}

export interface DoodleEvalSettings {
  seed: number;
  nhoodsPerImage: number;
  /** Coarsest SWD level (default 16, as the GAN eval). */
  minResolution?: number;
  /** Directions per level = dirRepeats x dirsPerRepeat (default ProGAN's 4 x 128). */
  dirRepeats?: number;
  dirsPerRepeat?: number;
  projector?: Projector;
}

/** The held-out truths prepared once: SWD reference (pyramid, descriptors, directions). */
export interface DoodleEvalContext {
  truth: PairSet;
  ref: SwdReference;
  patchSeed: number;
}

/** Rounds [-1, 1] values to the nearest of the 256 8-bit levels (in place; returns `v`). */
export function quantise8(v: Float32Array): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] = Math.max(0, Math.min(255, Math.round(((v[i] as number) + 1) * 127.5))) / 127.5 - 1;
  return v;
}

export function prepareDoodleEval(truth: PairSet, s: DoodleEvalSettings): DoodleEvalContext {
  const patchSeed = (Math.imul(s.seed >>> 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  const ref = new SwdReference(imagesOf(truth.colour, truth.count, truth.size), {
    ...PROGAN_SWD,
    ...(s.minResolution !== undefined ? { minResolution: s.minResolution } : {}),
    ...(s.dirRepeats !== undefined ? { dirRepeats: s.dirRepeats } : {}),
    ...(s.dirsPerRepeat !== undefined ? { dirsPerRepeat: s.dirsPerRepeat } : {}),
    nhoodsPerImage: s.nhoodsPerImage,
    seed: s.seed,
    patchSeed,
    ...(s.projector ? { projector: s.projector } : {}),
  });
  return { truth, ref, patchSeed };
}

function swdMetrics(prefix: string, r: SwdResult): Record<string, number> {
  const m: Record<string, number> = {};
  r.resolutions.forEach((res, i) => {
    m[`${prefix}${res}`] = r4(r.perLevel[i] as number);
  });
  m[`${prefix}Mean`] = r4(r.mean);
  return m;
}

/** SWD x1e3 of a colour image set ([count, S, S, 3] in [-1, 1], count = the truths') against the truths. */
export function swdAgainstTruth(ctx: DoodleEvalContext, colour: Float32Array): Record<string, number> {
  const { count, size } = ctx.truth;
  return swdMetrics('swdHeldout', ctx.ref.distance(imagesOf(colour, count, size), { patchSeed: ctx.patchSeed }));
}

/**
 * l1Heldout ([0, 1] units) and swdHeldout<res>/Mean (x1e3) of predicted colour images for the
 * truths' line images, [count, S, S, 3] in [-1, 1] (quantise them first to score what is shown).
 */
export function scoreOutputs(ctx: DoodleEvalContext, outputs: Float32Array): Record<string, number> {
  if (outputs.length !== ctx.truth.colour.length) throw new Error(`eval-doodles: ${outputs.length} output values for ${ctx.truth.colour.length}`);
  return { l1Heldout: r4(meanL1(outputs, ctx.truth.colour)), ...swdAgainstTruth(ctx, outputs) };
}

/**
 * The generator's paintings (paintDoodles, as the studio shows them) of `line` ([count, S, S, 1])
 * with `hints[k]` for pair k, in batches, quantised to 8 bits; `anchor: false` leaves hinted
 * regions as the network painted them (paintDoodles), `quantise: false` keeps the floats (to
 * anchor them afterwards exactly as paintDoodles would).
 */
export function predictColour(
  g: tf.LayersModel,
  line: Float32Array,
  count: number,
  size: number,
  batch = 32,
  hints: ReadonlyArray<readonly DoodleHint[]> = [],
  { anchor = true, quantise = true }: { anchor?: boolean; quantise?: boolean } = {},
): Float32Array {
  const per = size * size;
  const out = new Float32Array(count * per * 3);
  for (let i = 0; i < count; i += batch) {
    const b = Math.min(batch, count - i);
    const y = paintDoodles(g, line.subarray(i * per, (i + b) * per), b, size, hints.slice(i, i + b), { anchor });
    const v = y.dataSync();
    y.dispose();
    out.set(v, i * per * 3);
  }
  return quantise ? quantise8(out) : out;
}

/** Evaluates one generator on the context's pairs. */
export function evaluateGenerator(ctx: DoodleEvalContext, g: tf.LayersModel, batch = 32): Record<string, number> {
  const t = ctx.truth;
  return scoreOutputs(ctx, predictColour(g, t.line, t.count, t.size, batch));
}

/** The plain-fill baseline's outputs for the context's pairs (quantised like the model's). */
export function plainFillOutputs(ctx: DoodleEvalContext, fill: Rgb): Float32Array {
  const t = ctx.truth;
  return quantise8(plainFill(t.line, t.count, t.size, fill));
}

// ---------------------------------------------------------------------------------------------
// manifest: read tolerantly, merge and replace atomically

type Metrics = Record<string, number>;
interface RawCheckpoint {
  step: number;
  path: string;
  metrics?: Metrics | null;
  [k: string]: unknown;
}
interface RawManifest {
  resolution: number;
  checkpoints: RawCheckpoint[];
  baselines?: Record<string, { description: string; metrics: Metrics }>;
  [k: string]: unknown;
}

/** Reads the manifest; retries briefly if the trainer is rewriting it (its write is not atomic). */
export function readManifest(file: string): RawManifest {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as RawManifest;
    } catch (e) {
      if (attempt >= 20 || !existsSync(file)) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/**
 * Re-reads the manifest, merges `byStep` into the checkpoints' metrics (entries the trainer added
 * meanwhile are kept as they are), sets `baselines` when given, validates the result against
 * pix2pixManifestSchema and replaces the file atomically (temp file + rename), all synchronous.
 * Returns the steps that were not in the manifest.
 */
export function mergeManifestMetrics(file: string, byStep: ReadonlyMap<number, Metrics>, baselines?: RawManifest['baselines']): number[] {
  const m = readManifest(file);
  const missing: number[] = [];
  for (const [step, metrics] of byStep) {
    const entry = m.checkpoints.find((c) => c.step === step);
    if (!entry) {
      missing.push(step);
      continue;
    }
    entry.metrics = { ...(entry.metrics ?? {}), ...metrics };
  }
  if (baselines) m.baselines = { ...(m.baselines ?? {}), ...baselines };
  pix2pixManifestSchema.parse(m);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(m, null, 1)}\n`);
  renameSync(tmp, file);
  return missing;
}

// ---------------------------------------------------------------------------------------------

export const toPairSet = (set: DoodleSet): PairSet => {
  const b = doodleBatch(set, Array.from({ length: set.count }, (_, i) => i));
  return { line: b.line, colour: b.color, count: set.count, size: set.size };
};

/** The sheet's rows: one held-out pair per subgroup, the middle pair of each (set order). */
export const SHEET_SUBGROUPS = ['game', 'animal-reptile', 'food-drink', 'healthcare', 'money', 'tool', 'other-symbol', 'arts-crafts', 'hand-fingers-partial', 'brand'];
const SHEET_ROWS = 8;

export function sheetIndices(index: DoodleIndex): number[] {
  const held = index.pairs.filter((p) => p.split === 'heldout');
  const picks: number[] = [];
  const pick = (members: Array<{ k: number }>) => picks.push((members[Math.floor(members.length / 2)] as { k: number }).k);
  for (const sg of SHEET_SUBGROUPS) {
    const members = held.map((p, k) => ({ p, k })).filter(({ p }) => p.subgroup === sg);
    if (members.length === 0) continue;
    pick(members);
    if (picks.length === SHEET_ROWS) return picks;
  }
  // then one per other subgroup in a fixed (sorted) order, so that the sheet always has its rows
  const others = [...new Set(held.map((p) => p.subgroup))].filter((sg) => !SHEET_SUBGROUPS.includes(sg)).sort();
  for (const sg of others) {
    if (picks.length === SHEET_ROWS) break;
    pick(held.map((p, k) => ({ p, k })).filter(({ p }) => p.subgroup === sg));
  }
  return picks;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function writeSheet(
  out: string,
  truth: PairSet,
  rows: number[],
  columns: { label: string; colour: Float32Array | null }[],
  rowLabels: string[],
): Promise<void> {
  const S = truth.size;
  const Z = 2; // upscale (nearest) for legibility
  const T = S * Z;
  const GAP = 6;
  const HEAD = 22;
  const LEFT = 150;
  const width = LEFT + columns.length * (T + GAP);
  const height = HEAD + rows.length * (T + GAP);
  const composites: { input: Buffer; left: number; top: number }[] = [];
  for (const [r, i] of rows.entries()) {
    for (const [c, col] of columns.entries()) {
      const px = Buffer.alloc(S * S * 3);
      for (let p = 0; p < S * S; p++) {
        for (let ch = 0; ch < 3; ch++) {
          const v = col.colour ? (col.colour[(i * S * S + p) * 3 + ch] as number) : (truth.line[i * S * S + p] as number);
          px[p * 3 + ch] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
        }
      }
      const tile = await sharp(px, { raw: { width: S, height: S, channels: 3 } }).resize(T, T, { kernel: 'nearest' }).png().toBuffer();
      composites.push({ input: tile, left: LEFT + c * (T + GAP), top: HEAD + r * (T + GAP) });
    }
  }
  const text = [
    ...columns.map((c, k) => `<text x="${LEFT + k * (T + GAP) + T / 2}" y="15" font-size="12" font-family="sans-serif" text-anchor="middle" fill="#222">${esc(c.label)}</text>`),
    ...rowLabels.map((l, r) => {
      const [a = '', b = ''] = l.split('\n');
      const y = HEAD + r * (T + GAP) + T / 2;
      return (
        `<text x="6" y="${y - 2}" font-size="11" font-family="sans-serif" fill="#222">${esc(a)}</text>` +
        `<text x="6" y="${y + 12}" font-size="10" font-family="sans-serif" fill="#666">${esc(b)}</text>`
      );
    }),
  ].join('');
  composites.push({ input: Buffer.from(`<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${text}</svg>`), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toFile(out);
}

export interface DoodleEvalRow {
  step: number;
  metrics: Metrics;
}

const EVAL_KEYS = ['l1Heldout', 'swdHeldoutMean', 'l1VsFillHi'];
/** How many paintings paintLines takes the median of (each shift, and its mirror). */
const PAINT_MEMBERS = 2 * PAINT_SHIFTS.length;

export async function evaluateDoodles(opt: DoodleEvalOptions): Promise<{ rows: DoodleEvalRow[]; baselines: NonNullable<RawManifest['baselines']> }> {
  const t0 = performance.now();
  const modelDir = modelDirOf(opt.root, opt.model);
  const manifestFile = path.join(modelDir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`eval-doodles: no manifest at ${manifestFile}`);
  const manifest = readManifest(manifestFile);
  // figures from before the studio painted as paintLines does now (G alone, the mirror pair, the mean of the ten) count as missing
  const settingsOk = (m: Metrics | null | undefined): boolean =>
    !!m && m.evalSeed === opt.seed && m.evalNhoods === opt.nhoods && m.evalPaintMembers === PAINT_MEMBERS && m.evalPaintMedian === 1;
  const todo = manifest.checkpoints.filter((c) => !opt.onlyMissing || !(settingsOk(c.metrics) && EVAL_KEYS.every((k) => typeof c.metrics?.[k] === 'number')));
  const step0 = manifest.checkpoints.find((c) => c.step === 0);
  if (!step0) throw new Error('eval-doodles: the manifest has no step-0 (untrained) checkpoint');
  log(`eval-doodles ${opt.model}: ${manifest.checkpoints.length} checkpoints, ${todo.length} to evaluate; seed ${opt.seed}, ${opt.nhoods} neighbourhoods per image per level`);

  const backend = await setupBackend('wasm');
  const R = manifest.resolution;
  const index = JSON.parse(readFileSync(path.join(opt.dataDir, doodleFiles().index), 'utf8')) as DoodleIndex;
  let heldSet = await loadDoodleSet(opt.dataDir, 'heldout');
  let trainSet = await loadDoodleSet(opt.dataDir, 'train');
  if (heldSet.size !== R) heldSet = downsampleDoodles(heldSet, R);
  if (trainSet.size !== R) trainSet = downsampleDoodles(trainSet, R);
  const held = toPairSet(heldSet);
  const train = toPairSet(trainSet);
  const fill = meanFillColour(train.line, train.colour, train.count * R * R);
  const fill8 = fill.map((v) => Math.round((v + 1) * 127.5));
  log(`data: ${held.count} held-out pairs, ${train.count} training pairs, ${R}x${R}; backend ${backend}; plain-fill colour (training mean of non-white, non-ink pixels) rgb(${fill8.join(', ')})`);

  let t = performance.now();
  const ctx = prepareDoodleEval(held, { seed: opt.seed, nhoodsPerImage: opt.nhoods, projector: tfProjector });
  log(`SWD reference (${held.count} held-out colour images, levels ${ctx.ref.resolutions.join('/')}): ${fmt((performance.now() - t) / 1000)} s`);
  const settings: Metrics = { evalPairs: held.count, evalSeed: opt.seed, evalNhoods: opt.nhoods, evalPaintMembers: PAINT_MEMBERS, evalPaintMedian: 1 };

  // baselines: reuse from an earlier run with the same settings (--only-missing), else compute
  const prior = opt.onlyMissing ? manifest.baselines : undefined;
  const reuse = (k: string): Metrics | undefined => {
    const b = prior?.[k]?.metrics;
    return b && settingsOk(b) && b.evalPairs === held.count ? b : undefined;
  };
  const fillOut = plainFillOutputs(ctx, fill);
  let fillMetrics = reuse('plainFill');
  if (!fillMetrics) {
    t = performance.now();
    fillMetrics = { ...scoreOutputs(ctx, fillOut), ...settings };
    log(`plain fill: L1 ${fmt(fillMetrics.l1Heldout, 4)}  SWD ${fmt(fillMetrics.swdHeldoutMean)}  (${fmt((performance.now() - t) / 1000)} s)`);
  }
  let realMetrics = reuse('realTrain');
  if (!realMetrics) {
    t = performance.now();
    const pick = new Rng((opt.seed ^ 0x6a09e667) >>> 0).permutation(train.count).subarray(0, held.count);
    const per = R * R * 3;
    const sub = new Float32Array(held.count * per);
    pick.forEach((i, k) => sub.set(train.colour.subarray(i * per, (i + 1) * per), k * per));
    realMetrics = { ...swdAgainstTruth(ctx, sub), ...settings };
    log(`real vs real (${held.count} random training colour images vs the held-out ones): SWD ${fmt(realMetrics.swdHeldoutMean)}  (${fmt((performance.now() - t) / 1000)} s)`);
  }

  // per held-out pair: model minus fill, with a bootstrap interval ("clearly better": all below 0)
  const fillPerPair = perImageL1(fillOut, held.colour, held.count);
  const versusFill = (out: Float32Array): Metrics => {
    const rng = new Rng((opt.seed ^ 0x3c6ef372) >>> 0);
    const c = pairedComparison(perImageL1(out, held.colour, held.count), fillPerPair, () => rng.uniform());
    return { l1VsFillDiff: r4(c.meanDiff), l1VsFillLo: r4(c.lo), l1VsFillHi: r4(c.hi), l1VsFillWins: c.wins };
  };
  const results = new Map<number, Metrics>();
  const outputsOf = new Map<number, Float32Array>();
  const latest = manifest.checkpoints.reduce((a, c) => (c.step > a.step ? c : a));
  const needOutputs = new Set(opt.sheet ? [0, latest.step] : []);
  const runModel = async (c: RawCheckpoint): Promise<Float32Array> => {
    const g = await tf.loadLayersModel(fileLoadHandler(checkpointDirOf(opt.root, opt.model, c.path)));
    try {
      return predictColour(g, held.line, held.count, R, opt.batch);
    } finally {
      g.dispose();
    }
  };
  for (const [k, c] of todo.entries()) {
    t = performance.now();
    const out = await runModel(c);
    const m = { ...scoreOutputs(ctx, out), ...versusFill(out), ...settings };
    results.set(c.step, m);
    if (needOutputs.has(c.step)) outputsOf.set(c.step, out);
    log(`[${k + 1}/${todo.length}] step ${c.step}: L1 ${fmt(m.l1Heldout, 4)}  SWD x1e3 ${[64, 32, 16].map((r) => fmt(m[`swdHeldout${r}`])).join(' / ')}  mean ${fmt(m.swdHeldoutMean)}; vs fill ${fmt(m.l1VsFillDiff, 4)} [${fmt(m.l1VsFillLo, 4)}, ${fmt(m.l1VsFillHi, 4)}], wins ${m.l1VsFillWins}/${held.count}  (${fmt((performance.now() - t) / 1000)} s)`);
  }
  const untrainedMetrics = results.get(0) ?? (settingsOk(step0.metrics) ? (step0.metrics as Metrics) : undefined) ?? reuse('untrained');
  if (!untrainedMetrics || typeof untrainedMetrics.l1Heldout !== 'number') throw new Error('eval-doodles: no figures for the untrained model (step 0): run without --only-missing');
  const pickKeys = (m: Metrics, keys: RegExp): Metrics => Object.fromEntries(Object.entries(m).filter(([key]) => keys.test(key)));
  const settingKeys = Object.keys(settings).join('|');
  const swdKeys = new RegExp(`^(swdHeldout\\d+|swdHeldoutMean|${settingKeys})$`);
  const scoreKeys = new RegExp(`^(l1Heldout|l1VsFill\\w+|swdHeldout\\d+|swdHeldoutMean|${settingKeys})$`);
  const baselines: NonNullable<RawManifest['baselines']> = {
    plainFill: {
      description: `training/doodle-fill.ts: enclosed white regions of the outline (not 4-connected to the border through white pixels) filled with the training set's mean colour of non-white, non-ink pixels rgb(${fill8.join(', ')}), background white, ink multiplied over it`,
      metrics: pickKeys(fillMetrics, scoreKeys),
    },
    untrained: { description: `the untrained generator (${step0.path})`, metrics: pickKeys(untrainedMetrics, scoreKeys) },
    realTrain: {
      description: `SWD of ${held.count} random training colour images vs the ${held.count} held-out colour images (train / held-out shift at the same set size)`,
      metrics: pickKeys(realMetrics, swdKeys),
    },
  };
  // the baselines' headline figures also go into every checkpoint's metrics: the trainer rebuilds
  // the manifest's top level when it exports, and keeps only the checkpoints' metrics
  const copies: Metrics = {
    fillL1Heldout: fillMetrics.l1Heldout as number,
    fillSwdHeldoutMean: fillMetrics.swdHeldoutMean as number,
    untrainedL1Heldout: untrainedMetrics.l1Heldout as number,
    untrainedSwdHeldoutMean: untrainedMetrics.swdHeldoutMean as number,
    realSwdHeldoutMean: realMetrics.swdHeldoutMean as number,
  };
  for (const [step, m] of results) results.set(step, { ...pickKeys(m, scoreKeys), ...copies });
  let missing = mergeManifestMetrics(manifestFile, results, baselines);
  if (missing.length) log(`steps ${missing.join(', ')} are no longer in the manifest: not written`);
  // a trainer export between our read and rename could have overwritten the file with its own
  // read of the old one: check once more and re-merge if any of our figures went missing
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  const check = readManifest(manifestFile);
  const lost = [...results.keys()].some((s) => check.checkpoints.find((c) => c.step === s)?.metrics?.l1Heldout === undefined) || !check.baselines;
  if (lost) {
    log('the trainer rewrote the manifest meanwhile: merging again');
    missing = mergeManifestMetrics(manifestFile, results, baselines);
  }

  if (opt.sheet) {
    t = performance.now();
    const rows = sheetIndices(index);
    const untrainedOut = outputsOf.get(0) ?? (await runModel(step0));
    const trainedOut = outputsOf.get(latest.step) ?? (await runModel(latest));
    const heldPairs = index.pairs.filter((p) => p.split === 'heldout');
    await writeSheet(
      opt.sheetOut,
      held,
      rows,
      [
        { label: 'doodle', colour: null },
        { label: 'plain fill', colour: fillOut },
        { label: 'untrained', colour: untrainedOut },
        { label: `trained (step ${latest.step})`, colour: trainedOut },
        { label: 'truth', colour: held.colour },
      ],
      rows.map((i) => {
        const p = heldPairs[i];
        const name = p?.annotation || p?.hexcode || String(i);
        return `${name.length > 22 ? `${name.slice(0, 21)}…` : name}\n${p?.subgroup ?? ''}`;
      }),
    );
    log(`wrote ${path.relative(opt.root, opt.sheetOut)} (${rows.length} held-out pairs, trained = step ${latest.step}; ${fmt((performance.now() - t) / 1000)} s)`);
  }

  const final = readManifest(manifestFile);
  const rows = final.checkpoints.map((c) => ({ step: c.step, metrics: { ...(c.metrics ?? {}), ...(results.get(c.step) ?? {}) } }));
  log(`done in ${fmt((performance.now() - t0) / 1000)} s`);
  return { rows, baselines };
}

export function formatTable(rows: DoodleEvalRow[], baselines: NonNullable<RawManifest['baselines']>): string {
  const head = ['', 'L1 [0,1]', 'SWD64', 'SWD32', 'SWD16', 'SWDmean'];
  const line = (name: string, m: Metrics | undefined): string =>
    [name, fmt(m?.l1Heldout, 4), fmt(m?.swdHeldout64), fmt(m?.swdHeldout32), fmt(m?.swdHeldout16), fmt(m?.swdHeldoutMean)].join('\t');
  return [
    head.join('\t'),
    line('plain fill', baselines.plainFill?.metrics),
    line('real vs real', baselines.realTrain?.metrics),
    ...rows.map((r) => line(`step ${r.step}`, r.metrics)),
  ].join('\n');
}

runIfMain(import.meta.url, async () => {
  const opt = parseOptions(process.argv.slice(2));
  const { rows, baselines } = await evaluateDoodles(opt);
  log(formatTable(rows, baselines));
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b ? r4(a / b) : undefined);
  const checkpoints = rows.map(({ step, metrics: m }) => ({
    step,
    l1Heldout: m.l1Heldout,
    swdHeldoutMean: m.swdHeldoutMean,
    l1VsFill: ratio(m.l1Heldout, m.fillL1Heldout),
    swdVsFill: ratio(m.swdHeldoutMean, m.fillSwdHeldoutMean),
  }));
  process.stdout.write(`${JSON.stringify({ model: opt.model, baselines, checkpoints }, null, 1)}\n`);
});

export { parseOptions };
