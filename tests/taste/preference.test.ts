// The preference model against synthetic users whose taste is a known direction in z space.
import { describe, expect, it } from 'vitest'
import { childSeed, norm, sampleLatent, sampleLatents, type Latent } from '../../lib/gan/latent'
import { Rng } from '../../lib/gan/rng'
import {
  candidatesFor,
  fitPreference,
  fitWithAccuracy,
  heldOutAccuracy,
  likeDirection,
  measuredLikeShare,
  plainBatch,
  predictLike,
  shiftAlong,
  slotCandidate,
  steeredBatch,
  steeringActive,
  steeringEffect,
  type LabelledLatent,
  type PreferenceModel,
} from '../../lib/taste/preference'
import { latentFingerprint, latentKey, ratingInputSchema, roundLatent } from '../../lib/taste/wire'

const Z = 100
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}
const unit = (v: Latent) => v.map((x) => x / norm(v))
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b))

/** A synthetic user: likes z with probability sigmoid(sharpness * (u . z) + offset). */
function syntheticRatings(n: number, { seed = 7, sharpness = 4, offset = 0 } = {}) {
  const u = unit(sampleLatent(999, Z))
  const rng = new Rng(seed + 1)
  const data: LabelledLatent[] = sampleLatents(seed, n, Z).map((latent) => {
    const p = 1 / (1 + Math.exp(-(sharpness * dot(u, latent) + offset)))
    return { latent, liked: rng.uniform() < p }
  })
  return { u, data }
}

/** Gradient of the fitted objective: zero at the optimum if the fit is right. */
function gradientNorm(model: PreferenceModel, data: readonly LabelledLatent[]) {
  const g = new Float64Array(model.dim + 1)
  for (const r of data) {
    const e = predictLike(model, r.latent) - (r.liked ? 1 : 0)
    for (let j = 0; j < model.dim; j++) g[j] = (g[j] as number) + e * (r.latent[j] as number)
    g[model.dim] = (g[model.dim] as number) + e
  }
  for (let j = 0; j < model.dim; j++) g[j] = (g[j] as number) + model.lambda * (model.weights[j] as number)
  g[model.dim] = (g[model.dim] as number) + 1e-4 * model.bias
  return Math.sqrt(dot(g, g))
}

