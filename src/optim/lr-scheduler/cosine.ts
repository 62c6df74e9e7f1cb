import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkNumber, type SchedulerOptions } from './base.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

export interface CosineAnnealingOptions extends SchedulerOptions {
  /** Minimum learning rate; default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing from initialLr to etaMin over `tMax` epochs (Loshchilov & Hutter 2017, without
 * restarts; PyTorch: `CosineAnnealingLR`). Uses PyTorch's recursive form, so it composes with
 * other changes to `lr` and past `tMax` it climbs back up as PyTorch's does; in isolation it
 * equals etaMin + (initialLr − etaMin)·(1 + cos(π·epoch/tMax))/2.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<any>, tMax: number, opts: CosineAnnealingOptions = {}) {
    super(optimizer, checkOptions('CosineAnnealingLR', opts, optionKeys<CosineAnnealingOptions>({ lastEpoch: true, etaMin: true })));
    checkNumber('CosineAnnealingLR', 'tMax', tMax, (x) => x > 0 && Number.isFinite(x), 'a positive number of epochs');
    checkNumber('CosineAnnealingLR', 'etaMin', opts.etaMin ?? 0, Number.isFinite, 'a finite number');
    this.tMax = tMax;
    this.etaMin = opts.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0)
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0)
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }
}
