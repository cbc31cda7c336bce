import { describe, expect, it } from 'vitest';
import { breed, childSeed, crossover, lerp, mutate, norm, sampleLatent, sampleLatents, slerp, truncate, latentToJSON, latentFromJSON } from '../../lib/gan/latent';
import { Rng } from '../../lib/gan/rng';

const Z = 100;

describe('sampling', () => {
  it('is deterministic from the seed, and each batch member is reproducible alone', () => {
    const a = sampleLatents(42, 8, Z);
    const b = sampleLatents(42, 8, Z);
    expect(a).toEqual(b);
    expect(sampleLatent(childSeed(42, 5), Z)).toEqual(a[5]);
    expect(sampleLatents(43, 8, Z)[0]).not.toEqual(a[0]);
    expect(new Set(a.map((z) => z[0])).size).toBe(8);
  });

  it('draws standard normal values', () => {
    const all = sampleLatents(7, 200, Z).flatMap((z) => Array.from(z));
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('truncation', () => {
  it('scales toward the mean by psi', () => {
    const z = sampleLatent(1, Z);
    expect(truncate(z, 1)).toEqual(z);
    expect(norm(truncate(z, 0.5))).toBeCloseTo(norm(z) / 2, 4);
    expect(Array.from(truncate(z, 0)).every((v) => v === 0)).toBe(true);
    expect(() => truncate(z, -1)).toThrow();
  });
});

describe('slerp', () => {
  const a = sampleLatent(10, Z);
  const b = sampleLatent(11, Z);
  it('starts at a and ends at b', () => {
    slerp(a, b, 0).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
    slerp(a, b, 1).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
  });
  it('keeps the norm of Gaussian latents where linear interpolation sags', () => {
    const mid = slerp(a, b, 0.5);
    const expected = (norm(a) + norm(b)) / 2;
    expect(Math.abs(norm(mid) - expected) / expected).toBeLessThan(0.05);
    expect(norm(lerp(a, b, 0.5))).toBeLessThan(0.8 * expected);
  });
  it('falls back to lerp for parallel vectors', () => {
    const c = a.map((v) => v * 2);
    expect(Array.from(slerp(a, c, 0.5)).every(Number.isFinite)).toBe(true);
  });
});

describe('breeding', () => {
  const p1 = sampleLatent(1, Z);
  const p2 = sampleLatent(2, Z);
  it('crossover takes every gene from one of the parents', () => {
    const child = crossover([p1, p2], new Rng(3));
    let from1 = 0;
    child.forEach((v, i) => {
      expect(v === p1[i] || v === p2[i]).toBe(true);
      if (v === p1[i]) from1++;
    });
    expect(from1).toBeGreaterThan(25);
    expect(from1).toBeLessThan(75);
  });
  it('mutation changes about rate x genes', () => {
    const m = mutate(p1, new Rng(4), { mutationRate: 0.2, mutationStrength: 1 });
    const changed = m.filter((v, i) => v !== p1[i]).length;
    expect(changed).toBeGreaterThan(8);
    expect(changed).toBeLessThan(35);
    expect(mutate(p1, new Rng(4), { mutationRate: 0, mutationStrength: 1 })).toEqual(p1);
  });
  it('breed is deterministic from its seed and gives distinct children', () => {
    const kids = breed([p1, p2], 8, 99);
    expect(breed([p1, p2], 8, 99)).toEqual(kids);
    expect(new Set(kids.map((k) => latentToJSON(k).join(','))).size).toBe(8);
  });
  it('latents survive a JSON round trip within float32 precision', () => {
    const back = latentFromJSON(JSON.parse(JSON.stringify(latentToJSON(p1))) as number[]);
    back.forEach((v, i) => expect(v).toBeCloseTo(p1[i]!, 5));
  });
});
