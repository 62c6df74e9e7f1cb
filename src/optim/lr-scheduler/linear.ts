import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkNumber, type SchedulerOptions } from './base.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

const LINEAR_KEYS = optionKeys<LinearLROptions>({ lastEpoch: true, startFactor: true, endFactor: true, totalIters: true });

export interface LinearLROptions extends SchedulerOptions {
  /** Factor at epoch 0; in (0, 1]; default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on; in [0, 1]; default 1. */
  endFactor?: number;
  /** Epochs over which the factor moves linearly; default 5. */
  totalIters?: number;
}

/**
 * Multiply the rate by a factor moving linearly from startFactor to endFactor over totalIters
 * epochs — the usual warm-up (PyTorch: `LinearLR`, recursive form).
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer<any>, opts: LinearLROptions = {}) {
    super(optimizer, checkOptions('LinearLR', opts, LINEAR_KEYS));
    const start = opts.startFactor ?? 1 / 3;
    const end = opts.endFactor ?? 1;
    const total = opts.totalIters ?? 5;
    checkNumber('LinearLR', 'startFactor', start, (x) => x > 0 && x <= 1, 'greater than 0 and less or equal to 1');
    checkNumber('LinearLR', 'endFactor', end, (x) => x >= 0 && x <= 1, 'between 0 and 1');
    checkNumber('LinearLR', 'totalIters', total, (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
    this.startFactor = start;
    this.endFactor = end;
    this.totalIters = total;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}
