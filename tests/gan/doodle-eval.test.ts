import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../lib/gan/offline/backend';
import { pix2pixManifestSchema } from '../../lib/gan/manifest';
import { PIX2PIX_SMOKE_CONFIG, buildPix2PixGenerator, type Pix2PixConfig } from '../../lib/gan/pix2pix';
import { syntheticPairs } from '../../lib/gan/offline/pix2pix-synthetic';
import { doodleRegions } from '../../lib/gan/doodle-regions';
import { meanFillColour, meanL1, pairedComparison, perImageL1, plainFill, type Rgb } from '../../training/doodle-fill';
import { Rng } from '../../lib/gan/rng';
import { enclosedComponents } from '../../lib/gan/doodle-hints';
import { PIXEL_CLASSES, l1ByPixelClass } from '../../training/eval-doodle-hints';
import { squareOutlines } from '../helpers/line-art';
import { evaluateGenerator, mergeManifestMetrics, prepareDoodleEval, quantise8, scoreOutputs, type PairSet } from '../../training/eval-doodles';

const S = 32;
const FILL: Rgb = [0.5, -0.25, -1];

/** A white S x S line image with a 1-px black circle outline (radius r), optionally with a gap on the right. */
function circle(r: number, gap = 0): Float32Array {
  const line = new Float32Array(S * S).fill(1);
  const c = S / 2;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const inGap = gap > 0 && x > c && Math.abs(y + 0.5 - c) < gap;
      if (Math.abs(d - r) < 0.75 && !inGap) line[y * S + x] = -1;
    }
  }
  return line;
}

const px = (img: Float32Array, x: number, y: number): number[] => Array.from(img.subarray((y * S + x) * 3, (y * S + x) * 3 + 3));

describe('plain-fill baseline', () => {
  it('fills an enclosed circle with the colour, keeps the outside white and the lines dark', () => {
    const line = circle(10);
    const out = plainFill(line, 1, S, FILL);
    expect(px(out, S / 2, S / 2)).toEqual(FILL.map((v) => expect.closeTo(v, 5)));
    expect(px(out, 1, 1)).toEqual([1, 1, 1]);
    expect(px(out, S - 2, S - 2)).toEqual([1, 1, 1]);
    let ink = 0;
    for (let p = 0; p < S * S; p++) {
      if ((line[p] as number) < 0) {
        ink++;
        for (let c = 0; c < 3; c++) expect(out[p * 3 + c]).toBeLessThanOrEqual(line[p] as number);
      }
    }
    expect(ink).toBeGreaterThan(40);
    const regions = doodleRegions(line, S);
    expect(regions[(S / 2) * S + S / 2]).toBe(2);
    expect(regions[0]).toBe(1);
  });

  it('leaks to the background through a gap in the outline', () => {
    const out = plainFill(circle(10, 2), 1, S, FILL);
    expect(px(out, S / 2, S / 2)).toEqual([1, 1, 1]);
    // the closed circle next to it in the same batch is still filled
    const both = new Float32Array(2 * S * S);
    both.set(circle(10, 2));
    both.set(circle(10), S * S);
    const out2 = plainFill(both, 2, S, FILL);
    expect(Array.from(out2.subarray((S * S + (S / 2) * S + S / 2) * 3, (S * S + (S / 2) * S + S / 2) * 3 + 3))).toEqual(FILL.map((v) => expect.closeTo(v, 5)));
    expect(Array.from(out2.subarray(((S / 2) * S + S / 2) * 3, ((S / 2) * S + S / 2) * 3 + 3))).toEqual([1, 1, 1]);
  });

  it('a one-pixel diagonal stroke closes a region (4-connected flood)', () => {
    // a triangle away from the border: x = 4 and y = 12 edges and a diagonal from (x 4, y 4) to (x 12, y 12), one pixel per row
    const tri = new Float32Array(S * S).fill(1);
    for (let i = 4; i <= 12; i++) {
      tri[12 * S + i] = -1; // bottom edge
      tri[i * S + 4] = -1; // left edge
      tri[i * S + i] = -1; // diagonal: 8-connected only
    }
    const regions = doodleRegions(tri, S);
    expect(regions[10 * S + 6]).toBe(2); // row 10, column 6: inside
    expect(regions[8 * S + 5]).toBe(2);
    expect(regions[5 * S + 10]).toBe(1); // above the diagonal: background
    expect(regions[0]).toBe(1);
  });

  it('mean fill colour: only non-white, non-ink pixels count', () => {
    const line = Float32Array.from([1, 1, -1, 1]);
    const colour = Float32Array.from([1, 1, 1, 0, 0.5, -0.5, -1, -1, -1, 0.5, 0, -0.5]);
    expect(meanFillColour(line, colour, 4)).toEqual([0.25, 0.25, -0.5]);
  });
});

