import { ValueError, fmtShape } from '../../tensor/errors.js';
import { defaultGenerator, type Generator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';
import { Generator as GeneratorClass } from '../../tensor/rng.js';

/**
 * Every initializer writes straight into `t.data` (no tape, like PyTorch's `torch.no_grad()`
 * initializers), so it works on Parameters that require grad; it bumps the tensor's version
 * counter and returns the same tensor.
 */
export interface GeneratorOption {
  /** Source of randomness; the process-wide `defaultGenerator` when omitted. */
  generator?: Generator;
}

const GENERATOR_KEYS = optionKeys<GeneratorOption>({ generator: true });

/** A generator option must be a Generator (a typed error, not a TypeError when it is drawn from). */
function checkGenerator(op: string, g: unknown): void {
  if (g !== undefined && !(g instanceof GeneratorClass)) throw new ValueError(op, `generator must be a Generator (new Generator(seed)), got ${g === null ? 'null' : typeof g}`);
}

/** @internal a typed error, not a TypeError deep inside, when an initializer is given a non-tensor. */
export function tensorArg(t: unknown, op: string): void {
  if (t === null || typeof t !== 'object' || !((t as Tensor).data instanceof Float32Array) || !Array.isArray((t as Tensor).shape))
    throw new ValueError(op, `expects a Tensor to fill in place, got ${t === null ? 'null' : typeof t}`);
}

/** @internal mark a tensor as modified in place. */
export function touched<T extends Tensor>(t: T): T {
  t._version++;
  return t;
}

function checkFinite(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ValueError(op, `${what} must be a finite number, got ${String(v)}`);
}

/** Fill with U[a, b) (PyTorch: `nn.init.uniform_`). */
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1, opts: GeneratorOption = {}): T {
  tensorArg(t, 'uniform_');
  opts = checkOptions('uniform_', opts, GENERATOR_KEYS);
  checkGenerator('uniform_', opts.generator);
  checkFinite('uniform_', 'a (lower bound)', a);
  checkFinite('uniform_', 'b (upper bound)', b);
  if (a > b) throw new ValueError('uniform_', `expects a [a, b) range with a <= b, but found a=${a} > b=${b}; swap the bounds`);
  const g = opts.generator ?? defaultGenerator;
  const d = t.data;
  g.fillUniform(d, a, b);
  return touched(t);
}

/** Fill with N(mean, std²) (PyTorch: `nn.init.normal_`). */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, opts: GeneratorOption = {}): T {
  tensorArg(t, 'normal_');
  opts = checkOptions('normal_', opts, GENERATOR_KEYS);
  checkGenerator('normal_', opts.generator);
  checkFinite('normal_', 'mean', mean);
  checkFinite('normal_', 'std', std);
  if (std < 0) throw new ValueError('normal_', `expects std >= 0, but found std=${std}`);
  const g = opts.generator ?? defaultGenerator;
  const d = t.data;
  g.fillNormal(d, mean, std);
  return touched(t);
}

/** Fill with a constant (PyTorch: `nn.init.constant_`). */
export function constant_<T extends Tensor>(t: T, val: number): T {
  tensorArg(t, 'constant_');
  if (typeof val !== 'number') throw new ValueError('constant_', `val must be a number, got ${typeof val}`);
  t.data.fill(val);
  return touched(t);
}

/** Fill with ones (PyTorch: `nn.init.ones_`). */
export function ones_<T extends Tensor>(t: T): T {
  return constant_(t, 1);
}

/** Fill with zeros (PyTorch: `nn.init.zeros_`). */
export function zeros_<T extends Tensor>(t: T): T {
  return constant_(t, 0);
}

/** The identity matrix on a 2-D tensor (PyTorch: `nn.init.eye_`); rectangular shapes get ones on the main diagonal. */
export function eye_<T extends Tensor>(t: T): T {
  tensorArg(t, 'eye_');
  if (t.ndim !== 2)
    throw new ValueError('eye_', `only tensors with 2 dimensions are supported, got shape ${fmtShape(t.shape)}`);
  const [n, m] = t.shape as [number, number];
  const d = t.data;
  d.fill(0);
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return touched(t);
}

/**
 * The Dirac delta on a 3-, 4- or 5-D convolution weight (PyTorch: `nn.init.dirac_`): a
 * convolution with it preserves the identity of its inputs, for as many channels as fit. With
 * `groups` > 1 the output channels are split into groups, each an identity on the input channels.
 */
export function dirac_<T extends Tensor>(t: T, groups = 1): T {
  tensorArg(t, 'dirac_');
  const nd = t.ndim;
  if (nd < 3 || nd > 5)
    throw new ValueError(
      'dirac_',
      `only tensors with 3, 4, or 5 dimensions are supported (conv1d/2d/3d weights), got shape ${fmtShape(t.shape)}`,
    );
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError('dirac_', `groups must be a positive integer, got ${groups}`);
  const s = t.shape;
  if (s[0]! % groups !== 0)
    throw new ValueError('dirac_', `dim 0 (${s[0]}) must be divisible by groups (${groups})`);
  const outPerGroup = s[0]! / groups;
  const minDim = Math.min(outPerGroup, s[1]!);
  const d = t.data;
  d.fill(0);
  // Flat offset of the kernel centre within one [k1, k2, …] slice.
  let centre = 0;
  let kernel = 1;
  for (let i = nd - 1; i >= 2; i--) {
    centre += Math.floor(s[i]! / 2) * kernel;
    kernel *= s[i]!;
  }
  const inStride = kernel;
  const outStride = s[1]! * kernel;
  for (let g = 0; g < groups; g++)
    for (let k = 0; k < minDim; k++) d[(g * outPerGroup + k) * outStride + k * inStride + centre] = 1;
  return touched(t);
}
