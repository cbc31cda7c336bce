/**
 * The human as discriminator: a preference model over the generator's latents, fitted to a
 * user's likes and dislikes, and sampling steered toward what it predicts they like.
 *
 * Model: logistic regression p(like | z) = sigmoid(w . z + b), L2-regularised (a N(0, I/lambda)
 * prior on w; the bias gets a tiny penalty only so that the optimum stays finite). Features are
 * the raw latents: z is standard normal by construction, so standardising would change nothing
 * but add noise with few ratings. Fitted by Newton's method with backtracking (the objective is
 * strictly convex), deterministic for the same ratings in the same order.
 */
import { childSeed, sampleLatent, sampleLatents, type Latent } from '../gan/latent'
import { Rng } from '../gan/rng'

export interface LabelledLatent {
  latent: ArrayLike<number>
  liked: boolean
}

export interface FitOptions {
  /** L2 strength on w (default dim / 4, see defaultLambda) */
  lambda?: number
  maxIterations?: number
  /** stop when no parameter moves more than this */
  tolerance?: number
  /** start from these parameters (cross-validation starts each fold from the full fit: fewer steps) */
  start?: { weights: ArrayLike<number>; bias: number }
}

export interface PreferenceModel {
  dim: number
  weights: Float64Array
  bias: number
  /** ratings it was fitted on, and how many of them were likes */
  n: number
  likes: number
  lambda: number
  iterations: number
}

/**
 * The prior w ~ N(0, I / lambda) gives a typical latent (|z|^2 = dim) a prior logit of variance
 * dim / lambda; dim / 4 makes that a standard deviation of 2, a taste that is clear but not
 * certain. A weaker prior makes a few ratings in 100 dimensions look far too sure (predicted
 * like-shares near 1 from 10 ratings); on synthetic users this choice is close to calibrated.
 */
export const defaultLambda = (dim: number) => dim / 4
const BIAS_LAMBDA = 1e-4
const DEFAULT_MAX_ITERATIONS = 50
const DEFAULT_TOLERANCE = 1e-9

const sigmoid = (a: number) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)))
/** log(1 + e^x) without overflow */
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))

function checkData(data: readonly LabelledLatent[]): number {
  const dim = data[0]?.latent.length ?? 0
  for (const [i, r] of data.entries()) {
    if (r.latent.length !== dim) throw new Error(`rating ${i} has a latent of length ${r.latent.length}, expected ${dim}`)
    for (let j = 0; j < dim; j++) if (!Number.isFinite(r.latent[j])) throw new Error(`rating ${i} has a non-finite latent value`)
  }
  return dim
}

/**
 * Fits the model; null when it cannot say anything yet (no ratings, zero-length latents, or only
 * likes or only dislikes: then there is no contrast to learn from).
 */
