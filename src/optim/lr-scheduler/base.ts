import { ValueError } from '../../tensor/errors.js';
import { Optimizer, type ParamGroup } from '../optimizer.js';

export interface SchedulerOptions {
  /** Index of the last epoch when resuming; default −1 (a fresh start). */
  lastEpoch?: number;
}

/** A scheduler's state: its plain-data fields (numbers, arrays, strings, booleans). */
export type SchedulerStateDict = Record<string, unknown>;

function copyPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyPlain);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = copyPlain(x);
    return o;
  }
  return v;
}

/**
 * Base class of the learning-rate schedulers (PyTorch: `torch.optim.lr_scheduler.LRScheduler`).
 *
 * A scheduler remembers each group's starting rate as `group.initialLr` (PyTorch:
 * `initial_lr`), and on every `step()` advances `lastEpoch` and writes the new rate into each
 * group's `lr`. Construction performs the first step (lastEpoch −1 → 0), as in PyTorch; call
 * `scheduler.step()` after `optimizer.step()`. Most schedulers use PyTorch's recursive (chainable)
 * formulas, so trajectories match PyTorch's step for step.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<any>;
  /** Each group's initialLr when the schedule started. */
  baseLrs: number[];
  /** Number of `step()` calls so far minus one (−1 before the construction step). */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<any>, opts: SchedulerOptions = {}) {
    const name = new.target.name;
    if (!(optimizer instanceof Optimizer))
      throw new ValueError(name, `expected an Optimizer (e.g. new optim.SGD(params)), got ${optimizer === null ? 'null' : typeof optimizer}`);
    this.optimizer = optimizer;
    const lastEpoch = opts.lastEpoch ?? -1;
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1)
      throw new ValueError(name, `lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (typeof g.initialLr !== 'number')
        throw new ValueError(
          name,
          `param 'initialLr' is not specified in paramGroups[${i}] when resuming (lastEpoch ${lastEpoch}); ` +
            'resume from an optimizer that a scheduler has driven, or start with lastEpoch -1',
        );
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The rates for the current `lastEpoch` (called by `step()`). */
  protected abstract getLr(): number[];

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected get groups(): ParamGroup<{ lr: number }>[] {
    return this.optimizer.paramGroups;
  }

  /** Advance one epoch (or one batch, for per-batch schedules) and update the groups' `lr`. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    this.groups.forEach((g, i) => (g.lr = values[i]!));
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The rates set by the last `step()`, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Plain-data state (everything except the optimizer and functions). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && typeof v !== 'function') out[k] = copyPlain(v);
    return out;
  }

  loadStateDict(sd: SchedulerStateDict): void {
    if (sd === null || typeof sd !== 'object')
      throw new ValueError(this.constructor.name, 'loadStateDict: expected an object returned by stateDict()');
    for (const k of Object.keys(sd))
      if (!(k in this)) throw new ValueError(this.constructor.name, `loadStateDict: unexpected key '${k}'; pass what stateDict() returned`);
    for (const [k, v] of Object.entries(sd)) {
      if (k === 'optimizer' || typeof (this as any)[k] === 'function') continue;
      (this as any)[k] = copyPlain(v);
    }
  }
}

/** @internal */
export function checkNumber(op: string, name: string, v: unknown, cond: (x: number) => boolean, expect: string): void {
  if (typeof v !== 'number' || Number.isNaN(v) || !cond(v)) throw new ValueError(op, `${name} must be ${expect}, got ${String(v)}`);
}
