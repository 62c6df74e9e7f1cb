import { ValueError } from '../../tensor/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkNumber, type SchedulerOptions } from './base.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

const SCHEDULER_KEYS = optionKeys<SchedulerOptions>({ lastEpoch: true });
const GAMMA_KEYS = optionKeys<GammaOptions>({ lastEpoch: true, gamma: true });

export interface GammaOptions extends SchedulerOptions {
  /** Multiplicative factor of the decay; default 0.1. */
  gamma?: number;
}

/** lr × gamma every `stepSize` epochs (PyTorch: `StepLR`). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<any>, stepSize: number, opts: GammaOptions = {}) {
    super(optimizer, checkOptions('StepLR', opts, GAMMA_KEYS));
    checkNumber('StepLR', 'stepSize', stepSize, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
    checkNumber('StepLR', 'gamma', opts.gamma ?? 0.1, Number.isFinite, 'a finite number');
    this.stepSize = stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

/** lr × gamma at each milestone epoch (PyTorch: `MultiStepLR`); repeated milestones multiply repeatedly. */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer<any>, milestones: readonly number[], opts: GammaOptions = {}) {
    super(optimizer, checkOptions('MultiStepLR', opts, GAMMA_KEYS));
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m) || m < 0))
      throw new ValueError('MultiStepLR', `milestones must be an array of non-negative integers, got ${String(milestones)}`);
    checkNumber('MultiStepLR', 'gamma', opts.gamma ?? 0.1, Number.isFinite, 'a finite number');
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
}

/** lr × gamma every epoch (PyTorch: `ExponentialLR`). */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer<any>, gamma: number, opts: SchedulerOptions = {}) {
    super(optimizer, checkOptions('ExponentialLR', opts, SCHEDULER_KEYS));
    checkNumber('ExponentialLR', 'gamma', gamma, Number.isFinite, 'a finite number');
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
}

export type LrLambda = (epoch: number) => number;

/** lr = initialLr × lrLambda(epoch), one function or one per group (PyTorch: `LambdaLR`). */
export class LambdaLR extends LRScheduler {
  private lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any>, lrLambda: LrLambda | readonly LrLambda[], opts: SchedulerOptions = {}) {
    super(optimizer, checkOptions('LambdaLR', opts, SCHEDULER_KEYS));
    const n = optimizer.paramGroups.length;
    const fns = Array.isArray(lrLambda) ? [...lrLambda] : Array.from({ length: n }, () => lrLambda as LrLambda);
    if (fns.length !== n) throw new ValueError('LambdaLR', `expected ${n} lrLambdas (one per parameter group), but got ${fns.length}`);
    if (fns.some((f) => typeof f !== 'function')) throw new ValueError('LambdaLR', 'lrLambda must be a function (epoch) => factor');
    this.lrLambdas = fns;
    Object.defineProperty(this, 'lrLambdas', { enumerable: false });
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
}