export function fitPreference(data: readonly LabelledLatent[], options: FitOptions = {}): PreferenceModel | null {
  const dim = checkData(data)
  const n = data.length
  const likes = data.filter((r) => r.liked).length
  if (n === 0 || dim === 0 || likes === 0 || likes === n) return null
  const lambda = options.lambda ?? defaultLambda(dim)
  if (!(lambda > 0)) throw new Error(`lambda must be > 0, got ${lambda}`)
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE

  // design matrix with a trailing 1 for the bias; parameters theta = [w, b]
  const m = dim + 1
  const X = new Float64Array(n * m)
  const y = new Float64Array(n)
  data.forEach((r, i) => {
    for (let j = 0; j < dim; j++) X[i * m + j] = r.latent[j] as number
    X[i * m + dim] = 1
    y[i] = r.liked ? 1 : 0
  })
  const penalty = (j: number) => (j === dim ? BIAS_LAMBDA : lambda)

  const logits = (theta: Float64Array) => {
    const a = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < m; j++) s += (X[i * m + j] as number) * (theta[j] as number)
      a[i] = s
    }
    return a
  }
  const objective = (theta: Float64Array) => {
    const a = logits(theta)
    let f = 0
    for (let i = 0; i < n; i++) f += y[i] ? softplus(-(a[i] as number)) : softplus(a[i] as number)
    for (let j = 0; j < m; j++) f += 0.5 * penalty(j) * (theta[j] as number) ** 2
    return f
  }

  let theta: Float64Array = new Float64Array(m)
  if (options.start && options.start.weights.length === dim) {
    for (let j = 0; j < dim; j++) theta[j] = options.start.weights[j] as number
    theta[dim] = options.start.bias
  }
  let f = objective(theta)
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const a = logits(theta)
    const grad = new Float64Array(m)
    const H = new Float64Array(m * m)
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a[i] as number)
      const r = p - (y[i] as number)
      const s = Math.max(p * (1 - p), 1e-12)
      const row = i * m
      for (let j = 0; j < m; j++) {
        const xj = X[row + j] as number
        grad[j] = (grad[j] as number) + r * xj
        const sxj = s * xj
        // lower triangle only; mirrored below
        for (let k = 0; k <= j; k++) H[j * m + k] = (H[j * m + k] as number) + sxj * (X[row + k] as number)
      }
    }
    for (let j = 0; j < m; j++) {
      grad[j] = (grad[j] as number) + penalty(j) * (theta[j] as number)
      H[j * m + j] = (H[j * m + j] as number) + penalty(j)
    }
    const step = choleskySolve(H, grad, m)
    // backtracking (Armijo) so that each accepted step lowers the objective
    let decrease = 0
    for (let j = 0; j < m; j++) decrease += (grad[j] as number) * (step[j] as number)
    let t = 1
    let next = theta
    let fNext = f
    for (let tries = 0; tries < 40; tries++, t /= 2) {
      next = theta.map((v, j) => v - t * (step[j] as number))
      fNext = objective(next)
      if (fNext <= f - 1e-4 * t * decrease) break
    }
    let moved = 0
    for (let j = 0; j < m; j++) moved = Math.max(moved, Math.abs((next[j] as number) - (theta[j] as number)))
    if (fNext > f) break // no descent left: we are at the optimum up to rounding
    theta = next
    f = fNext
    if (moved < tolerance) {
      iterations++
      break
    }
  }
  return { dim, weights: theta.slice(0, dim), bias: theta[dim] as number, n, likes, lambda, iterations }
}

/** Solves A x = b for a symmetric positive definite A given by its lower triangle (row-major, m x m). */
function choleskySolve(A: Float64Array, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m)
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j] as number
    for (let k = 0; k < j; k++) d -= (L[j * m + k] as number) ** 2
    if (!(d > 0)) throw new Error('preference model: Hessian is not positive definite')
    const ljj = Math.sqrt(d)
    L[j * m + j] = ljj
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j] as number
      for (let k = 0; k < j; k++) s -= (L[i * m + k] as number) * (L[j * m + k] as number)
      L[i * m + j] = s / ljj
    }
  }
  const z = new Float64Array(m)
  for (let i = 0; i < m; i++) {
    let s = b[i] as number
    for (let k = 0; k < i; k++) s -= (L[i * m + k] as number) * (z[k] as number)
    z[i] = s / (L[i * m + i] as number)
  }
  const x = new Float64Array(m)
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i] as number
    for (let k = i + 1; k < m; k++) s -= (L[k * m + i] as number) * (x[k] as number)
    x[i] = s / (L[i * m + i] as number)
  }
  return x
}

export function logit(model: PreferenceModel, z: ArrayLike<number>): number {
  if (z.length !== model.dim) throw new Error(`latent has length ${z.length}, the model expects ${model.dim}`)
  let s = model.bias
  for (let j = 0; j < model.dim; j++) s += (model.weights[j] as number) * (z[j] as number)
  return s
}

/** Predicted probability that the user likes the sample drawn from z. */
export function predictLike(model: PreferenceModel, z: ArrayLike<number>): number {
  return sigmoid(logit(model, z))
}

/** The learned "what I like" direction in z space, unit length; null when w is zero. */
export function likeDirection(model: PreferenceModel): Float64Array | null {
  let s = 0
  for (const v of model.weights) s += v * v
  const len = Math.sqrt(s)
  return len > 1e-12 ? model.weights.map((v) => v / len) : null
}

// ---------------------------------------------------------------------------------------------
// Held-out accuracy

export const MIN_RATINGS_FOR_ACCURACY = 6
export const DEFAULT_FOLDS = 5

export interface HeldOutAccuracy {
  /** share of held-out ratings predicted right (threshold 0.5) */
  accuracy: number
  correct: number
  total: number
  folds: number
  /** what always answering the more common rating would score: the bar to beat */
  baseline: number
}

export interface HeldOutOptions extends FitOptions {
  folds?: number
  seed?: number
  /**
   * fitPreference(data, options) when the caller already has it: each fold starts from it, and
   * passing it saves fitting the full model a second time
   */
  full?: PreferenceModel | null
}

