import { ValueError } from '../../tensor/errors.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkNumber, type SchedulerOptions } from './base.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

const ONE_CYCLE_KEYS = optionKeys<OneCycleOptions>({
  lastEpoch: true, maxLr: true, totalSteps: true, epochs: true, stepsPerEpoch: true, pctStart: true, annealStrategy: true,
  cycleMomentum: true, baseMomentum: true, maxMomentum: true, divFactor: true, finalDivFactor: true, threePhase: true,
});

export interface OneCycleOptions extends SchedulerOptions {
  /** Peak learning rate, one for all groups or one per group (required). */
  maxLr: number | readonly number[];
  /** Number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate; default 0.3. */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD/RMSprop `momentum`, Adam's beta1) inversely to the rate; default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak rate; default 0.85. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end; default 0.95. */
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor; default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** Fast.ai-style three phases (up, down to initialLr, anneal to minLr); default false. */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function perGroup(name: string, optimizer: Optimizer<any>, v: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(v)) {
    if (v.length !== n) throw new ValueError('OneCycleLR', `expected ${n} values for ${name} (one per parameter group), got ${v.length}`);
    return [...v];
  }
  return Array.from({ length: n }, () => v as number);
}

function prepare(optimizer: Optimizer<any>, o: OneCycleOptions): SchedulerOptions {
  const lastEpoch = o.lastEpoch ?? -1;
  if (lastEpoch === -1 && optimizer?.paramGroups) {
    const maxLrs = perGroup('maxLr', optimizer, o.maxLr);
    maxLrs.forEach((m) => checkNumber('OneCycleLR', 'maxLr', m, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0'));
    const div = o.divFactor ?? 25;
    const finalDiv = o.finalDivFactor ?? 1e4;
    checkNumber('OneCycleLR', 'divFactor', div, (x) => x > 0, 'a positive number');
    checkNumber('OneCycleLR', 'finalDivFactor', finalDiv, (x) => x > 0, 'a positive number');
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = maxLrs[i]! / div;
      g.maxLr = maxLrs[i]!;
      g.minLr = g.initialLr / finalDiv;
    });
  }
  return { lastEpoch };
}

/**
 * The 1cycle policy (Smith & Topin 2017; PyTorch: `OneCycleLR`), stepped once per batch: the rate
 * rises from maxLr/divFactor to maxLr over pctStart of the steps, then anneals to
 * initialLr/finalDivFactor; momentum (or Adam's beta1) moves the opposite way between
 * maxMomentum and baseMomentum. Stepping past totalSteps throws.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  phases: Phase[];

  constructor(optimizer: Optimizer<any>, opts: OneCycleOptions) {
    const o = checkOptions('OneCycleLR', opts, ONE_CYCLE_KEYS);
    super(optimizer, prepare(optimizer, o));
    if (o.maxLr === undefined) throw new ValueError('OneCycleLR', 'maxLr is required (the peak learning rate)');
    let total: number;
    if (o.totalSteps === undefined && o.epochs === undefined && o.stepsPerEpoch === undefined)
      throw new ValueError('OneCycleLR', 'you must define either totalSteps OR (epochs AND stepsPerEpoch)');
    else if (o.totalSteps !== undefined) {
      checkNumber('OneCycleLR', 'totalSteps', o.totalSteps, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
      total = o.totalSteps;
    } else {
      checkNumber('OneCycleLR', 'epochs', o.epochs, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
      checkNumber('OneCycleLR', 'stepsPerEpoch', o.stepsPerEpoch, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
      total = o.epochs! * o.stepsPerEpoch!;
    }
    this.totalSteps = total;
    const pct = o.pctStart ?? 0.3;
    checkNumber('OneCycleLR', 'pctStart', pct, (x) => x >= 0 && x <= 1, 'a number between 0 and 1');
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear')
      throw new ValueError('OneCycleLR', `annealStrategy must be one of 'cos' or 'linear', got '${String(strategy)}'`);
    this.annealStrategy = strategy;
    this.phases = o.threePhase
      ? [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.cycleMomentum = o.cycleMomentum ?? true;
    this.useBeta1 = false;
    if (this.cycleMomentum) {
      const d = optimizer.defaults as Record<string, unknown>;
      if (!('momentum' in d) && !('betas' in d))
        throw new ValueError(
          'OneCycleLR',
          `optimizer ${optimizer.constructor.name} has no momentum or betas to cycle; pass cycleMomentum: false`,
        );
      this.useBeta1 = 'betas' in d;
      const maxM = perGroup('maxMomentum', optimizer, o.maxMomentum ?? 0.95);
      const baseM = perGroup('baseMomentum', optimizer, o.baseMomentum ?? 0.85);
      if (this.lastEpoch === -1)
        optimizer.paramGroups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxM[i]!, ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i]!;
          g.maxMomentum = maxM[i]!;
          g.baseMomentum = baseM[i]!;
        });
    }
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new ValueError(
        'OneCycleLR',
        `tried to step ${stepNum} times; the specified number of total steps is ${this.totalSteps} (step once per batch, and size totalSteps accordingly)`,
      );
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (stepNum <= ph.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (ph.endStep - startStep);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        startStep = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
