import { AutogradError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/rng.js';
import { grad } from './engine.js';
import { noGrad } from './grad-mode.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-3 (float32 storage: smaller steps drown in rounding). */
  eps?: number;
  /** Absolute tolerance. Default 1e-2. */
  atol?: number;
  /** Relative tolerance. Default 1e-2. */
  rtol?: number;
  /** Throw a descriptive error on mismatch (default) or return false. */
  raiseException?: boolean;
  /** Seed of the random projection of non-scalar outputs. Default 0. */
  seed?: number;
}

type Fn = (...inputs: Tensor[]) => Tensor;

/**
 * Compare the analytic gradient of `fn` at `inputs` with central finite differences. A non-scalar
 * output is reduced as ⟨v, fn(x)⟩ with a fixed random v, so every output element takes part.
 * Only inputs with requiresGrad are checked. The function must be deterministic.
 *
 * Storage is float32, so the defaults are looser than PyTorch's float64 gradcheck; the check is
 * still sensitive to any wrong rule (errors are O(1) relative, rounding is O(1e-3)).
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  if (typeof fn !== 'function') throw new AutogradError('gradcheck', `expects a function of the inputs, got ${typeof fn}`);
  if (!Array.isArray(inputs) || !inputs.every((x) => x instanceof Tensor))
    throw new AutogradError('gradcheck', 'inputs must be an array of Tensors (those with requiresGrad are checked)');
  opts = checkOptions('gradcheck', opts, optionKeys<GradcheckOptions>({ eps: true, atol: true, rtol: true, raiseException: true, seed: true }));
  const eps = opts.eps ?? 1e-3;
  const atol = opts.atol ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  const raise = opts.raiseException ?? true;
  const out0 = noGrad(() => fn(...inputs));
  const gen = new Generator(opts.seed ?? 0);
  const v = new Float64Array(out0.data.length);
  for (let i = 0; i < v.length; i++) v[i] = v.length === 1 ? 1 : gen.normal();
  const project = (y: Tensor): number => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * y.data[i]!;
    return s;
  };
  const checked = inputs.filter((x) => x.requiresGrad);
  if (checked.length === 0) throw new AutogradError('gradcheck', 'no input has requiresGrad; nothing to check');
  const y = fn(...inputs);
  const vT = new Tensor(Float32Array.from(v), y.shape);
  const analytic = grad([y], checked, { gradOutputs: [vT], allowUnused: true });
  for (let k = 0; k < checked.length; k++) {
    const x = checked[k]!;
    const ga = analytic[k];
    for (let i = 0; i < x.data.length; i++) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const fp = project(noGrad(() => fn(...inputs)));
      x.data[i] = orig - eps;
      const fm = project(noGrad(() => fn(...inputs)));
      x.data[i] = orig;
      const numeric = (fp - fm) / (2 * eps);
      const a = ga ? ga.data[i]! : 0;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        if (!raise) return false;
        throw new AutogradError(
          'gradcheck',
          `gradient mismatch for input ${inputs.indexOf(x)} at flat index ${i}: analytic ${a}, numeric ${numeric} ` +
            `(eps=${eps}, atol=${atol}, rtol=${rtol})`,
        );
      }
    }
  }
  return true;
}
