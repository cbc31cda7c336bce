import { describe, expect, it } from 'vitest';
import { HINTED, HINT_FLAT_TOLERANCE, anchorHintColours, enclosedComponents, hintChannels, hintHex, hintLayer, hintPixel, parseHintColour, type DoodleHint } from '../../lib/gan/doodle-hints';
import { prepareDoodle, toModelGrid } from '../../lib/gan/doodle';
import { hintFill, plainFill } from '../../training/doodle-fill';
import { doodleInputChannels, doodleModelInput, layoutForChannels } from '../../lib/gan/doodle-input';
import { hueRotation, rotateHues, simulateRegionHints, simulateTrainingHints, truthColourAround } from '../../lib/gan/offline/hint-simulation';
import { Rng } from '../../lib/gan/rng';
import { squareOutlines } from '../helpers/line-art';

const squares = squareOutlines;

const red: Omit<DoodleHint, 'x' | 'y'> = { r: 255, g: 0, b: 0 };
const blue: Omit<DoodleHint, 'x' | 'y'> = { r: 0, g: 0, b: 255 };

describe('enclosed components', () => {
  it('labels ink 0, background -1 and each enclosed region with its own number', () => {
    const S = 12;
    const { labels, count } = enclosedComponents(squares(S, [1, 4], [6, 10]), S);
    expect(count).toBe(2);
    expect(labels[0]).toBe(-1);
    expect(labels[1 * S + 1]).toBe(0);
    const a = labels[2 * S + 2] as number;
    const b = labels[8 * S + 8] as number;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).not.toBe(b);
    // 2x2 inside the first square, 3x3 inside the second
    expect(Array.from(labels).filter((l) => l === a)).toHaveLength(4);
    expect(Array.from(labels).filter((l) => l === b)).toHaveLength(9);
  });
});

describe('hint layer', () => {
  const S = 12;
  const line = squares(S, [1, 4], [6, 10]);

  it('colours the whole enclosed region a hint lands in, and nothing else', () => {
    const { rgb, mask } = hintLayer(line, S, [{ x: 7.5, y: 8.2, ...red }]);
    const { labels } = enclosedComponents(line, S);
    const region = labels[8 * S + 8];
    for (let p = 0; p < S * S; p++) {
      expect(mask[p]).toBe(labels[p] === region ? 1 : 0);
      if (mask[p]) expect([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]).toEqual([1, -1, -1]);
      else expect([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]).toEqual([1, 1, 1]);
    }
  });

  it('gives each pixel the nearest hint colour where two share a region', () => {
    const { rgb } = hintLayer(line, S, [{ x: 7, y: 7, ...red }, { x: 9, y: 9, ...blue }]);
    expect(rgb[3 * (7 * S + 7)]).toBe(1); // red at its own pixel
    expect(rgb[3 * (9 * S + 9) + 2]).toBe(1); // blue at its own
    expect(rgb[3 * (9 * S + 9)]).toBe(-1);
  });

  it('snaps a hint dropped on ink to the paper beside it', () => {
    const { labels } = enclosedComponents(line, S);
    const p = hintPixel({ x: 6.5, y: 8.5, ...red }, labels, S); // on the second square's left side
    expect(labels[p]).not.toBe(0);
  });

  it('colours only a dot of background paper for a hint outside every outline', () => {
    const { mask } = hintLayer(line, S, [{ x: 0.5, y: 11.5, ...red }]);
    const hinted = Array.from(mask).reduce((a, b) => a + b, 0);
    expect(hinted).toBe(4); // the 3x3 dot clipped at the corner: (0..1) x (10..11)
    expect(mask[11 * S + 0]).toBe(1);
  });

  it('is all +1 with no hints, and HINTED in the mask channel where a hint speaks', () => {
    expect(Array.from(hintChannels(line, S, [])).every((v) => v === 1)).toBe(true);
    const ch = hintChannels(line, S, [{ x: 2.5, y: 2.5, ...blue }]);
    expect(ch[4 * (2 * S + 2) + 3]).toBe(HINTED);
    expect(ch[4 * (2 * S + 2) + 2]).toBe(1);
    expect(ch[4 * (2 * S + 2)]).toBe(-1);
  });
});

