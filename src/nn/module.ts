import { loadStateDictInto, type LoadStateDictOptions } from './load-state-dict.js';
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { record, type Node } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Parameter } from './parameter.js';
import { enterModule, exitModule } from './module-stack.js';
import { typeNameOf } from './module-type.js';

export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | void;
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown | void;
/**
 * Called during backward with the gradients with respect to the module's tensor inputs
 * (null where an input needs none) and outputs; may return replacements for gradInput.
 */
export type FullBackwardHook = (
  module: Module,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | void;

export interface RemovableHandle {
  remove(): void;
}

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const RESERVED = new Set(['training']);

/**
 * Base class of every layer and model (PyTorch: `nn.Module`).
 *
 * Parameters, buffers and submodules are ordinary properties: assigning a `Parameter` or a
 * `Module` to `this.x` registers it (found by scanning own properties in assignment order).
 * Plain tensors become state only through `registerBuffer`. Define `forward` as a method:
 * calling `m.forward(x)` runs the registered pre-hooks, forward hooks and backward hooks.
 */
export abstract class Module {
  /**
   * Stable class name for records and reprs (`'Linear'`): every library class declares its own,
   * since minifiers rename classes; user classes may leave it out (see module-type.ts).
   */
  static readonly typeName: string = 'Module';
  training = true;
  /** @internal */ _buffers = new Set<string>();
  /** @internal */ _nonPersistent = new Set<string>();
  /** @internal */ _forwardPreHooks: ForwardPreHook[] = [];
  /** @internal */ _forwardHooks: ForwardHook[] = [];
  /** @internal */ _backwardHooks: FullBackwardHook[] = [];

  abstract forward(...inputs: any[]): any;

  constructor() {
    const impl = this.forward;
    Object.defineProperty(this, 'forward', {
      value: (...args: unknown[]) => this._call(impl, args),
      enumerable: false,
      writable: true,
      configurable: true,
    });
    for (const k of ['_buffers', '_nonPersistent', '_forwardPreHooks', '_forwardHooks', '_backwardHooks'])
      Object.defineProperty(this, k, { enumerable: false });
  }

  /** Same as `forward(...)`: PyTorch's `module(x)`. */
  call(...inputs: unknown[]): any {
    return (this.forward as (...a: unknown[]) => unknown)(...inputs);
  }

  private _call(impl: (...a: any[]) => unknown, args: unknown[]): unknown {
    for (const h of this._forwardPreHooks) {
      const r = h(this, args);
      if (r !== undefined) args = r;
    }
    const bw = this._backwardHooks.length > 0;
    const ctx = bw ? new BackwardHookContext(this) : null;
    if (ctx) args = args.map((a, i) => (a instanceof Tensor ? ctx.wrapInput(a, i) : a));
    // the running-module stack lets the doctor attribute every op to the innermost module
    enterModule(this);
    let out: unknown;
    try {
      out = impl.apply(this, args);
    } finally {
      exitModule();
    }
    for (const h of this._forwardHooks) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    if (ctx && out instanceof Tensor) out = ctx.wrapOutput(out);
    return out;
  }

  // ---- registration -------------------------------------------------------------------------

  registerParameter(name: string, p: Parameter | null): void {
    checkName(name, this);
    (this as any)[name] = p;
  }

  registerBuffer(name: string, t: Tensor | null, opts: { persistent?: boolean } = {}): void {
    checkName(name, this);
    this._buffers.add(name);
    if (opts.persistent ?? true) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    (this as any)[name] = t;
  }

  registerModule(name: string, m: Module | null): void {
    checkName(name, this);
    (this as any)[name] = m;
  }
  addModule(name: string, m: Module | null): void {
    this.registerModule(name, m);
  }

  /** Own entries in registration order; containers may override. @internal */
  protected _entries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !k.startsWith('_') && !RESERVED.has(k));
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this._entries()) if (v instanceof Module) yield [k, v];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** Own parameters (not recursing). */
  *_ownParameters(): Generator<[string, Parameter]> {
    for (const [k, v] of this._entries()) if (v instanceof Parameter) yield [k, v];
  }
  /** Own buffers (not recursing), persistent or not. */
  *_ownBuffers(): Generator<[string, Tensor]> {
    for (const k of this._buffers) {
      const v = (this as any)[k];
      if (v instanceof Tensor) yield [k, v];
    }
  }

  /** Pre-order walk: this module first, each module once. */
  *namedModules(prefix = '', memo = new Set<Module>()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, memo);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = (opts.recurse ?? true) ? this.namedModules(opts.prefix ?? '') : [[opts.prefix ?? '', this]];
    for (const [mp, m] of mods)
      for (const [k, p] of m._ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${k}` : k, p];
      }
  }
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters({ recurse })].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [mp, m] of this.namedModules(prefix)) for (const [k, b] of m._ownBuffers()) yield [mp ? `${mp}.${k}` : k, b];
  }
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** Apply `fn` to every submodule (children first) and then to this one; returns this. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad = on;
    return this;
  }

  /** Reset gradients; with `setToNone` (default, as in PyTorch 2) drop them instead of zeroing. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const none = opts.setToNone ?? true;
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (none) p.grad = null;
      else p.grad.data.fill(0);
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  /** Parameters and persistent buffers by dotted name, sharing storage (detached). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [mp, m] of this.namedModules()) {
      const pre = mp ? `${mp}.` : '';
      for (const [k, p] of m._ownParameters()) out[pre + k] = new Tensor(p.data, p.shape, false, p);
      for (const [k, b] of m._ownBuffers()) if (!m._nonPersistent.has(k)) out[pre + k] = new Tensor(b.data, b.shape, false, b);
    }
    return out;
  }

  /** Copy values from `sd` into this module's parameters and buffers, in place. */
  loadStateDict(sd: StateDict, opts: LoadStateDictOptions = {}): LoadResult {
    // validates everything before copying anything: see load-state-dict.ts
    return loadStateDictInto(this.stateDict(), sd, opts);
  }

  // ---- hooks ----------------------------------------------------------------------------------

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return addHook(this._forwardPreHooks, hook);
  }
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return addHook(this._forwardHooks, hook);
  }
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    return addHook(this._backwardHooks, hook);
  }

  // ---- printing -------------------------------------------------------------------------------

  /** Extra text inside the parentheses of this module's line, e.g. `in_features=3, ...`. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const name = typeNameOf(this);
    if (kids.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }

  /** What console.log and util.inspect show in Node: the PyTorch-style structure of toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function addHook<T>(list: T[], hook: T): RemovableHandle {
  list.push(hook);
  return {
    remove(): void {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

function checkName(name: string, m: Module): void {
  if (typeof name !== 'string' || name === '' || name.includes('.'))
    throw new ValueError('Module', `invalid name '${name}': names must be non-empty and contain no '.'`);
  if (name.startsWith('_') || RESERVED.has(name))
    throw new ValueError('Module', `name '${name}' is reserved on ${m.constructor.name}; choose another`);
}

/** Mark t's node as one whose rule may keep its gradient (it hands it to user hooks): never recycled. */
function impure(t: Tensor): Tensor {
  if (t.gradFn !== null) (t.gradFn as Node).pure = false;
  return t;
}

/**
 * Identity nodes around a module's inputs and output so a full backward hook sees the gradients
 * with respect to both, as PyTorch's `register_full_backward_hook` does.
 */
class BackwardHookContext {
  private gradOutput: (Tensor | null)[] = [null];
  private gradInput: (Tensor | null)[] = [];
  private pending = 0;
  constructor(private readonly module: Module) {}

  wrapInput(x: Tensor, i: number): Tensor {
    while (this.gradInput.length <= i) this.gradInput.push(null);
    if (!x.requiresGrad) return x;
    this.pending++;
    const y = new Tensor(x.data, x.shape, false, x);
    return impure(record(y, 'BackwardHookFunction', [x], (g) => {
      this.gradInput[i] = g;
      if (--this.pending === 0) this.fire();
      return [this.gradInput[i]!];
    }, []));
  }

  wrapOutput(y: Tensor): Tensor {
    if (!y.requiresGrad) return y;
    const z = new Tensor(y.data, y.shape, false, y);
    return impure(record(z, 'BackwardHookFunction', [y], (g) => {
      this.gradOutput = [g];
      if (this.pending === 0) this.fire();
      return [g];
    }, []));
  }

  private fire(): void {
    for (const h of this.module._backwardHooks) {
      const r = h(this.module, this.gradInput, this.gradOutput);
      if (r !== undefined) this.gradInput = [...r];
    }
  }
}
