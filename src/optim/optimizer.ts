import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { checkOptimizerStateDict } from './state-check.js';
import { checkOptions } from '../tensor/options.js';

/** A parameter group as passed in: its tensors plus any hyper-parameters overriding the defaults. */
export type ParamGroupInput<H = Record<string, unknown>> = Partial<H> & {
  params: Tensor | Iterable<Tensor>;
  [key: string]: unknown;
};

/** A parameter group as held by an optimizer: every hyper-parameter filled from the defaults. */
export type ParamGroup<H = Record<string, unknown>> = H & { params: Tensor[]; [key: string]: unknown };

/** What optimizers accept: tensors, or parameter groups (`[{ params: a, lr: 0.1 }, { params: b }]`). */
export type Params<H = Record<string, unknown>> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/** Per-parameter state values (buffers, step counts, flags). */
export type StateValue = Tensor | number | boolean | null | readonly number[];
export type ParamState = Record<string, StateValue>;

/**
 * An optimizer's state in PyTorch's layout: per-parameter state keyed by the parameter's index
 * (counting through the groups in order), and the groups' hyper-parameters with `params` as
 * those indices. Tensors in it are copies.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

export type StepHook = (optimizer: Optimizer<any>) => void;

/** The hyper-parameters every optimizer has. */
export interface BaseHyper {
  lr: number;
}

const SCHEDULER_GROUP_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];

function copyValue(v: unknown): any {
  if (v instanceof Tensor) return new Tensor(v.data.slice(), v.shape);
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = copyValue(x);
    return o;
  }
  return v;
}

/**
 * Base class of the optimizers (PyTorch: `torch.optim.Optimizer`). Subclasses give defaults,
 * check hyper-parameters in `validate` and update one group's parameters in `updateGroup`,
 * writing straight into the parameters' storage (no tape, as under `torch.no_grad()`).
 * Parameters whose `grad` is null are skipped.
 */