describe('hint anchoring', () => {
  const S = 12;
  const line = squares(S, [1, 4], [6, 10]);
  const { labels } = enclosedComponents(line, S);
  const first = labels[2 * S + 2];
  const second = labels[8 * S + 8];
  /** A painting: a pinkish wash with a lighter diagonal (the model's shading) and grey elsewhere. */
  const painting = (): Float32Array => {
    const out = new Float32Array(S * S * 3);
    for (let p = 0; p < S * S; p++) {
      const shade = (p % S) === Math.floor(p / S) ? 0.2 : 0;
      out.set(labels[p] === second ? [0.6 + shade, -0.2 + shade, -0.2 + shade] : [0.1, 0.1, 0.1], 3 * p);
    }
    return out;
  };

  it("moves a hinted region to the hint's colour, keeping the painted shading less the tolerance, flattening faint noise", () => {
    const before = painting();
    const hint = { r: 64, g: 128, b: 191 };
    const after = anchorHintColours(painting(), line, 1, S, [[{ x: 8.5, y: 8.5, ...hint }]]);
    const pixels = [...labels.keys()].filter((p) => labels[p] === second);
    const T = HINT_FLAT_TOLERANCE;
    for (let c = 0; c < 3; c++) {
      const want = [hint.r, hint.g, hint.b][c]! / 127.5 - 1;
      // 3 of the 9 pixels 0.2 lighter: after the mean shift +0.133 and -0.067 from the hint, each shortened by T
      expect(after[3 * (8 * S + 8) + c]).toBeCloseTo(want + 0.2 * (2 / 3) - T, 5);
      expect(after[3 * (8 * S + 9) + c]).toBeCloseTo(want - 0.2 / 3 + T, 5);
      const mean = pixels.reduce((a, p) => a + (after[3 * p + c] as number), 0) / pixels.length;
      expect(Math.abs(mean - want)).toBeLessThan(T);
    }
    // mottling fainter than the tolerance becomes the flat hint colour
    const faint = painting();
    pixels.forEach((p, i) => faint.set([0.6 + (i % 2 ? 0.03 : -0.03), -0.2, -0.2], 3 * p));
    const flat = anchorHintColours(faint, line, 1, S, [[{ x: 8.5, y: 8.5, ...hint }]]);
    for (const p of pixels) expect(Array.from(flat.subarray(3 * p, 3 * p + 3)).map((v) => Math.round((v + 1) * 127.5))).toEqual([hint.r, hint.g, hint.b]);
    // everything else as painted: the other square, the ink, the background
    for (let p = 0; p < S * S; p++) if (labels[p] !== second) expect(Array.from(after.subarray(3 * p, 3 * p + 3))).toEqual(Array.from(before.subarray(3 * p, 3 * p + 3)));
  });

  it('anchors each of two hints in one region on its own part, and leaves background dots and hint-less images alone', () => {
    const after = anchorHintColours(painting(), line, 1, S, [[{ x: 7, y: 7, ...red }, { x: 9, y: 9, ...blue }, { x: 0.5, y: 11.5, ...blue }]]);
    expect(after[3 * (7 * S + 7)]).toBeGreaterThan(0.9);
    expect(after[3 * (9 * S + 9) + 2]).toBeGreaterThan(0.9);
    expect(Array.from(after.subarray(3 * (11 * S), 3 * (11 * S) + 3))).toEqual([0.1, 0.1, 0.1].map(Math.fround));
    expect(first).not.toBe(second);
    const two = new Float32Array(2 * S * S * 3).fill(0.3);
    const lines = new Float32Array(2 * S * S);
    lines.set(line, 0);
    lines.set(line, S * S);
    anchorHintColours(two, lines, 2, S, [[], [{ x: 2.5, y: 2.5, ...red }]]);
    expect(two.subarray(0, S * S * 3).every((v) => v === Math.fround(0.3))).toBe(true);
    expect(two[3 * (S * S + 2 * S + 2)]).toBe(1);
    expect(two[3 * (S * S + 2 * S + 2) + 1]).toBe(-1);
  });
});