/**
 * Stratified k-fold cross-validation (5 folds, or fewer with fewer ratings): every rating is
 * predicted once by a model fitted without it. Null under 6 ratings or with fewer
 * than 2 of either kind, where a figure would mean nothing.
 */
export function heldOutAccuracy(data: readonly LabelledLatent[], options: HeldOutOptions = {}): HeldOutAccuracy | null {
  checkData(data)
  const likeIdx: number[] = []
  const dislikeIdx: number[] = []
  data.forEach((r, i) => (r.liked ? likeIdx : dislikeIdx).push(i))
  if (data.length < MIN_RATINGS_FOR_ACCURACY || likeIdx.length < 2 || dislikeIdx.length < 2) return null
  const folds = Math.max(2, Math.min(options.folds ?? DEFAULT_FOLDS, data.length))
  // each class shuffled (seeded) and dealt round-robin, so folds keep the like/dislike mix
  const rng = new Rng((options.seed ?? 1) >>> 0)
  const fold = new Int32Array(data.length)
  let dealt = 0
  for (const idx of [likeIdx, dislikeIdx]) {
    const perm = rng.permutation(idx.length)
    for (const p of perm) fold[idx[p] as number] = dealt++ % folds
  }
  const { folds: _folds, seed: _seed, full: given, ...fitOptions } = options
  if (given && (given.n !== data.length || given.dim !== data[0]?.latent.length)) {
    throw new Error(`heldOutAccuracy: the full model was fitted on ${given.n} ${given.dim}-d ratings, not on these ${data.length}`)
  }
  const full = given !== undefined ? given : fitPreference(data, fitOptions)
  const start = full ? { weights: full.weights, bias: full.bias } : undefined
  let correct = 0
  for (let k = 0; k < folds; k++) {
    const train = data.filter((_, i) => fold[i] !== k)
    const test = data.filter((_, i) => fold[i] === k)
    if (!test.length) continue
    const model = fitPreference(train, { ...fitOptions, start })
    const trainLikes = train.filter((r) => r.liked).length
    for (const r of test) {
      // a training fold with one class only (cannot happen with >= 2 of each, kept for safety)
      const p = model ? predictLike(model, r.latent) : trainLikes * 2 >= train.length ? 1 : 0
      if (p >= 0.5 === r.liked) correct++
    }
  }
  const baseline = Math.max(likeIdx.length, dislikeIdx.length) / data.length
  return { accuracy: correct / data.length, correct, total: data.length, folds, baseline }
}

/**
 * What Teach mode shows after each rating: the model and its held-out accuracy, fitting the full
 * model once (the folds start from it). Measured at about 2.5 s for the 2,000-rating listing cap
 * (0.85 s the fit, 1.6 s the folds), so the browser runs it in a Web Worker
 * (components/lab/taste-fit.worker.ts).
 */
export function fitWithAccuracy(data: readonly LabelledLatent[], options: HeldOutOptions = {}): { model: PreferenceModel | null; accuracy: HeldOutAccuracy | null } {
  const { folds: _folds, seed: _seed, full: _full, ...fitOptions } = options
  const model = fitPreference(data, fitOptions)
  return { model, accuracy: heldOutAccuracy(data, { ...options, full: model }) }
}

// ---------------------------------------------------------------------------------------------
// Steering

export type SteerMethod = 'direction' | 'rejection'

export interface SteerOptions {
  method: SteerMethod
  /** 0 = plain sampling, 1 = the strongest steering */
  strength: number
  /** direction: shift along w_hat at strength 1, in standard deviations of z (default 3) */
  maxShift?: number
  /** rejection: candidates per slot at strength 1 (default 16) */
  maxCandidates?: number
}

export const DEFAULT_MAX_SHIFT = 3
export const DEFAULT_MAX_CANDIDATES = 16

const clampStrength = (s: number) => (Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0)

/**
 * z moved along the unit direction by `shift`, then scaled back to z's own norm so that the
 * latent stays as typical as the one it came from (a plain shift would lengthen it).
 */
export function shiftAlong(z: ArrayLike<number>, direction: ArrayLike<number>, shift: number): Latent {
  if (z.length !== direction.length) throw new Error(`shiftAlong: lengths differ (${z.length} vs ${direction.length})`)
  const out = new Float32Array(z.length)
  let n0 = 0
  let n1 = 0
  for (let j = 0; j < z.length; j++) {
    const v = z[j] as number
    const s = v + shift * (direction[j] as number)
    out[j] = s
    n0 += v * v
    n1 += s * s
  }
  if (n1 > 0 && n0 > 0) {
    const k = Math.sqrt(n0 / n1)
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) * k
  }
  return out
}

