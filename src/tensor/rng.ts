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
 * - `normal()` uses the Box–Muller transform on float64 uniforms and caches the second value.
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
      throw new RangeError(`manualSeed: seed must be an integer in [0, 2^53), got ${seed}`);
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

  /** Standard normal deviate (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    do u = this.random();
    while (u === 0);
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * v;
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
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
      throw new RangeError(`Generator.setState: expected an xoshiro128** state from getState()`);
    this.seed_ = state.seed;
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((v) => v | 0) as [number, number, number, number];
    this.spare = state.spare;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
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