describe('model input layout', () => {
  const S = 12;
  const line = squares(S, [1, 4], [6, 10]);
  const two = new Float32Array(2 * S * S);
  two.set(line);
  two.set(squares(S, [2, 9]), S * S);

  it('puts line, region, then hint channels per pixel; the layout follows from the channel count', () => {
    const layout = { regionChannel: true, hintChannels: true };
    expect(doodleInputChannels(layout)).toBe(6);
    expect(layoutForChannels(6)).toEqual(layout);
    expect(layoutForChannels(5)).toEqual({ regionChannel: false, hintChannels: true });
    expect(() => layoutForChannels(3)).toThrow(/reads 3 channels/);
    const hints = [undefined, [{ x: 5, y: 5, ...red }]];
    const x = doodleModelInput(two, 2, S, layout, hints);
    expect(x).toHaveLength(2 * S * S * 6);
    const second = hintChannels(two, S, hints[1] ?? [], S * S);
    for (let p = 0; p < S * S; p++) {
      const o = (S * S + p) * 6;
      expect(x[o]).toBe(two[S * S + p]);
      expect(Array.from(x.subarray(o + 2, o + 6))).toEqual(Array.from(second.subarray(4 * p, 4 * p + 4)));
      // the first image has no hints: +1 throughout its hint channels
      expect(Array.from(x.subarray(p * 6 + 2, p * 6 + 6))).toEqual([1, 1, 1, 1]);
    }
  });

  it('refuses hints for a model that reads none', () => {
    expect(() => doodleModelInput(line, 1, S, { regionChannel: false, hintChannels: false }, [[{ x: 1, y: 1, ...red }]])).toThrow(/reads no colour hints/);
  });
});

describe('hint simulation', () => {
  const S = 12;
  const line = squares(S, [1, 4], [6, 10]);
  // truth: first square's inside red, second's blue, background white
  const colour = new Float32Array(S * S * 3).fill(1);
  const { labels } = enclosedComponents(line, S);
  for (let p = 0; p < S * S; p++) {
    if (labels[p] === labels[2 * S + 2]) colour.set([1, -1, -1], 3 * p);
    if (labels[p] === labels[8 * S + 8]) colour.set([-1, -1, 1], 3 * p);
  }

  it('takes the colour around the point from its own region only', () => {
    // the pixel next to the outline: its dot covers ink and background, which are left out
    expect(truthColourAround(colour, labels, S, 7 * S + 7)).toEqual({ r: 0, g: 0, b: 255 });
    expect(truthColourAround(colour, labels, S, 2 * S + 2)).toEqual({ r: 255, g: 0, b: 0 });
  });

  it('places n hints in every enclosed region, each with that region colour', () => {
    const hints = simulateRegionHints(line, colour, S, 0, 3, new Rng(4));
    expect(hints).toHaveLength(6);
    const { rgb } = hintLayer(line, S, hints);
    expect([rgb[3 * (2 * S + 2)], rgb[3 * (2 * S + 2) + 2]]).toEqual([1, -1]);
    expect([rgb[3 * (8 * S + 8)], rgb[3 * (8 * S + 8) + 2]]).toEqual([-1, 1]);
  });

  it('training draws are seeded, sometimes empty, and never more than 3 per region plus 2 outside', () => {
    const draw = (seed: number) => simulateTrainingHints(line, colour, S, 0, new Rng(seed));
    expect(draw(9)).toEqual(draw(9));
    const counts = Array.from({ length: 400 }, (_, i) => draw(i).length);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThan(40);
    expect(counts.filter((c) => c >= 2).length).toBeGreaterThan(40);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2 * 3);
  });
});

