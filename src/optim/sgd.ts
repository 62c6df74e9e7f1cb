import { ValueError } from '../tensor/errors.js';
import { sgdMomentum, sgdPlain } from './kernels.js';
import { Optimizer, buffer, checkBool, checkNonNegative, stateOf, type ParamGroup, type Params } from './optimizer.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const SGD_KEYS = optionKeys<SGDOptions>({ lr: true, momentum: true, dampening: true, weightDecay: true, nesterov: true, maximize: true });

export interface SGDOptions {
  /** Learning rate; default 1e-3 (current PyTorch's default). */
  lr: number;
  /** Momentum factor; default 0. */
  momentum: number;
  /** Dampening of the momentum; default 0. */
  dampening: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening = 0); default false. */
  nesterov: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum (PyTorch: `torch.optim.SGD`):
 *
 *     g ← ∓∇ + weightDecay·θ
 *     b ← g on the first step, else momentum·b + (1 − dampening)·g
 *     g ← g + momentum·b (nesterov) or b
 *     θ ← θ − lr·g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    checkOptions('SGD', opts, SGD_KEYS);
    super(params, {
      lr: opts.lr ?? 1e-3,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected validate(h: SGDOptions, where: string): void {
    checkNonNegative('SGD', where, 'learning rate (lr)', h.lr);
    checkNonNegative('SGD', where, 'momentum', h.momentum);
    checkNonNegative('SGD', where, 'weightDecay', h.weightDecay);
    if (typeof h.dampening !== 'number' || Number.isNaN(h.dampening))
      throw new ValueError('SGD', `dampening must be a number in ${where}, got ${String(h.dampening)}`);
    checkBool('SGD', where, 'nesterov', h.nesterov);
    checkBool('SGD', where, 'maximize', h.maximize);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
      throw new ValueError(
        'SGD',
        `Nesterov momentum requires a momentum > 0 and zero dampening (${where} has momentum ${h.momentum}, dampening ${h.dampening})`,
      );
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov, maximize } = group;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (!g) continue;
      const w = p.data;
      const st = stateOf(this.state, p);
      const sign = maximize ? -1 : 1;
      if (momentum === 0) {
        if (!('momentumBuffer' in st)) st.momentumBuffer = null;
        sgdPlain(w, g, lr, sign, wd);
      } else {
        const fresh = !st.momentumBuffer;
        const b = buffer(st, 'momentumBuffer', p);
        sgdMomentum(w, g, b, lr, sign, wd, momentum, dampening, nesterov, fresh);
      }
      p._version++;
    }
  }
}