describe('L1 helper', () => {
  it('is mean |a - b| / 2 in [0, 1] pixel units', () => {
    expect(meanL1([1, -1], [1, -1])).toBe(0);
    expect(meanL1([1, 1], [-1, -1])).toBe(1);
    expect(meanL1([0, 1, -1, 0.5], [0.5, 1, -1, 0])).toBeCloseTo(0.125, 10);
    expect(() => meanL1([1], [1, 2])).toThrow();
  });

  it('per image: the mean of the per-image figures is the set figure', () => {
    const a = [1, 1, 0, 0, -1, -1]
    const b = [1, -1, 0, 0, 1, 1]
    expect(Array.from(perImageL1(a, b, 3))).toEqual([0.5, 0, 1])
    expect(meanL1(a, b)).toBeCloseTo(0.5, 12)
    expect(() => perImageL1([1, 2, 3], [1, 2, 3], 2)).toThrow()
  });

  it('split by pixel class (ink, hinted, white paper, coloured paper): the parts add up to the L1, each where its pixels are', () => {
    const S = 12;
    const line = squareOutlines(S, [1, 4], [6, 10]);
    // truth: the first square's inside red, the second's blue, a green corner outside, white elsewhere; ink black
    const { labels } = enclosedComponents(line, S);
    const colour = new Float32Array(S * S * 3).fill(1);
    for (let p = 0; p < S * S; p++) {
      if (labels[p] === 0) colour.set([-1, -1, -1], 3 * p);
      else if (labels[p] === labels[2 * S + 2]) colour.set([1, -1, -1], 3 * p);
      else if (labels[p] === labels[8 * S + 8]) colour.set([-1, -1, 1], 3 * p);
    }
    colour.set([-1, 1, -1], 3 * (11 * S + 0));
    const truth: PairSet = { line, colour, count: 1, size: S };
    const hints = [[{ x: 8.5, y: 8.5, r: 0, g: 0, b: 255 }]];
    const grey = new Float32Array(S * S * 3).fill(0);
    const [split] = l1ByPixelClass(truth, hints, [grey]);
    expect(split!.reduce((a, b) => a + b, 0)).toBeCloseTo(meanL1(grey, colour), 10);
    // a painting right everywhere but the hinted square: all its error is 'hinted'
    const wrongInHinted = Float32Array.from(colour);
    for (let p = 0; p < S * S; p++) if (labels[p] === labels[8 * S + 8]) wrongInHinted.set([1, 1, 1], 3 * p);
    const [h] = l1ByPixelClass(truth, hints, [wrongInHinted]);
    expect(h![0]).toBe(0);
    expect(h![1]).toBeGreaterThan(0);
    expect(h![2]).toBe(0);
    expect(h![3]).toBe(0);
    // the unhinted red square and the green corner are 'coloured paper'
    const white = new Float32Array(S * S * 3).fill(1);
    for (let p = 0; p < S * S; p++) if (labels[p] === 0 || labels[p] === labels[8 * S + 8]) white.set(colour.subarray(3 * p, 3 * p + 3), 3 * p);
    const [c] = l1ByPixelClass(truth, hints, [white]);
    expect(c![3]).toBeCloseTo(meanL1(white, colour), 10);
    expect(PIXEL_CLASSES).toEqual(['ink', 'hinted', 'white paper', 'coloured paper']);
  });

  it('paired comparison: a model better on every pair is clearly better; noise around zero is not', () => {
    const rng = new Rng(7);
    const base = Array.from({ length: 200 }, () => 0.05 + 0.05 * rng.uniform());
    const better = base.map((x) => x - 0.01 - 0.002 * rng.uniform());
    const c = pairedComparison(better, base, () => rng.uniform());
    expect(c.wins).toBe(200);
    expect(c.meanDiff).toBeCloseTo(-0.011, 3);
    expect(c.hi).toBeLessThan(0);
    expect(c.lo).toBeLessThanOrEqual(c.meanDiff);
    const noisy = base.map((x, i) => x + (i % 2 ? 0.02 : -0.02));
    const n = pairedComparison(noisy, base, () => rng.uniform());
    expect(n.wins).toBe(100);
    expect(n.lo).toBeLessThan(0);
    expect(n.hi).toBeGreaterThan(0);
    // seeded: the same interval twice
    const again = (seed: number) => { const r = new Rng(seed); return pairedComparison(noisy, base, () => r.uniform()); };
    expect(again(3)).toEqual(again(3));
  });

  it('quantise8 rounds to 8-bit levels', () => {
    const v = quantise8(Float32Array.from([-1, 1, 0, 2, -3]));
    expect(Array.from(v)).toEqual([-1, 1, expect.closeTo(128 / 127.5 - 1, 6), 1, -1]);
  });
});

