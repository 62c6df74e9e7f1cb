import { ValueError } from '../tensor/errors.js';
import { Optimizer, buffer, checkBool, checkNonNegative, stateOf, type ParamGroup, type Params } from './optimizer.js';
import { adamStep } from './kernels.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const ADAM_KEYS = optionKeys<AdamOptions>({ lr: true, betas: true, eps: true, weightDecay: true, amsgrad: true, maximize: true });

export interface AdamOptions {
  /** Learning rate; default 1e-3. */
  lr: number;
  /** Decay rates of the first and second moment estimates; default [0.9, 0.999]. */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability; default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past second moments (Reddi et al. 2018); default false. */
  amsgrad: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

function validateAdam(op: string, h: AdamOptions, where: string): void {
  checkNonNegative(op, where, 'learning rate (lr)', h.lr);
  checkNonNegative(op, where, 'epsilon (eps)', h.eps);
  if (!Array.isArray(h.betas) || h.betas.length !== 2)
    throw new ValueError(op, `betas must be a pair [beta1, beta2] in ${where}, got ${String(h.betas)}`);
  h.betas.forEach((b, i) => {
    if (typeof b !== 'number' || !(b >= 0 && b < 1))
      throw new ValueError(op, `invalid beta parameter at index ${i}: ${String(b)} in ${where}; it must be in [0, 1)`);
  });
  checkNonNegative(op, where, 'weightDecay', h.weightDecay);
  checkBool(op, where, 'amsgrad', h.amsgrad);
  checkBool(op, where, 'maximize', h.maximize);
}

/**
 * Adam (Kingma & Ba 2015; PyTorch: `torch.optim.Adam`). Per element, with t the step count:
 *
 *     g ← ∓∇ + weightDecay·θ                   (Adam's L2 penalty; AdamW decays θ instead)
 *     m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   v̂max ← max(v̂max, v) (amsgrad)
 *     θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
 *
 * State per parameter: `step`, `expAvg`, `expAvgSq` (and `maxExpAvgSq` with amsgrad).
 */
export class Adam extends Optimizer<AdamOptions> {
  /** AdamW: weight decay multiplies θ by (1 − lr·weightDecay) instead of adding to the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    checkOptions(new.target.name, opts, ADAM_KEYS);
    super(params, {
      lr: opts.lr ?? 1e-3,
      betas: opts.betas ?? [0.9, 0.999],
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      amsgrad: opts.amsgrad ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected validate(h: AdamOptions, where: string): void {
    validateAdam(this.constructor.name, h, where);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay: wd, amsgrad, maximize } = group;
    const [b1, b2] = group.betas;
    const decoupled = this.decoupledWeightDecay;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (!g) continue;
      const w = p.data;
      const st = stateOf(this.state, p);
      const step = ((st.step as number | undefined) ?? 0) + 1;
      st.step = step;
      const m = buffer(st, 'expAvg', p);
      const v = buffer(st, 'expAvgSq', p);
      const vmax = amsgrad ? buffer(st, 'maxExpAvgSq', p) : null;
      const stepSize = lr / (1 - b1 ** step);
      const bc2Sqrt = Math.sqrt(1 - b2 ** step);
      const decay = decoupled ? 1 - lr * wd : 1;
      adamStep(w, g, m, v, vmax, maximize ? -1 : 1, decay, decoupled ? 0 : wd, b1, b2, stepSize, bc2Sqrt, eps);
      p._version++;
    }
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019; PyTorch: `torch.optim.AdamW`): Adam with decoupled weight
 * decay, θ ← θ·(1 − lr·weightDecay) before the Adam update; default weightDecay 1e-2.
 */
export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay: boolean = true;

  constructor(params: Params<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }
}
