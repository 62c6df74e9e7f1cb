import { Optimizer, buffer, checkBool, checkNonNegative, stateOf, type ParamGroup, type Params } from './optimizer.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const RMSPROP_KEYS = optionKeys<RMSpropOptions>({
  lr: true, alpha: true, eps: true, weightDecay: true, momentum: true, centered: true, maximize: true,
});

export interface RMSpropOptions {
  /** Learning rate; default 1e-2. */
  lr: number;
  /** Smoothing constant of the squared-gradient average; default 0.99. */
  alpha: number;
  /** Added to the denominator; default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** Momentum factor; default 0. */
  momentum: number;
  /** Normalize by the estimated variance (subtract the squared mean gradient); default false. */
  centered: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e; PyTorch: `torch.optim.RMSprop`):
 *
 *     g ← ∓∇ + weightDecay·θ,   s ← α·s + (1 − α)·g²
 *     centered: ḡ ← α·ḡ + (1 − α)·g,   denom = √(s − ḡ²) + eps;   else denom = √s + eps
 *     momentum > 0: b ← momentum·b + g/denom, θ ← θ − lr·b;   else θ ← θ − lr·g/denom
 *
 * State per parameter: `step`, `squareAvg`, plus `momentumBuffer` and `gradAvg` when used.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    checkOptions('RMSprop', opts, RMSPROP_KEYS);
    super(params, {
      lr: opts.lr ?? 1e-2,
      alpha: opts.alpha ?? 0.99,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      momentum: opts.momentum ?? 0,
      centered: opts.centered ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected validate(h: RMSpropOptions, where: string): void {
    checkNonNegative('RMSprop', where, 'learning rate (lr)', h.lr);
    checkNonNegative('RMSprop', where, 'epsilon (eps)', h.eps);
    checkNonNegative('RMSprop', where, 'momentum', h.momentum);
    checkNonNegative('RMSprop', where, 'weightDecay', h.weightDecay);
    checkNonNegative('RMSprop', where, 'alpha', h.alpha);
    checkBool('RMSprop', where, 'centered', h.centered);
    checkBool('RMSprop', where, 'maximize', h.maximize);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (!g) continue;
      const w = p.data;
      const st = stateOf(this.state, p);
      st.step = ((st.step as number | undefined) ?? 0) + 1;
      const s = buffer(st, 'squareAvg', p);
      const b = momentum > 0 ? buffer(st, 'momentumBuffer', p) : null;
      const ga = centered ? buffer(st, 'gradAvg', p) : null;
      for (let i = 0; i < w.length; i++) {
        let d = maximize ? -g[i]! : g[i]!;
        if (wd !== 0) d += wd * w[i]!;
        s[i] = alpha * s[i]! + (1 - alpha) * d * d;
        let avg: number;
        if (ga) {
          ga[i] = alpha * ga[i]! + (1 - alpha) * d;
          avg = Math.sqrt(s[i]! - ga[i]! * ga[i]!) + eps;
        } else avg = Math.sqrt(s[i]!) + eps;
        if (b) {
          b[i] = momentum * b[i]! + d / avg;
          w[i] = w[i]! - lr * b[i]!;
        } else w[i] = w[i]! - (lr * d) / avg;
      }
      p._version++;
    }
  }
}