describe('fitPreference', () => {
  const { u, data } = syntheticRatings(600)
  const model = fitPreference(data) as PreferenceModel

  it('reaches the optimum of the regularised likelihood', () => {
    expect(model).not.toBeNull()
    expect(model.n).toBe(600)
    expect(model.likes).toBe(data.filter((r) => r.liked).length)
    expect(model.iterations).toBeLessThan(50)
    expect(gradientNorm(model, data)).toBeLessThan(1e-6)
  })

  it('recovers the known taste direction', () => {
    const dir = likeDirection(model) as Float64Array
    expect(norm(Float32Array.from(dir))).toBeCloseTo(1, 5)
    expect(cosine(dir, u)).toBeGreaterThan(0.85)
    // and its scores follow the truth: far along u is liked, far against it is disliked
    expect(predictLike(model, u.map((x) => 3 * x))).toBeGreaterThan(0.9)
    expect(predictLike(model, u.map((x) => -3 * x))).toBeLessThan(0.1)
  })

  it('gives the known optimum on a small fixed data set', () => {
    // 8 ratings in 3-d; the values were computed once (Newton to 1e-9) and are pinned here
    const small: LabelledLatent[] = [
      { latent: [1, 0.5, -1], liked: true },
      { latent: [2, -1, 0], liked: true },
      { latent: [0.5, 1, 1], liked: true },
      { latent: [-1, 0, 0.5], liked: true },
      { latent: [-1, -0.5, 1], liked: false },
      { latent: [-2, 1, 0], liked: false },
      { latent: [0, -1, -1], liked: false },
      { latent: [1, 0.5, 2], liked: false },
    ]
    const fitted = fitPreference(small) as PreferenceModel
    expect(fitted.lambda).toBe(0.75)
    expect(fitted.weights[0]).toBeCloseTo(0.6806517, 6)
    expect(fitted.weights[1]).toBeCloseTo(0.4000854, 6)
    expect(fitted.weights[2]).toBeCloseTo(-0.3761553, 6)
    expect(fitted.bias).toBeCloseTo(0.0521268, 6)
    expect(gradientNorm(fitted, small)).toBeLessThan(1e-8)
    // 4-fold cross-validation gets 5 of the 8 right
    expect(heldOutAccuracy(small, { folds: 4 })).toEqual({ accuracy: 5 / 8, correct: 5, total: 8, folds: 4, baseline: 0.5 })
    // and the big synthetic fit, pinned too
    expect(model.weights[0]).toBeCloseTo(-0.2111607, 6)
    expect(model.weights[1]).toBeCloseTo(-0.1805081, 6)
    expect(model.bias).toBeCloseTo(-0.0063766, 6)
  })

  it('learns an offset: a user who likes most samples gets a positive bias', () => {
    const generous = fitPreference(syntheticRatings(300, { offset: 2 }).data) as PreferenceModel
    const picky = fitPreference(syntheticRatings(300, { offset: -2 }).data) as PreferenceModel
    expect(generous.bias).toBeGreaterThan(0.5)
    expect(picky.bias).toBeLessThan(-0.5)
  })

  it('stronger regularisation shrinks the weights', () => {
    const strong = fitPreference(data, { lambda: 1000 }) as PreferenceModel
    expect(norm(Float32Array.from(strong.weights))).toBeLessThan(norm(Float32Array.from(model.weights)))
  })

  it('handles degenerate inputs', () => {
    expect(fitPreference([])).toBeNull()
    const z = sampleLatents(1, 5, Z)
    expect(fitPreference(z.map((latent) => ({ latent, liked: true })))).toBeNull()
    expect(fitPreference(z.map((latent) => ({ latent, liked: false })))).toBeNull()
    expect(() => fitPreference([{ latent: z[0]!, liked: true }, { latent: new Float32Array(3), liked: false }])).toThrow(/length/)
    expect(() => fitPreference([{ latent: [Number.NaN, 0], liked: true }, { latent: [0, 0], liked: false }])).toThrow(/non-finite/)
    expect(() => fitPreference(syntheticRatings(20).data, { lambda: 0 })).toThrow(/lambda/)
    // the same latent liked and disliked: a model with no direction, and steering leaves samples alone
    const tie = fitPreference([{ latent: z[0]!, liked: true }, { latent: z[0]!, liked: false }]) as PreferenceModel
    expect(tie).not.toBeNull()
    expect(likeDirection(tie)).toBeNull()
    expect(steeredBatch(tie, 5, 4, Z, { method: 'direction', strength: 1 })).toEqual(plainBatch(5, 4, Z))
    // separable data: regularisation keeps the weights finite
    const separable = fitPreference(z.map((latent, i) => ({ latent, liked: i % 2 === 0 }))) as PreferenceModel
    expect(Array.from(separable.weights).every(Number.isFinite)).toBe(true)
    expect(predictLike(separable, z[0]!)).toBeGreaterThan(0.5)
    expect(predictLike(separable, z[1]!)).toBeLessThan(0.5)
  })
})

