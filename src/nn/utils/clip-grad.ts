import { takeScalar } from '../../tensor/storage-pool.js';
import { NonFiniteError, ValueError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { optionKeys, positionalOptions } from '../../tensor/options.js';

/** A single tensor or any iterable of tensors (an array, `module.parameters()`, a generator). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/** @internal materialise `parameters` once (an iterable may be a one-shot generator). */
export function asTensorList(parameters: TensorOrTensors, op: string): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || parameters === undefined || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function')
    throw new ValueError(op, `parameters must be a Tensor or an iterable of Tensors, got ${String(parameters)}`);
  const out: Tensor[] = [];
  let i = 0;
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new ValueError(op, `parameters[${i}] is not a Tensor (got ${typeof p})`);
    out.push(p);
    i++;
  }
  return out;
}

function checkNormType(normType: number, op: string): void {
  if (typeof normType !== 'number' || !(normType > 0))
    throw new ValueError(op, `normType must be a positive number or Infinity, got ${String(normType)}`);
}

/** Σ|x|^p (or max |x| for p = ∞) of one buffer, accumulated in float64. NaN propagates. */
function partialNorm(d: Float32Array, p: number): number {
  let acc = 0;
  if (p === Infinity) {
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]!);
      if (a > acc || a !== a) acc = a;
      if (acc !== acc) return NaN;
    }
  } else if (p === 2) {
    for (let i = 0; i < d.length; i++) acc += d[i]! * d[i]!;
  } else if (p === 1) {
    for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]!);
  } else {
    for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]!) ** p;
  }
  return acc;
}

export interface TotalNormOptions {
  /** Order of the norm: any p > 0, or Infinity for the max-norm; default 2. */
  normType?: number;
  /** Throw a NonFiniteError when the total norm is NaN or ±Inf; default false. */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; there is a single (fused) implementation. */
  foreach?: boolean | null;
}

const TOTAL_NORM_KEYS = optionKeys<TotalNormOptions>({ normType: true, errorIfNonfinite: true, foreach: true });
/** PyTorch's positional order after maxNorm: clip_grad_norm_(params, max_norm, norm_type, error_if_nonfinite, foreach). */
const TOTAL_NORM_POSITIONAL = ['normType', 'errorIfNonfinite', 'foreach'] as const;

/** `foreach` is accepted for PyTorch compatibility (there is one fused implementation) but must still be a flag. */
function checkForeach(op: string, o: { foreach?: unknown }): void {
  if (o.foreach !== undefined && o.foreach !== null && typeof o.foreach !== 'boolean')
    throw new ValueError(op, `foreach must be true, false or null, got ${String(o.foreach)}`);
}

function checkFlags(op: string, o: TotalNormOptions): void {
  checkForeach(op, o);
  if (o.errorIfNonfinite !== undefined && typeof o.errorIfNonfinite !== 'boolean')
    throw new ValueError(op, `errorIfNonfinite must be true or false, got ${String(o.errorIfNonfinite)}`);
}

function nonFinite(op: string, p: number): NonFiniteError {
  return new NonFiniteError(
    op,
    `the total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped; ` +
      'to disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
  );
}

function totalNormOf(tensors: readonly Tensor[], p: number, errorIfNonfinite: boolean, op: string): number {
  let acc = 0;
  for (const t of tensors) {
    const part = partialNorm(t.data, p);
    if (p === Infinity) acc = part > acc || part !== part ? part : acc;
    else acc += part;
  }
  const total = Math.fround(p === Infinity || p === 1 ? acc : p === 2 ? Math.sqrt(acc) : acc ** (1 / p));
  if (errorIfNonfinite && !Number.isFinite(total)) throw nonFinite(op, p);
  return total;
}

/**
 * The p-norm of all `tensors` taken together as one vector (PyTorch: `nn.utils.get_total_norm`),
 * accumulated in float64, as a 0-d tensor. Equals the p-norm of the per-tensor p-norms.
 */
export function getTotalNorm(tensors: TensorOrTensors, opts?: TotalNormOptions): Tensor;
export function getTotalNorm(tensors: TensorOrTensors, normType?: number, errorIfNonfinite?: boolean, foreach?: boolean | null): Tensor;
export function getTotalNorm(tensors: TensorOrTensors, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<TotalNormOptions>('getTotalNorm', rest, TOTAL_NORM_POSITIONAL, TOTAL_NORM_KEYS);
  checkFlags('getTotalNorm', opts);
  const p = opts.normType ?? 2;
  checkNormType(p, 'getTotalNorm');
  const list = asTensorList(tensors, 'getTotalNorm');
  return new Tensor(Float32Array.of(totalNormOf(list, p, opts.errorIfNonfinite ?? false, 'getTotalNorm')), []);
}

