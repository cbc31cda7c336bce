/**
 * Latent-space operations for exploring the generator: seeded sampling, truncation, spherical
 * interpolation, and breeding (crossover + mutation, as in Picbreeder/Artbreeder). Everything is
 * deterministic from a seed, so a sample is reproducible from (model, checkpoint, latent,
 * truncation). Pure functions over Float32Array; no tfjs.
 */
import { Rng } from './rng';

export type Latent = Float32Array;

/** Seeds are 32-bit unsigned integers. */
export const MAX_SEED = 0xffffffff;

/** The seed of the i-th sample of a batch drawn from `seed` (each sample reproducible alone). */
export function childSeed(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard-normal latent vector of length zDim, from a seed. */
export function sampleLatent(seed: number, zDim: number): Latent {
  return new Rng(seed >>> 0).normals(zDim);
}

/** n latents: the i-th is sampleLatent(childSeed(seed, i)). */
export function sampleLatents(seed: number, n: number, zDim: number): Latent[] {
  return Array.from({ length: n }, (_, i) => sampleLatent(childSeed(seed, i), zDim));
}

/**
 * The truncation trick in z: values pulled toward the mean (0) by psi. psi = 1 is the model's
 * full variety; smaller values trade variety for typical, cleaner samples; psi > 1 exaggerates.
 */
export function truncate(z: Latent, psi: number): Latent {
  if (!Number.isFinite(psi) || psi < 0) throw new Error(`truncation psi must be >= 0, got ${psi}`);
  return z.map((v) => v * psi);
}

export function norm(z: Latent): number {
  let s = 0;
  for (const v of z) s += v * v;
  return Math.sqrt(s);
}

/**
 * Spherical interpolation between a and b at t in [0, 1]: keeps the norm typical of Gaussian
 * latents all the way (linear interpolation would pass through low-norm, washed-out samples).
 */
export function slerp(a: Latent, b: Latent, t: number): Latent {
  if (a.length !== b.length) throw new Error(`slerp: lengths differ (${a.length} vs ${b.length})`);
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += ((a[i] as number) / na) * ((b[i] as number) / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  const sinOmega = Math.sin(omega);
  if (sinOmega < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / sinOmega;
  const wb = Math.sin(t * omega) / sinOmega;
  return a.map((v, i) => wa * v + wb * (b[i] as number));
}

export function lerp(a: Latent, b: Latent, t: number): Latent {
  return a.map((v, i) => (1 - t) * v + t * (b[i] as number));
}

export interface BreedOptions {
  /** chance that each gene is mutated */
  mutationRate: number;
  /** standard deviation of a mutation, in latent units */
  mutationStrength: number;
}

export const DEFAULT_BREEDING: BreedOptions = { mutationRate: 0.1, mutationStrength: 0.5 };

/** Uniform crossover: each gene from a parent picked at random (any number of parents). */
export function crossover(parents: readonly Latent[], rng: Rng): Latent {
  const first = parents[0];
  if (!first) throw new Error('crossover needs at least one parent');
  for (const p of parents) if (p.length !== first.length) throw new Error('crossover: parents differ in length');
  return first.map((_, i) => (parents[rng.int(parents.length)] as Latent)[i] as number);
}

/** Gaussian mutation of a fraction of the genes. */
export function mutate(z: Latent, rng: Rng, { mutationRate, mutationStrength }: BreedOptions): Latent {
  return z.map((v) => (rng.uniform() < mutationRate ? v + mutationStrength * rng.normal() : v));
}

/** `count` children of the parents, deterministic from seed. */
export function breed(parents: readonly Latent[], count: number, seed: number, options: BreedOptions = DEFAULT_BREEDING): Latent[] {
  const rng = new Rng(seed >>> 0);
  return Array.from({ length: count }, () => mutate(crossover(parents, rng), rng, options));
}

/** Latents travel as plain number arrays (JSON, provenance); rounding keeps them compact. */
export function latentToJSON(z: Latent): number[] {
  return Array.from(z, (v) => Math.round(v * 1e6) / 1e6);
}

export function latentFromJSON(values: readonly number[]): Latent {
  return Float32Array.from(values);
}
