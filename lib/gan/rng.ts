/**
 * Seeded, serialisable pseudo-random numbers (sfc32), so that training can resume with the same
 * random stream and every latent vector is reproducible from a seed, in Node and the browser.
 */
export type RngState = [number, number, number, number];

/** The whole stream position: the state and the cached second normal of a Box-Muller pair. */
export interface RngSnapshot {
  state: RngState;
  spare: number | null;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      [this.a, this.b, this.c, this.d] = seed;
    } else {
      // splitmix32 to spread the seed over the state, then warm up
      let s = seed >>> 0;
      const next = (): number => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
      };
      this.a = next();
      this.b = next();
      this.c = next();
      this.d = next();
      for (let i = 0; i < 12; i++) this.nextU32();
    }
  }

  /** State to persist; `new Rng(state)` continues the same stream (the normal-pair cache is dropped). */
  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Everything needed to continue exactly here (`Rng.restore`), the normal-pair cache included. */
  snapshot(): RngSnapshot {
    return { state: this.state(), spare: this.spare };
  }

  static restore(s: RngSnapshot): Rng {
    const r = new Rng(s.state);
    r.spare = s.spare;
    return r;
  }

  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.uniform();
    while (u <= 1e-12) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i] as number;
      p[i] = p[j] as number;
      p[j] = t;
    }
    return p;
  }
}

/**
 * Runs `f` with Math.random replaced by a seeded stream: tfjs layer initialisers draw from
 * Math.random unless given a seed, so a model built inside gets initial weights that depend only
 * on `seed` (both trainers build G and D this way).
 */
export function withSeededMathRandom<T>(seed: number, f: () => T): T {
  const saved = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.uniform();
  try {
    return f();
  } finally {
    Math.random = saved;
  }
}
