import { ValueError } from '../../tensor/errors.js';
import { defaultGenerator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensorArg, touched, normal_, uniform_, type GeneratorOption } from './basic.js';
import { calculateCorrectFan, calculateFanInAndFanOut, calculateGain, type FanMode, type Nonlinearity } from './fans.js';
import { erfinv, normCdf } from './special.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

export interface XavierOptions extends GeneratorOption {
  /** Scaling factor (see `calculateGain`); default 1. */
  gain?: number;
}

function xavierStd(t: Tensor, gain: number, op: string): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (fanIn + fanOut === 0)
    throw new ValueError(op, `fanIn + fanOut is 0 for shape [${t.shape.join(',')}]; the Xavier std is undefined`);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** U(−a, a) with a = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio 2010; PyTorch: `nn.init.xavier_uniform_`). */
export function xavierUniform_<T extends Tensor>(t: T, opts: XavierOptions = {}): T {
  opts = checkOptions('xavierUniform_', opts, XAVIER_KEYS);
  const a = Math.sqrt(3) * xavierStd(t, opts.gain ?? 1, 'xavierUniform_');
  return uniform_(t, -a, a, { generator: opts.generator });
}

/** N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (PyTorch: `nn.init.xavier_normal_`). */
export function xavierNormal_<T extends Tensor>(t: T, opts: XavierOptions = {}): T {
  opts = checkOptions('xavierNormal_', opts, XAVIER_KEYS);
  return normal_(t, 0, xavierStd(t, opts.gain ?? 1, 'xavierNormal_'), { generator: opts.generator });
}

const XAVIER_KEYS = optionKeys<XavierOptions>({ gain: true, generator: true });

export interface KaimingOptions extends GeneratorOption {
  /** Negative slope of the rectifier after this layer (used with 'leaky_relu'); default 0. */
  a?: number;
  /** 'fan_in' (default) preserves the forward variance, 'fan_out' the backward one. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with `a` = 0 this is the ReLU gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions, op: string): number {
  opts = checkOptions(op, opts, optionKeys<KaimingOptions>({ a: true, mode: true, nonlinearity: true, generator: true }));
  const fan = calculateCorrectFan(t, opts.mode ?? 'fan_in', op);
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * U(−bound, bound) with bound = gain·√(3 / fan) (He et al. 2015; PyTorch:
 * `nn.init.kaiming_uniform_`). A tensor with no elements is left as it is (PyTorch warns and
 * returns it).
 */
export function kaimingUniform_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  tensorArg(t, 'kaimingUniform_');
  if (t.shape.includes(0)) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, opts, 'kaimingUniform_');
  return uniform_(t, -bound, bound, { generator: opts.generator });
}

/** N(0, std²) with std = gain / √fan (PyTorch: `nn.init.kaiming_normal_`). No-op on empty tensors. */
export function kaimingNormal_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  tensorArg(t, 'kaimingNormal_');
  if (t.shape.includes(0)) return t;
  return normal_(t, 0, kaimingStd(t, opts, 'kaimingNormal_'), { generator: opts.generator });
}

export interface TruncNormalOptions extends GeneratorOption {
  mean?: number;
  std?: number;
  /** Lower cut-off; default −2. */
  a?: number;
  /** Upper cut-off; default 2. */
  b?: number;
}

/**
 * N(mean, std²) truncated to [a, b] (PyTorch: `nn.init.trunc_normal_`), by the inverse-CDF
 * method: draw u ~ U(2Φ(α)−1, 2Φ(β)−1), return mean + std·√2·erfinv(u), clamped to [a, b].
 * Accurate while [a, b] holds appreciable mass; when mean lies more than 2 std outside [a, b]
 * (where PyTorch warns) the sample quality degrades, as it does in PyTorch.
 */
export function truncNormal_<T extends Tensor>(t: T, opts: TruncNormalOptions = {}): T {
  tensorArg(t, 'truncNormal_');
  opts = checkOptions('truncNormal_', opts, optionKeys<TruncNormalOptions>({ mean: true, std: true, a: true, b: true, generator: true }));
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const a = opts.a ?? -2;
  const b = opts.b ?? 2;
  for (const [k, v] of [['mean', mean], ['std', std], ['a', a], ['b', b]] as const)
    if (typeof v !== 'number' || Number.isNaN(v) || (k !== 'a' && k !== 'b' && !Number.isFinite(v)))
      throw new ValueError('truncNormal_', `${k} must be a number, got ${String(v)}`);
  if (!(std > 0)) throw new ValueError('truncNormal_', `std must be > 0, got ${std}`);
  if (!(a < b)) throw new ValueError('truncNormal_', `needs a < b, got a=${a}, b=${b}`);
  const lo = 2 * normCdf((a - mean) / std) - 1;
  const hi = 2 * normCdf((b - mean) / std) - 1;
  const g = opts.generator ?? defaultGenerator;
  const d = t.data;
  const scale = std * Math.SQRT2;
  for (let i = 0; i < d.length; i++) {
    const u = lo + (hi - lo) * g.random();
    const x = mean + scale * erfinv(u);
    d[i] = Math.min(b, Math.max(a, x));
  }
  return touched(t);
}