export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  readonly defaults: H;
  paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created on a parameter's first update. */
  state = new Map<Tensor, ParamState>();
  private preHooks: StepHook[] = [];
  private postHooks: StepHook[] = [];
  private name: string;

  constructor(params: Params<H>, defaults: H) {
    if (new.target === Optimizer) throw new ValueError('Optimizer', 'is the base class of the optimizers; use optim.SGD, optim.Adam, … or extend it');
    this.name = new.target.name;
    this.defaults = defaults;
    this.validate(defaults, 'defaults');
    if (params instanceof Tensor)
      throw new ValueError(
        this.name,
        'params should be an iterable of Tensors or of parameter groups, got a single Tensor; wrap it in an array: [t]',
      );
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function')
      throw new ValueError(this.name, `params should be an iterable of Tensors or of parameter groups, got ${String(params)}`);
    const list = [...(params as Iterable<Tensor | ParamGroupInput<H>>)];
    if (list.length === 0)
      throw new ValueError(this.name, 'optimizer got an empty parameter list; pass model.parameters() (is the model empty?)');
    const first = list[0];
    const isGroup = first !== null && typeof first === 'object' && !(first instanceof Tensor);
    const groups = !isGroup ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<H>] : (list as ParamGroupInput<H>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Check hyper-parameters; throw a ValueError naming the bad one. */
  protected abstract validate(hyper: H, where: string): void;

  /** Update the parameters of one group from their gradients. */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** Add a group of parameters, e.g. when unfreezing layers during fine-tuning. */
  addParamGroup(group: ParamGroupInput<H>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group))
      throw new ValueError(this.name, 'a parameter group must be an object with a params field: { params: [...], lr?: … }');
    // Keys a scheduler writes into its groups are valid too (OneCycleLR: maxLr, minLr, …).
    checkOptions(`${this.name} parameter group`, group, ['params', ...Object.keys(this.defaults), ...SCHEDULER_GROUP_KEYS]);
    const raw = group.params;
    if (raw instanceof Set)
      throw new ValueError(this.name, 'optimizer parameters need to be organized in ordered collections, but the ordering of a Set is not stable; use an array');
    const params = raw instanceof Tensor ? [raw] : [...(raw as Iterable<Tensor>)];
    const index = this.paramGroups.length;
    params.forEach((p, i) => {
      if (!(p instanceof Tensor))
        throw new ValueError(this.name, `paramGroups[${index}].params[${i}] is not a Tensor (got ${p === null ? 'null' : typeof p})`);
      if (!p.isLeaf)
        throw new ValueError(this.name, `can't optimize a non-leaf Tensor (paramGroups[${index}].params[${i}], produced by ${p.gradFn!.name}); optimize the leaf it was computed from`);
    });
    if (new Set(params).size !== params.length)
      throw new ValueError(this.name, `parameter group ${index} contains the same parameter more than once; it would be updated twice per step`);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p)))
      throw new ValueError(this.name, 'some parameters appear in more than one parameter group');
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) full[k] = copyValue(v);
    for (const [k, v] of Object.entries(group)) if (k !== 'params' && v !== undefined) full[k] = copyValue(v);
    full.params = params;
    this.validate(full as unknown as H, `paramGroups[${index}]`);
    this.paramGroups.push(full as ParamGroup<H>);
  }

  /**
   * Reset the gradients of all optimized parameters. With `setToNone` (the default, as in
   * current PyTorch) `grad` becomes null; otherwise it is zeroed in place (and cut from any graph).
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    opts = checkOptions(`${this.name}.zeroGrad`, opts, ['setToNone']);
    const setToNone = opts.setToNone ?? true;
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else {
          if (p.grad.gradFn !== null) p.grad = new Tensor(p.grad.data, p.grad.shape);
          p.grad.requiresGrad = false;
          p.grad.data.fill(0);
          p.grad._version++;
        }
      }
  }

  /**
   * One optimization step. `closure`, if given, re-evaluates the model and returns the loss (it
   * runs with gradient recording on); its result is returned.
   */
  step<L = unknown>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure) loss = enableGrad(closure);
    for (const h of this.preHooks) h(this);
    for (const g of this.paramGroups) this.updateGroup(g);
    for (const h of this.postHooks) h(this);
    return loss;
  }

  /** Call `hook(optimizer)` before every step; `remove()` the handle to stop. */
  registerStepPreHook(hook: StepHook): { remove(): void } {
    return addHook(this.preHooks, hook);
  }

  /** Call `hook(optimizer)` after every step. */
  registerStepPostHook(hook: StepHook): { remove(): void } {
    return addHook(this.postHooks, hook);
  }

  /** @internal the gradient storage of `p` (null when it has none), checked against its size. */
  protected gradOf(p: Tensor): Float32Array | null {
    const g = p.grad;
    if (!g) return null;
    if (g.data.length !== p.data.length)
      throw new ShapeError(this.name, `gradient of shape ${fmtShape(g.shape)} does not match its parameter of shape ${fmtShape(p.shape)}`);
    return g.data;
  }

  /** The state in PyTorch's layout, with tensors copied (see `OptimizerStateDict`). */
  stateDict(): OptimizerStateDict {
    const ids = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = copyValue(v);
      packed.params = g.params.map((p) => {
        if (!ids.has(p)) ids.set(p, next++);
        return ids.get(p)!;
      });
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id !== undefined) state[id] = copyValue(s);
    }
    return { state, paramGroups };
  }

  /**
   * Restore state saved by `stateDict()` of an optimizer over parameters of the same layout.
   * The groups keep their own parameters and take the saved hyper-parameters; state is copied.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    // every problem of sd in one error before anything is taken (see state-check.ts)
    checkOptimizerStateDict(this.name, sd, this.paramGroups.map((g) => g.params));
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null)
      throw new ValueError(this.name, 'loadStateDict: expected { state, paramGroups } as returned by stateDict()');
    const saved = sd.paramGroups;
    if (saved.length !== this.paramGroups.length)
      throw new ValueError(
        this.name,
        `loaded state dict has a different number of parameter groups (${saved.length}) than the optimizer (${this.paramGroups.length})`,
      );
    saved.forEach((sg, i) => {
      if (!Array.isArray(sg.params) || sg.params.length !== this.paramGroups[i]!.params.length)
        throw new ValueError(
          this.name,
          `loaded state dict contains a parameter group (${i}) that doesn't match the size of optimizer's group ` +
            `(${Array.isArray(sg.params) ? sg.params.length : '?'} vs ${this.paramGroups[i]!.params.length} parameters)`,
        );
    });
    const idMap = new Map<number, Tensor>();
    saved.forEach((sg, i) => sg.params.forEach((id, j) => idMap.set(id, this.paramGroups[i]!.params[j]!)));
    const state = new Map<Tensor, ParamState>();
    for (const [key, value] of Object.entries(sd.state)) {
      const p = idMap.get(Number(key));
      if (!p) throw new ValueError(this.name, `loadStateDict: state refers to parameter ${key}, which no group lists`);
      for (const [k, v] of Object.entries(value))
        if (v instanceof Tensor && v.data.length !== p.data.length)
          throw new ShapeError(
            this.name,
            `loadStateDict: state '${k}' of parameter ${key} has shape ${fmtShape(v.shape)} but the parameter has shape ${fmtShape(p.shape)}`,
          );
      state.set(p, copyValue(value));
    }
    const groups = saved.map((sg, i) => {
      const g: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sg)) if (k !== 'params') g[k] = copyValue(v);
      g.params = this.paramGroups[i]!.params;
      this.validate(g as unknown as H, `loaded paramGroups[${i}]`);
      return g as ParamGroup<H>;
    });
    this.state = state;
    this.paramGroups = groups;
  }
}

function addHook(list: StepHook[], hook: StepHook): { remove(): void } {
  list.push(hook);
  return {
    remove(): void {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** @internal shared hyper-parameter checks, in PyTorch's words. */
export function checkNonNegative(op: string, where: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0))
    throw new ValueError(op, `invalid ${name} value ${String(v)} in ${where}; it must be a number >= 0`);
}

export function checkBool(op: string, where: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ValueError(op, `${name} must be true or false in ${where}, got ${String(v)}`);
}

/** @internal the state buffer `key` of `st`, created as zeros (or `fill`) when missing. */
export function buffer(st: ParamState, key: string, p: Tensor, fill = 0): Float32Array {
  let b = st[key];
  if (!(b instanceof Tensor)) {
    const d = new Float32Array(p.data.length);
    if (fill !== 0) d.fill(fill);
    b = new Tensor(d, p.shape);
    st[key] = b;
  }
  return b.data;
}

/** @internal the state object of `p`, created empty when missing. */
export function stateOf(state: Map<Tensor, ParamState>, p: Tensor): ParamState {
  let st = state.get(p);
  if (!st) {
    st = {};
    state.set(p, st);
  }
  return st;
}