/** Candidates per slot for a rejection strength: 1 (the plain sample) at 0 up to maxCandidates at 1. */
export function candidatesFor(strength: number, maxCandidates = DEFAULT_MAX_CANDIDATES): number {
  return 1 + Math.round(clampStrength(strength) * (Math.max(1, maxCandidates) - 1))
}

/**
 * Candidate j of a slot: candidate 0 is the slot's plain sample (what one candidate means); the
 * others, 1..k, come from the slot's own seeded stream.
 */
export function slotCandidate(slotSeed: number, j: number, zDim: number): Latent {
  return j === 0 ? sampleLatent(slotSeed, zDim) : sampleLatent(childSeed(slotSeed ^ 0x7a5e5eed, j), zDim)
}

/** The plain batch: slot i is sampleLatent(childSeed(seed, i)), as on the generate page. */
export function plainBatch(seed: number, n: number, zDim: number): Latent[] {
  return sampleLatents(seed, n, zDim)
}

/**
 * A batch steered toward the model's likes, deterministic from (seed, model, options). Without a
 * model, or at strength 0, it is exactly the plain batch.
 */
export function steeredBatch(model: PreferenceModel | null, seed: number, n: number, zDim: number, options: SteerOptions): Latent[] {
  const strength = clampStrength(options.strength)
  const plain = plainBatch(seed, n, zDim)
  if (!model || strength === 0) return plain
  if (model.dim !== zDim) throw new Error(`the model is over ${model.dim}-d latents, the generator's are ${zDim}-d`)
  if (options.method === 'direction') {
    const dir = likeDirection(model)
    if (!dir) return plain
    const shift = strength * (options.maxShift ?? DEFAULT_MAX_SHIFT)
    return plain.map((z) => shiftAlong(z, dir, shift))
  }
  const k = candidatesFor(strength, options.maxCandidates)
  if (k === 1) return plain
  // fresh candidates only (1..k, not the plain sample 0): a steered grid shows new samples, never
  // ones the user has already rated in the plain grid
  return plain.map((_, i) => {
    const slotSeed = childSeed(seed, i)
    let best = slotCandidate(slotSeed, 1, zDim)
    let bestScore = logit(model, best)
    for (let j = 2; j <= k; j++) {
      const c = slotCandidate(slotSeed, j, zDim)
      const s = logit(model, c)
      if (s > bestScore) {
        best = c
        bestScore = s
      }
    }
    return best
  })
}

/** Whether steeredBatch would change anything (the samples it makes count as steered). */
export function steeringActive(model: PreferenceModel | null, options: SteerOptions): boolean {
  if (!model || clampStrength(options.strength) === 0) return false
  return options.method === 'direction' ? likeDirection(model) !== null : candidatesFor(options.strength, options.maxCandidates) > 1
}

/** Mean predicted like probability over some latents (the model's expected like-share). */
export function predictedLikeShare(model: PreferenceModel, latents: readonly ArrayLike<number>[]): number {
  if (!latents.length) return 0
  let s = 0
  for (const z of latents) s += predictLike(model, z)
  return s / latents.length
}

export const EVAL_SEED = 0x5eed7a57
export const EVAL_SAMPLES = 256

/**
 * Predicted like-share of plain samples and of steered samples with the same options, on a fixed
 * evaluation stream (so the two figures differ only by the steering).
 */
export function steeringEffect(model: PreferenceModel, zDim: number, options: SteerOptions, samples = EVAL_SAMPLES, seed = EVAL_SEED) {
  const plain = plainBatch(seed, samples, zDim)
  const steered = steeredBatch(model, seed, samples, zDim, options)
  return { plain: predictedLikeShare(model, plain), steered: predictedLikeShare(model, steered) }
}

export interface ShareCount {
  liked: number
  total: number
  /** null with no ratings in the group */
  share: number | null
}

/** The like-share measured from the user's own ratings, split by whether steering was on. */
export function measuredLikeShare(ratings: readonly { liked: boolean; steered: boolean }[]): { plain: ShareCount; steered: ShareCount } {
  const count = (steered: boolean): ShareCount => {
    const group = ratings.filter((r) => r.steered === steered)
    const liked = group.filter((r) => r.liked).length
    return { liked, total: group.length, share: group.length ? liked / group.length : null }
  }
  return { plain: count(false), steered: count(true) }
}