describe('heldOutAccuracy', () => {
  it('is high for a consistent user and at chance for a random one', () => {
    const { data } = syntheticRatings(300)
    const acc = heldOutAccuracy(data)!
    expect(acc.total).toBe(300)
    expect(acc.folds).toBe(5)
    // the synthetic user's own Bayes accuracy is about 0.85; 100 weights from 240 ratings get close
    expect(acc.accuracy).toBeGreaterThan(0.7)
    expect(acc.accuracy).toBeGreaterThan(acc.baseline + 0.2)

    const rng = new Rng(3)
    const random = sampleLatents(11, 300, Z).map((latent) => ({ latent, liked: rng.uniform() < 0.5 }))
    const chance = heldOutAccuracy(random)!
    expect(chance.accuracy).toBeGreaterThan(0.35)
    expect(chance.accuracy).toBeLessThan(0.65)
  })

  it('beats the baseline with few ratings when the taste is sharp', () => {
    const { data } = syntheticRatings(40, { sharpness: 20 })
    const acc = heldOutAccuracy(data)!
    expect(acc.accuracy).toBeGreaterThan(acc.baseline)
  })

  it('says nothing (null) when a figure would mean nothing', () => {
    const z = sampleLatents(2, 10, Z)
    expect(heldOutAccuracy([])).toBeNull()
    // under 6 ratings
    expect(heldOutAccuracy(z.slice(0, 5).map((latent, i) => ({ latent, liked: i % 2 === 0 })))).toBeNull()
    // one kind only, or a single rating of one kind
    expect(heldOutAccuracy(z.map((latent) => ({ latent, liked: true })))).toBeNull()
    expect(heldOutAccuracy(z.map((latent, i) => ({ latent, liked: i === 0 })))).toBeNull()
    // 6 ratings with 2 of each kind or more: a figure from 5 folds. Likes far along the first axis,
    // dislikes far against it: every held-out rating is predicted right, above the 4/6 baseline
    const six = heldOutAccuracy([
      { latent: [2, 0.1], liked: true },
      { latent: [2.5, -0.2], liked: true },
      { latent: [-2, 0], liked: false },
      { latent: [-1.5, 0.3], liked: false },
      { latent: [-2.5, -0.1], liked: false },
      { latent: [-3, 0.2], liked: false },
    ])!
    expect(six).toEqual({ accuracy: 1, correct: 6, total: 6, folds: 5, baseline: 4 / 6 })
  })

  it('gives the known figures for a seed, and reuses a full fit it is given', () => {
    const { data } = syntheticRatings(50, { sharpness: 2 })
    // pinned: the seed deals the folds, so another seed scores another (known) figure
    expect(heldOutAccuracy(data, { seed: 9 })).toEqual({ accuracy: 0.68, correct: 34, total: 50, folds: 5, baseline: 0.52 })
    expect(heldOutAccuracy(data, { seed: 10 })).toMatchObject({ correct: 32, total: 50 })
    // the full fit passed in: the same answer without fitting it again
    const full = fitPreference(data)
    expect(heldOutAccuracy(data, { seed: 9, full })).toEqual(heldOutAccuracy(data, { seed: 9 }))
    expect(fitWithAccuracy(data, { seed: 9 })).toEqual({ model: full, accuracy: heldOutAccuracy(data, { seed: 9 }) })
    // a full fit of other ratings is a mistake, not something to use
    expect(() => heldOutAccuracy(data.slice(1), { full })).toThrow(/fitted on 50/)
  })
})