describe('doodle evaluation', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });
  const n = 6;
  const p = syntheticPairs(5, 0, n, S);
  const truth: PairSet = { line: p.line, colour: quantise8(p.color.slice()), count: n, size: S };
  const settings = { seed: 3, nhoodsPerImage: 16, dirRepeats: 1, dirsPerRepeat: 32 };

  it('a tiny untrained model gets finite figures; a perfect predictor gets L1 0 and SWD 0', () => {
    const ctx = prepareDoodleEval(truth, settings);
    expect(ctx.ref.resolutions).toEqual([32, 16]);
    const cfg: Pix2PixConfig = { ...PIX2PIX_SMOKE_CONFIG, resolution: S, depth: 3 };
    const g = buildPix2PixGenerator(cfg, 'p2p_g', 'export');
    try {
      const m = evaluateGenerator(ctx, g, 4);
      for (const k of ['l1Heldout', 'swdHeldout32', 'swdHeldout16', 'swdHeldoutMean']) {
        expect(Number.isFinite(m[k]), k).toBe(true);
        expect(m[k]).toBeGreaterThan(0);
      }
      expect(m.l1Heldout).toBeLessThanOrEqual(1);
    } finally {
      g.dispose();
    }
    const perfect = scoreOutputs(ctx, truth.colour.slice());
    expect(perfect.l1Heldout).toBe(0);
    expect(perfect.swdHeldoutMean).toBe(0);
    // the plain fill of the synthetic outlines is close (same shapes) but not perfect
    const fill = scoreOutputs(ctx, quantise8(plainFill(truth.line, n, S, [0, 0, 0])));
    expect(fill.l1Heldout).toBeGreaterThan(0);
    expect(fill.l1Heldout).toBeLessThan(0.2);
    // deterministic: the same figures again
    expect(scoreOutputs(prepareDoodleEval(truth, settings), truth.colour.map((v) => -v))).toEqual(scoreOutputs(ctx, truth.colour.map((v) => -v)));
  });

  it('merges metrics by step and keeps entries the trainer added, schema-valid', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvas-doodle-eval-'));
    const file = path.join(dir, 'manifest.json');
    const manifest = {
      kind: 'pix2pix',
      id: 'doodles-test',
      description: 'test',
      resolution: S,
      inChannels: 1,
      outChannels: 3,
      architecture: { ...PIX2PIX_SMOKE_CONFIG, resolution: S, depth: 3 },
      training: { batch: 4 },
      dataset: { name: 'synthetic', pairs: 0, heldOut: n, sources: [{ package: 'x', version: '1', licence: 'MIT', credit: 'x', url: 'x' }] },
      checkpoints: [
        { step: 0, path: 'ckpt-000000', bytes: 1, metrics: { heldoutL1: 0.8 } },
        { step: 25, path: 'ckpt-000025', bytes: 1, metrics: null },
        { step: 50, path: 'ckpt-000050', bytes: 1, metrics: { heldoutL1: 0.5 } },
      ],
    };
    writeFileSync(file, JSON.stringify(manifest));
    const missing = mergeManifestMetrics(
      file,
      new Map([
        [0, { l1Heldout: 0.4 }],
        [25, { l1Heldout: 0.3 }],
        [75, { l1Heldout: 0.1 }],
      ]),
      { plainFill: { description: 'fill', metrics: { l1Heldout: 0.2 } } },
    );
    expect(missing).toEqual([75]);
    const m = pix2pixManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(m.checkpoints.map((c) => c.step)).toEqual([0, 25, 50]);
    expect(m.checkpoints[0]?.metrics).toEqual({ heldoutL1: 0.8, l1Heldout: 0.4 });
    expect(m.checkpoints[1]?.metrics).toEqual({ l1Heldout: 0.3 });
    expect(m.checkpoints[2]?.metrics).toEqual({ heldoutL1: 0.5 });
    expect(m.baselines?.plainFill?.metrics.l1Heldout).toBe(0.2);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { training: unknown }).training).toEqual({ batch: 4 });
  });
});
