import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/gan/rng';

describe('Rng', () => {
  it('is deterministic per seed and resumable from its state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.nextU32())).toEqual(Array.from({ length: 5 }, () => b.nextU32()));
    const c = new Rng(a.state());
    expect(Array.from({ length: 5 }, () => c.nextU32())).toEqual(Array.from({ length: 5 }, () => a.nextU32()));
    expect(new Rng(1).nextU32()).not.toBe(new Rng(2).nextU32());
    expect(a.state().every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });

  it('draws uniform, normal and permutations with the right statistics', () => {
    const r = new Rng(7);
    const u = Array.from({ length: 20000 }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = r.normals(20000);
    const mean = n.reduce((s, x) => s + x, 0) / n.length;
    const varc = n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(varc - 1)).toBeLessThan(0.05);
    const p = Array.from(r.permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