describe('steering', () => {
  const { u, data } = syntheticRatings(600)
  const model = fitPreference(data) as PreferenceModel

  it('is exactly plain sampling at strength 0 or without a model', () => {
    const plain = plainBatch(42, 12, Z)
    expect(plain).toEqual(sampleLatents(42, 12, Z))
    for (const method of ['direction', 'rejection'] as const) {
      expect(steeredBatch(model, 42, 12, Z, { method, strength: 0 })).toEqual(plain)
      expect(steeredBatch(null, 42, 12, Z, { method, strength: 1 })).toEqual(plain)
    }
    expect(candidatesFor(0)).toBe(1)
    expect(candidatesFor(1)).toBe(16)
    expect(candidatesFor(0.5, 9)).toBe(5)
    expect(slotCandidate(123, 0, Z)).toEqual(sampleLatent(123, Z))
    expect(steeringActive(null, { method: 'direction', strength: 1 })).toBe(false)
    for (const method of ['direction', 'rejection'] as const) {
      expect(steeringActive(model, { method, strength: 0 })).toBe(false)
      expect(steeringActive(model, { method, strength: 0.5 })).toBe(true)
    }
  })

  it('along the direction: moves each latent toward the taste and keeps its norm', () => {
    const plain = plainBatch(42, 12, Z)
    const steered = steeredBatch(model, 42, 12, Z, { method: 'direction', strength: 1 })
    // pinned values: seed 42's first slot, moved along the learned direction
    expect(steered[0]![0]).toBeCloseTo(-0.67957, 5)
    expect(steered[0]![1]).toBeCloseTo(-0.22562, 5)
    expect(steered[0]![2]).toBeCloseTo(-1.05470, 5)
    steered.forEach((z, i) => {
      expect(norm(z)).toBeCloseTo(norm(plain[i]!), 3)
      expect(dot(z, u)).toBeGreaterThan(dot(plain[i]!, u) + 1.5)
      expect(predictLike(model, z)).toBeGreaterThan(predictLike(model, plain[i]!))
    })
    // [3, 4] + 5 * [1, 0] = [8, 4], scaled back to length 5
    const shifted = shiftAlong([3, 4], [1, 0], 5)
    expect(shifted[0]).toBeCloseTo(8 / Math.sqrt(80) * 5, 5)
    expect(shifted[1]).toBeCloseTo(4 / Math.sqrt(80) * 5, 5)
  })

  it('by rejection: each slot keeps its best-scored candidate', () => {
    const steered = steeredBatch(model, 42, 12, Z, { method: 'rejection', strength: 1 })
    // pinned values: the candidate kept for seed 42's first slot
    expect(steered[0]![0]).toBeCloseTo(0.40258, 5)
    expect(steered[0]![1]).toBeCloseTo(1.77929, 5)
    expect(steered[0]![2]).toBeCloseTo(1.20169, 5)
    steered.forEach((z, i) => {
      const candidates = Array.from({ length: 16 }, (_, j) => slotCandidate(childSeed(42, i), j + 1, Z))
      const best = Math.max(...candidates.map((c) => predictLike(model, c)))
      expect(predictLike(model, z)).toBeCloseTo(best, 10)
      expect(candidates.some((c) => c.every((v, j) => v === z[j]))).toBe(true)
    })
    // steered samples are new ones: never a slot's plain sample
    const plain = plainBatch(42, 12, Z)
    steered.forEach((z, i) => expect(Array.from(z)).not.toEqual(Array.from(plain[i]!)))
  })

  it('raises the predicted like-share, more with more strength', () => {
    for (const method of ['direction', 'rejection'] as const) {
      const shares = [0, 0.25, 0.5, 1].map((strength) => steeringEffect(model, Z, { method, strength }))
      const plain = shares[0]!.plain
      expect(shares[0]!.steered).toBeCloseTo(plain, 10)
      for (const s of shares) expect(s.plain).toBeCloseTo(plain, 10)
      for (let k = 1; k < shares.length; k++) expect(shares[k]!.steered).toBeGreaterThan(shares[k - 1]!.steered)
      expect(shares[3]!.steered).toBeGreaterThan(plain + 0.3)
    }
  })

  it('really raises the like-share of the synthetic user (not only the model\'s guess)', () => {
    const truth = (z: Latent) => 1 / (1 + Math.exp(-4 * dot(u, z)))
    const mean = (zs: Latent[]) => zs.reduce((s, z) => s + truth(z), 0) / zs.length
    const plain = mean(plainBatch(77, 200, Z))
    expect(mean(steeredBatch(model, 77, 200, Z, { method: 'direction', strength: 1 }))).toBeGreaterThan(plain + 0.3)
    expect(mean(steeredBatch(model, 77, 200, Z, { method: 'rejection', strength: 1 }))).toBeGreaterThan(plain + 0.3)
  })

  it('rejects a model of another latent size', () => {
    expect(() => steeredBatch(model, 1, 2, 64, { method: 'direction', strength: 1 })).toThrow(/100-d/)
  })
})

describe('measuredLikeShare', () => {
  it('splits the ratings by whether steering was on', () => {
    const r = (liked: boolean, steered: boolean) => ({ liked, steered })
    expect(measuredLikeShare([r(true, false), r(false, false), r(false, false), r(true, true), r(true, true)])).toEqual({
      plain: { liked: 1, total: 3, share: 1 / 3 },
      steered: { liked: 2, total: 2, share: 1 },
    })
    expect(measuredLikeShare([])).toEqual({ plain: { liked: 0, total: 0, share: null }, steered: { liked: 0, total: 0, share: null } })
  })
})

describe('wire format', () => {
  it('keys a latent by its rounded values, stable across float32 and the stored doubles', () => {
    const z = sampleLatent(5, Z)
    const stored = roundLatent(z)
    expect(latentKey(stored)).toBe(latentKey(z))
    expect(latentFingerprint(stored)).toBe(latentFingerprint(z))
    expect(latentFingerprint(sampleLatent(6, Z))).not.toBe(latentFingerprint(z))
  })

  it('validates a rating', () => {
    const ok = { modelId: 'emoji-faces-64', checkpoint: 9600, latent: roundLatent(sampleLatent(1, Z)), liked: true }
    expect(ratingInputSchema.parse(ok).steered).toBe(false)
    for (const bad of [
      { ...ok, modelId: 'Emoji Faces' },
      { ...ok, checkpoint: 1.5 },
      { ...ok, latent: [] },
      { ...ok, latent: new Array(513).fill(0) },
      { ...ok, latent: [1, 1e9] },
      { ...ok, liked: 'yes' },
      { ...ok, userId: 'someone-else' },
    ]) {
      expect(ratingInputSchema.safeParse(bad).success).toBe(false)
    }
  })
})
