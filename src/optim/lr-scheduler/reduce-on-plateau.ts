import { ValueError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';
import { Optimizer } from '../optimizer.js';
import { checkNumber, type SchedulerStateDict } from './base.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall (a loss); 'max': it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** lr ← lr·factor on a plateau; default 0.1, must be < 1. */
  factor?: number;
  /** Epochs without improvement tolerated before the rate drops; default 10. */
  patience?: number;
  /** Least change that counts as an improvement; default 1e-4. */
  threshold?: number;
  /** 'rel' (default): better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a drop before counting bad epochs again; default 0. */
  cooldown?: number;
  /** Lower bound on the rate, one for all groups or one per group; default 0. */
  minLr?: number | readonly number[];
  /** A drop smaller than this is not applied; default 1e-8. */
  eps?: number;
}

const KEYS = optionKeys<ReduceLROnPlateauOptions>({
  mode: true, factor: true, patience: true, threshold: true, thresholdMode: true, cooldown: true, minLr: true, eps: true,
});
const OP = 'ReduceLROnPlateau';

const nonNegInt = (x: number): boolean => Number.isInteger(x) && x >= 0;

/**
 * Lower the learning rate when a metric stops improving (PyTorch:
 * `torch.optim.lr_scheduler.ReduceLROnPlateau`, same rules and defaults). Call
 * `scheduler.step(validationLoss)` once per epoch: after more than `patience` epochs in a row
 * without an improvement over the best value seen (by `threshold`, relative or absolute), every
 * group's rate becomes max(lr·factor, minLr) — unless that changes it by less than `eps` — and
 * bad epochs are not counted for the next `cooldown` epochs. A NaN metric is never an improvement.
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<any>;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric so far (±∞ before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer<any>, opts: ReduceLROnPlateauOptions = {}) {
    const o = checkOptions(OP, opts, KEYS);
    if (!(optimizer instanceof Optimizer))
      throw new ValueError(OP, `expected an Optimizer (e.g. new optim.SGD(params)), got ${optimizer === null ? 'null' : typeof optimizer}`);
    this.optimizer = optimizer;
    this.mode = o.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(OP, `mode must be 'min' or 'max', got '${String(this.mode)}'`);
    this.thresholdMode = o.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs')
      throw new ValueError(OP, `thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    this.factor = o.factor ?? 0.1;
    checkNumber(OP, 'factor', this.factor, (x) => x >= 0 && x < 1, 'a number in [0, 1) (the rate is multiplied by it)');
    this.patience = o.patience ?? 10;
    checkNumber(OP, 'patience', this.patience, nonNegInt, 'a non-negative integer');
    this.cooldown = o.cooldown ?? 0;
    checkNumber(OP, 'cooldown', this.cooldown, nonNegInt, 'a non-negative integer');
    this.threshold = o.threshold ?? 1e-4;
    checkNumber(OP, 'threshold', this.threshold, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
    this.eps = o.eps ?? 1e-8;
    checkNumber(OP, 'eps', this.eps, (x) => x >= 0, 'a number >= 0');
    const n = optimizer.paramGroups.length;
    const minLr = o.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== n)
      throw new ValueError(OP, `expected ${n} minLr values (one per parameter group), got ${minLr.length}`);
    this.minLrs = Array.isArray(minLr) ? [...(minLr as number[])] : new Array<number>(n).fill(minLr as number);
    this.minLrs.forEach((m) => checkNumber(OP, 'minLr', m, (x) => x >= 0, 'a number >= 0 (or one per group)'));
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Whether `a` improves on `best` by the threshold. */
  isBetter(a: number, best: number): boolean {
    if (typeof a !== 'number' || typeof best !== 'number') throw new ValueError(OP, `isBetter(a, best) compares two numbers, got ${typeof a} and ${typeof best}`);
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (t + 1) : a > best + t;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Report this epoch's metric (a number or a one-element tensor, e.g. the validation loss). */
  step(metrics: number | Tensor): void {
    const current = metrics instanceof Tensor ? metrics.item() : metrics;
    if (typeof current !== 'number')
      throw new ValueError(OP, `step(metrics) needs the monitored value as a number or a one-element Tensor, got ${metrics === null ? 'null' : typeof metrics}`);
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const next = Math.max(old * this.factor, this.minLrs[i]!);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The rates after the last `step()`, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Plain-data state (everything except the optimizer). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = Array.isArray(v) ? [...v] : v;
    return out;
  }

  loadStateDict(sd: SchedulerStateDict): void {
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd))
      throw new ValueError(OP, 'loadStateDict: expected an object returned by stateDict()');
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) {
      if (k === 'optimizer' || !(k in this)) throw new ValueError(OP, `loadStateDict: unexpected key '${k}'`);
      if (typeof v !== typeof self[k] && !(Array.isArray(v) && Array.isArray(self[k])))
        throw new ValueError(OP, `loadStateDict: '${k}' should be a ${typeof self[k]}, got ${typeof v}`);
    }
    for (const [k, v] of Object.entries(sd)) self[k] = Array.isArray(v) ? [...v] : v;
  }
}
