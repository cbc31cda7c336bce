/**
 * The held-out split of the doodle pairs: by emoji, with near-duplicate line art kept together.
 *
 * Holding out whole OpenMoji subgroups (the first split) asks the model to colour kinds of things
 * it never saw (a quarter of those pairs were brand logos), which no painter can do better than
 * one average colour. Holding out random emoji instead would leak: "neutral face" and
 * "expressionless face" have the same outline. So the pairs are clustered by their line art
 * (union-find over pairs whose 16x16 box-downsampled line images differ by less than `threshold`
 * in mean |a - b|, ink = 1), and whole clusters are held out, in salted FNV-1a order, until
 * about `fraction` of the pairs; clusters larger than `maxClusterShare` of the set (families
 * such as the smiley faces, which chain together) always train. No held-out doodle then has a
 * training doodle within `threshold` of it.
 *
 * Pure functions over the uint8 line tiles of training/doodle-loader.ts (255 = white paper).
 */
import { fnv1a } from './dataset-select';

export const SPLIT_THRESHOLD = 0.04;
export const SPLIT_CELL = 4;
export const SPLIT_MAX_CLUSTER_SHARE = 0.02;

/** Ink coverage per cell x cell block, [count, size/cell, size/cell], in [0, 1]. */
export function inkThumbnails(line: Uint8Array, count: number, size: number, cell = SPLIT_CELL): Float32Array {
  const s = size / cell;
  if (!Number.isInteger(s)) throw new Error(`inkThumbnails: ${size} is not a multiple of ${cell}`);
  const D = s * s;
  const out = new Float32Array(count * D);
  for (let k = 0; k < count; k++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const j = k * D + Math.floor(y / cell) * s + Math.floor(x / cell);
        out[j] = (out[j] as number) + (255 - (line[k * size * size + y * size + x] as number)) / 255 / (cell * cell);
      }
    }
  }
  return out;
}

/** Cluster id (the smallest member index) of every pair: near-duplicate line art, transitively. */
export function lineClusters(line: Uint8Array, count: number, size: number, threshold = SPLIT_THRESHOLD, cell = SPLIT_CELL): Int32Array {
  const thumbs = inkThumbnails(line, count, size, cell);
  const D = (size / cell) ** 2;
  const parent = Int32Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const limit = threshold * D;
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      let d = 0;
      for (let i = 0; i < D && d < limit; i++) d += Math.abs((thumbs[a * D + i] as number) - (thumbs[b * D + i] as number));
      if (d < limit) {
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  return Int32Array.from({ length: count }, (_, i) => find(i));
}

/**
 * The held-out pairs (indices) given their clusters and a stable key per pair (its hexcode):
 * clusters in salted FNV-1a order of their smallest member's key, skipping clusters over
 * `maxClusterShare` of the set and ones that would overshoot the target by more than half their
 * size, until about `fraction` of the pairs are held out.
 */
export function heldOutByCluster(
  clusters: Int32Array,
  keys: readonly string[],
  fraction = 0.1,
  salt = 'ganvas-doodles-v2',
  maxClusterShare = SPLIT_MAX_CLUSTER_SHARE,
): Set<number> {
  const members = new Map<number, number[]>();
  clusters.forEach((c, i) => members.set(c, [...(members.get(c) ?? []), i]));
  const order = [...members.keys()].sort((a, b) => fnv1a(salt + keys[a]) - fnv1a(salt + keys[b]) || a - b);
  const target = Math.round(clusters.length * fraction);
  const maxSize = Math.max(1, Math.floor(clusters.length * maxClusterShare));
  const held = new Set<number>();
  for (const c of order) {
    if (held.size >= target) break;
    const m = members.get(c) as number[];
    if (m.length > maxSize) continue;
    if (held.size > 0 && held.size + m.length > target + m.length / 2) continue;
    for (const i of m) held.add(i);
  }
  return held;
}