function scaleGrads(grads: readonly Tensor[], maxNorm: number, total: number): void {
  const coef = maxNorm / (total + 1e-6);
  // PyTorch multiplies by min(coef, 1) unconditionally; multiplying by exactly 1 changes nothing,
  // so only coef < 1 — or a NaN coef from a NaN norm — touches the gradients.
  if (coef >= 1) return;
  const c = Math.fround(coef);
  for (const g of grads) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * c;
    g._version++;
  }
}

function checkMaxNorm(maxNorm: number, op: string): void {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new ValueError(op, `maxNorm must be a number >= 0, got ${String(maxNorm)}`);
}

/**
 * Scale the gradients of `parameters` by min(1, maxNorm / (totalNorm + 1e-6)), given a total norm
 * computed beforehand (PyTorch: `nn.utils.clip_grads_with_norm_`).
 */
export function clipGradsWithNorm_(parameters: TensorOrTensors, maxNorm: number, totalNorm: Tensor | number, ...rest: unknown[]): void {
  checkForeach('clipGradsWithNorm_', positionalOptions('clipGradsWithNorm_', rest, ['foreach'], ['foreach']));
  checkMaxNorm(maxNorm, 'clipGradsWithNorm_');
  if (typeof totalNorm !== 'number' && !(totalNorm instanceof Tensor))
    throw new ValueError('clipGradsWithNorm_', `totalNorm must be a number or a 0-d Tensor (from getTotalNorm), got ${typeof totalNorm}`);
  const total = typeof totalNorm === 'number' ? totalNorm : totalNorm.item();
  const grads = asTensorList(parameters, 'clipGradsWithNorm_').flatMap((p) => (p.grad ? [p.grad] : []));
  scaleGrads(grads, maxNorm, total);
}

/**
 * Clip the gradient norm of `parameters` in place (PyTorch: `nn.utils.clip_grad_norm_`) and
 * return the total norm before clipping as a 0-d tensor.
 *
 * The norm is taken over all gradients together, as if concatenated into one vector (float64
 * accumulation); parameters whose `grad` is null are skipped, and no gradients at all give a norm
 * of 0. Gradients are multiplied by `maxNorm / (total + 1e-6)` when that is below 1, which is the
 * same as current PyTorch's unconditional multiplication by the coefficient clamped to at most 1.
 * A non-finite total throws a `NonFiniteError` with `errorIfNonfinite: true`; otherwise, as in
 * PyTorch, the gradients are scaled anyway (a NaN norm makes them NaN, an infinite one zeroes the
 * finite entries).
 *
 * The lecture's slide writes this as `if norm > threshold: g = threshold * g / norm` with the
 * norm as a plain sum of squares; that snippet omits the square root and the clamp — this
 * function follows PyTorch.
 *
 * The options may be given as an object or positionally in PyTorch's order:
 * `clipGradNorm_(ps, 1, 1)` clips the L1 norm, `clipGradNorm_(ps, 1, 2, true)` raises on NaN.
 */
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number, opts?: TotalNormOptions): Tensor;
export function clipGradNorm_(
  parameters: TensorOrTensors, maxNorm: number, normType?: number, errorIfNonfinite?: boolean, foreach?: boolean | null,
): Tensor;
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<TotalNormOptions>('clipGradNorm_', rest, TOTAL_NORM_POSITIONAL, TOTAL_NORM_KEYS);
  checkFlags('clipGradNorm_', opts);
  const p = opts.normType ?? 2;
  checkMaxNorm(maxNorm, 'clipGradNorm_');
  checkNormType(p, 'clipGradNorm_');
  const grads = asTensorList(parameters, 'clipGradNorm_').flatMap((q) => (q.grad ? [q.grad] : []));
  if (grads.length === 0) return new Tensor(new Float32Array(1), []);
  const total = totalNormOf(grads, p, opts.errorIfNonfinite ?? false, 'clipGradNorm_');
  scaleGrads(grads, maxNorm, total);
  return new Tensor(takeScalar(total), []);
}

/**
 * Clamp every gradient of `parameters` to [−clipValue, clipValue] in place (PyTorch:
 * `nn.utils.clip_grad_value_`). Parameters whose `grad` is null are skipped; NaN stays NaN.
 */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, opts?: { foreach?: boolean | null }): void;
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, foreach?: boolean | null): void;
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, ...rest: unknown[]): void {
  checkForeach('clipGradValue_', positionalOptions('clipGradValue_', rest, ['foreach'], ['foreach']));
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new ValueError('clipGradValue_', `clipValue must be a number >= 0, got ${String(clipValue)}`);
  for (const q of asTensorList(parameters, 'clipGradValue_')) {
    const g = q.grad;
    if (!g) continue;
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v > clipValue) d[i] = clipValue;
      else if (v < -clipValue) d[i] = -clipValue;
    }
    g._version++;
  }
}