describe('hint fill baseline', () => {
  const S = 12;
  const line = squares(S, [1, 4], [6, 10]);
  const grey: [number, number, number] = [0, 0, 0];

  it('is the plain fill without hints, and paints each hinted region in its hint colour, ink over it', () => {
    expect(hintFill(line, 1, S, [[]], grey)).toEqual(plainFill(line, 1, S, grey));
    const out = hintFill(line, 1, S, [[{ x: 8, y: 8, ...red }]], grey);
    const px = (p: number) => Array.from(out.subarray(3 * p, 3 * p + 3));
    expect(px(8 * S + 8)).toEqual([1, -1, -1]); // hinted region: red
    expect(px(2 * S + 2)).toEqual([0, 0, 0]); // the other region: the fill colour
    expect(px(0)).toEqual([1, 1, 1]); // background white
    expect(px(6 * S + 8)).toEqual([-1, -1, -1]); // ink stays black
  });
});

describe('hint colours and positions from the studio', () => {
  it('reads the colours the studio stores and writes #rrggbb', () => {
    expect(parseHintColour('#1d4ed8')).toEqual({ r: 0x1d, g: 0x4e, b: 0xd8 });
    expect(parseHintColour('#F80')).toEqual({ r: 255, g: 136, b: 0 });
    expect(parseHintColour('#ff880080')).toEqual({ r: 255, g: 136, b: 0 });
    expect(parseHintColour('rgba(10, 20, 300, 0.5)')).toEqual({ r: 10, g: 20, b: 255 });
    expect(parseHintColour('tomato')).toBeNull();
    expect(hintHex({ r: 255, g: 8, b: 0 })).toBe('#ff0800');
  });

  it('maps a point of the drawing onto the prepared 64-px grid as the drawing itself is fitted', () => {
    // a 200 x 100 bitmap with a dark box from (50, 20) to (149, 69): 100 x 50, fitted into 58 x 58
    const W = 200, H = 100;
    const data = new Uint8Array(W * H).fill(255);
    for (let y = 20; y < 70; y++) for (let x = 50; x < 150; x++) if (y === 20 || y === 69 || x === 50 || x === 149) data[y * W + x] = 0;
    const d = prepareDoodle({ width: W, height: H, data, channels: 1 });
    expect(d.box).toEqual({ x: 50, y: 20, width: 100, height: 50 });
    // the box's corners land on the fitted area's corners: 3 px margin, 58 px wide, centred vertically
    const near = toModelGrid(d, 50, 20);
    expect(near.x).toBeCloseTo(3);
    expect(near.y).toBeCloseTo(3 + (58 - 29) / 2);
    const far = toModelGrid(d, 150, 70);
    expect(far.x).toBeCloseTo(61);
    expect(far.y).toBeCloseTo(3 + (58 - 29) / 2 + 29);
    // the centre of the drawing is the centre of the grid
    const c = toModelGrid(d, 100, 45);
    expect(c.x).toBeCloseTo(32);
    expect(c.y).toBeCloseTo(32);
  });
});

describe('hue jitter for training with hints', () => {
  it('keeps greys, is the identity at 0, turns red towards green at a third of a turn, and moves hints with the image', () => {
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i] as number, 5));
    close(hueRotation(1.3)(0.4, 0.4, 0.4), [0.4, 0.4, 0.4]);
    close(hueRotation(2)(1, 1, 1), [1, 1, 1]);
    close(hueRotation(0)(0.2, -0.5, 0.9), [0.2, -0.5, 0.9]);
    close(hueRotation((2 * Math.PI) / 3)(1, -1, -1), [-1, 1, -1]);
    const S = 2;
    const img = new Float32Array(2 * S * S * 3).fill(1);
    img.set([1, -1, -1], S * S * 3); // image 1, pixel 0: red
    const out = rotateHues(img, 1, S, [{ x: 0, y: 0, r: 255, g: 0, b: 0 }], (2 * Math.PI) / 3);
    close(Array.from(img.subarray(S * S * 3, S * S * 3 + 3)), [-1, 1, -1]);
    expect(Array.from(img.subarray(0, S * S * 3)).every((v) => v === 1)).toBe(true); // image 0 untouched
    expect(out[0]).toMatchObject({ r: 0, g: 255, b: 0 });
  });
});
