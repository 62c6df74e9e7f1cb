import { ValueError } from './errors.js';
/**
 * The seeded random number generator.
 *
 * Algorithm: **xoshiro128\*\*** (Blackman & Vigna, 2018), a 32-bit generator with 128 bits of
 * state and period 2^128 − 1. A seed (any integer in [0, 2^53)) is expanded into the four state
 * words with **SplitMix32** applied to the low and high 32-bit halves of the seed, so that seed 0
 * is a valid, well-mixed start.
 *
 * - `random()` returns a float64 uniform in [0, 1) built from 53 random bits (two draws).
 * - `randomFloat32()` returns a uniform in [0, 1) built from 24 bits (one draw), exactly
 *   representable in float32.
 * - `normal()` uses the ziggurat method (Marsaglia & Tsang 2000) with 128 layers: one 32-bit draw
 *   gives the layer (its low 7 bits) and a signed 25-bit abscissa (its high 25 bits), so the two
 *   are independent (Doornik's remark on the original); ~99 % of draws are accepted at once, the
 *   wedges and the tail (beyond r = 3.4426…) are sampled exactly with float64 uniforms.
 * - `fillUniform` / `fillNormal` fill whole arrays with exactly the numbers that repeated
 *   `random()` / `normal()` calls would give, several times faster (state kept in locals).
 *
 * Streams differ from PyTorch's (Mersenne Twister / Philox): same seed, same gradlab numbers on every
 * platform, but not the same numbers as torch. Statistical properties are what the tests check.
 */
export interface GeneratorState {
  readonly algorithm: 'xoshiro128**';
  readonly seed: number;
  readonly s: readonly [number, number, number, number];
  readonly spare: number | null;
}

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed_ = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isFinite(seed) || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER)
      throw new ValueError('manualSeed', `seed must be an integer in [0, 2^53), got ${String(seed)}`);
    this.seed_ = seed;
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = lo ^ Math.imul(hi, 0x27d4eb2d);
    const st: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [nx, z] = splitmix32(x);
      x = nx;
      st.push(z);
    }
    [this.s0, this.s1, this.s2, this.s3] = st as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    return this;
  }

  initialSeed(): number {
    return this.seed_;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits (exact in float32). */
  randomFloat32(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal deviate (ziggurat). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = this.nextUint32() | 0;
    const i = u & 127;
    const j = u >> 7;
    if ((j < 0 ? -j : j) < ZIG_K[i]!) return j * ZIG_W[i]!;
    return this.normalSlow(j, i);
  }

  /** The wedge and tail cases of the ziggurat (about 1 % of draws). */
  private normalSlow(j: number, i: number): number {
    for (;;) {
      const x = j * ZIG_W[i]!;
      if (i === 0) {
        let a = 0;
        let b = 0;
        do {
          a = -Math.log(1 - this.random()) / ZIG_R;
          b = -Math.log(1 - this.random());
        } while (b + b < a * a);
        return j > 0 ? ZIG_R + a : -ZIG_R - a;
      }
      if (ZIG_F[i]! + this.random() * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-0.5 * x * x)) return x;
      const u = this.nextUint32() | 0;
      i = u & 127;
      j = u >> 7;
      if ((j < 0 ? -j : j) < ZIG_K[i]!) return j * ZIG_W[i]!;
    }
  }

  /** out[i] = lo + (hi − lo)·random() for i in [off, off + n): the same numbers as a loop of random(). */
  fillUniform(out: Float32Array | Float64Array, lo: number, hi: number, off = 0, n = out.length - off): void {
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const w = hi - lo;
    for (let i = off, end = off + n; i < end; i++) {
      const a = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const b = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = lo + w * ((a * 67108864 + b) / 9007199254740992);
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
  }

  /** out[i] = mean + std·normal() for i in [off, off + n): the same numbers as a loop of normal(). */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number, off = 0, n = out.length - off): void {
    const end = off + n;
    for (let i = off; i < end; i++) {
      if (this.spare !== null) {
        out[i] = mean + std * this.spare;
        this.spare = null;
        continue;
      }
      const u = this.nextUint32() | 0;
      const k = u & 127;
      const j = u >> 7;
      out[i] = mean + std * ((j < 0 ? -j : j) < ZIG_K[k]! ? j * ZIG_W[k]! : this.normalSlow(j, k));
    }
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  getState(): GeneratorState {
    return { algorithm: 'xoshiro128**', seed: this.seed_, s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  setState(state: GeneratorState): this {
    if (state.algorithm !== 'xoshiro128**' || state.s.length !== 4)
      throw new ValueError('Generator.setState', 'expected an xoshiro128** state from getState()');
    this.seed_ = state.seed;
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((v) => v | 0) as [number, number, number, number];
    this.spare = state.spare;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers) for a signed 25-bit abscissa j ∈ (−2^24, 2^24):
// accept j·W[i] at once when |j| < K[i]; F[i] = exp(−x_i²/2) at the layer edges.
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
{
  const m = 16777216; // 2^24
  const v = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m;
  ZIG_W[127] = dn / m;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m;
  }
}

/** The process-wide default generator, used when no `generator` option is given. */
export const defaultGenerator = new Generator(0);

/** Seed the default generator (PyTorch: `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}
