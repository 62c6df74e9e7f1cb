import { Optimizer, buffer, checkBool, checkNonNegative, stateOf, type ParamGroup, type Params } from './optimizer.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const ADAGRAD_KEYS = optionKeys<AdagradOptions>({
  lr: true, lrDecay: true, weightDecay: true, initialAccumulatorValue: true, eps: true, maximize: true,
});

export interface AdagradOptions {
  /** Learning rate; default 1e-2. */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay); default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** Starting value of the squared-gradient sum; default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator; default 1e-10. */
  eps: number;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

/**
 * Adagrad (Duchi et al. 2011; PyTorch: `torch.optim.Adagrad`):
 *
 *     g ← ∓∇ + weightDecay·θ,   S ← S + g²,   θ ← θ − lr/(1 + (t − 1)·lrDecay) · g / (√S + eps)
 *
 * State per parameter (created at construction, as in PyTorch): `step`, `sum`.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    checkOptions('Adagrad', opts, ADAGRAD_KEYS);
    super(params, {
      lr: opts.lr ?? 1e-2,
      lrDecay: opts.lrDecay ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      initialAccumulatorValue: opts.initialAccumulatorValue ?? 0,
      eps: opts.eps ?? 1e-10,
      maximize: opts.maximize ?? false,
    });
    for (const group of this.paramGroups) this.initState(group);
  }

  private initState(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      const st = stateOf(this.state, p);
      st.step ??= 0;
      buffer(st, 'sum', p, group.initialAccumulatorValue);
    }
  }

  protected validate(h: AdagradOptions, where: string): void {
    checkNonNegative('Adagrad', where, 'learning rate (lr)', h.lr);
    checkNonNegative('Adagrad', where, 'lrDecay', h.lrDecay);
    checkNonNegative('Adagrad', where, 'weightDecay', h.weightDecay);
    checkNonNegative('Adagrad', where, 'initialAccumulatorValue', h.initialAccumulatorValue);
    checkNonNegative('Adagrad', where, 'epsilon (eps)', h.eps);
    checkBool('Adagrad', where, 'maximize', h.maximize);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = group;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (!g) continue;
      const w = p.data;
      const st = stateOf(this.state, p);
      const step = ((st.step as number | undefined) ?? 0) + 1;
      st.step = step;
      const s = buffer(st, 'sum', p, group.initialAccumulatorValue);
      const clr = lr / (1 + (step - 1) * lrDecay);
      for (let i = 0; i < w.length; i++) {
        let d = maximize ? -g[i]! : g[i]!;
        if (wd !== 0) d += wd * w[i]!;
        s[i] = s[i]! + d * d;
        w[i] = w[i]! - (clr * d) / (Math.sqrt(s[i]!) + eps);
      }
      p._version++;
    }
  }
}
