import { ValueError } from '../../tensor/errors.js';
import { Module } from '../module.js';

/**
 * Containers (PyTorch: `nn.Sequential`, `nn.ModuleList`, `nn.ModuleDict`). Their children live in
 * an ordered map rather than as properties, so names such as '10' or 'keys' keep their insertion
 * order and never shadow a method; the module tree (parameters, state dict, hooks) sees them in
 * that order.
 */
abstract class OrderedContainer extends Module {
  /** @internal */ _modules = new Map<string, Module>();

  constructor() {
    super();
    Object.defineProperty(this, '_modules', { enumerable: false });
  }

  protected override _entries(): [string, unknown][] {
    return [...this._modules.entries(), ...super._entries()];
  }

  override registerModule(name: string, m: Module | null): void {
    checkKey(name, this.constructor.name);
    if (m === null) this._modules.delete(name);
    else this._set(name, checkModule(m, this.constructor.name, `'${name}'`));
  }

  /** @internal */
  protected _set(key: string, m: Module): void {
    this._modules.set(key, m);
  }
}

function checkKey(name: string, op: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.'))
    throw new ValueError(op, `invalid module name '${name}': names must be non-empty strings without '.'`);
}

function checkModule(m: unknown, op: string, where: string): Module {
  if (!(m instanceof Module))
    throw new ValueError(op, `${where} must be a Module, got ${m === null ? 'null' : typeof m === 'function' ? 'a function (wrap it in a Module)' : typeof m}`);
  return m;
}

/** Integer-indexed containers: children named '0', '1', …; `at(-1)` counts from the end. */
abstract class IndexedContainer extends OrderedContainer {
  [index: number]: Module;

  get length(): number {
    return this._modules.size;
  }

  /** The i-th child (negative i counts from the end). */
  at(i: number): Module {
    const n = this._modules.size;
    if (!Number.isInteger(i) || i < -n || i >= n)
      throw new ValueError(`${this.constructor.name}.at`, `index ${i} is out of range for a container of length ${n}`);
    return [...this._modules.values()][i < 0 ? i + n : i]!;
  }

  append(m: Module): this {
    this._set(String(this._modules.size), checkModule(m, `${this.constructor.name}.append`, 'the appended value'));
    return this;
  }

  extend(mods: Iterable<Module>): this {
    if (mods === null || typeof mods !== 'object' || typeof (mods as Iterable<Module>)[Symbol.iterator] !== 'function')
      throw new ValueError('ModuleList', `expects an iterable of Modules, got ${mods === null ? 'null' : typeof mods}`);
    for (const m of mods) this.append(m);
    return this;
  }

  /** Insert `m` before position `index` and renumber. */
  insert(index: number, m: Module): this {
    checkModule(m, `${this.constructor.name}.insert`, 'the inserted value');
    const n = this._modules.size;
    if (!Number.isInteger(index) || index < -n || index > n)
      throw new ValueError(`${this.constructor.name}.insert`, `index ${index} is out of range for a container of length ${n}`);
    const list = [...this._modules.values()];
    list.splice(index < 0 ? index + n : index, 0, m);
    this._reindex(list);
    return this;
  }

  /** Remove and return the child at `index` (default last), renumbering the rest. */
  pop(index = -1): Module {
    const m = this.at(index);
    const list = [...this._modules.values()];
    list.splice(index < 0 ? index + list.length : index, 1);
    this._reindex(list);
    return m;
  }

  /** A new container of the same kind holding the children in [start, end). */
  slice(start?: number, end?: number): this {
    const C = this.constructor as new () => this;
    const out = new C();
    for (const m of [...this._modules.values()].slice(start, end)) out.append(m);
    return out;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this._modules.values();
  }

  /** @internal */
  protected override _set(key: string, m: Module): void {
    const fresh = !this._modules.has(key);
    this._modules.set(key, m);
    if (fresh && /^\d+$/.test(key))
      Object.defineProperty(this, key, { get: () => this._modules.get(key), enumerable: false, configurable: true });
  }

  /** @internal */
  protected _reindex(list: Module[]): void {
    for (const k of this._modules.keys()) if (/^\d+$/.test(k)) delete (this as Record<string, unknown>)[k];
    this._modules.clear();
    list.forEach((m, i) => this._set(String(i), m));
  }
}

/**
 * A chain of modules applied in order (PyTorch: `nn.Sequential`). Children are named '0', '1', …
 * (or by the names given to `Sequential.fromEntries`); `seq[0]` and `seq.at(-1)` index them.
 */
export class Sequential extends IndexedContainer {
  static override readonly typeName = 'Sequential';
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this._set(String(i), checkModule(m, 'Sequential', `argument ${i}`)));
  }

  /** A Sequential with named children (PyTorch: `nn.Sequential(OrderedDict(...))`). */
  static fromEntries(entries: Iterable<[string, Module]> | Record<string, Module>): Sequential {
    const s = new Sequential();
    const list = Symbol.iterator in Object(entries) ? [...(entries as Iterable<[string, Module]>)] : Object.entries(entries);
    for (const [k, m] of list) {
      checkKey(k, 'Sequential');
      if (s._modules.has(k)) throw new ValueError('Sequential', `duplicate module name '${k}'`);
      s._set(k, checkModule(m, 'Sequential', `'${k}'`));
    }
    return s;
  }

  forward(input: unknown): any {
    let x = input;
    for (const m of this._modules.values()) x = m.forward(x);
    return x;
  }
}

/** A list of submodules that registers them but has no forward of its own (PyTorch: `nn.ModuleList`). */
export class ModuleList extends IndexedContainer {
  static override readonly typeName = 'ModuleList';
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  forward(): never {
    throw new ValueError('ModuleList', 'a ModuleList has no forward(); iterate over it and call its modules');
  }
}

/** A name → module map that keeps insertion order, numeric-looking keys included (PyTorch: `nn.ModuleDict`). */
export class ModuleDict extends OrderedContainer {
  static override readonly typeName = 'ModuleDict';
  constructor(modules: Iterable<[string, Module]> | Record<string, Module> = {}) {
    super();
    this.update(modules);
  }

  get size(): number {
    return this._modules.size;
  }
  get length(): number {
    return this._modules.size;
  }

  get(key: string): Module | undefined {
    return this._modules.get(key);
  }
  set(key: string, m: Module): this {
    this.registerModule(key, checkModule(m, 'ModuleDict.set', `'${key}'`));
    return this;
  }
  has(key: string): boolean {
    return this._modules.has(key);
  }
  delete(key: string): boolean {
    return this._modules.delete(key);
  }
  /** Remove `key` and return its module. */
  pop(key: string): Module {
    const m = this._modules.get(key);
    if (!m) throw new ValueError('ModuleDict.pop', `no module named '${key}'; keys are [${[...this._modules.keys()].join(', ')}]`);
    this._modules.delete(key);
    return m;
  }
  clear(): void {
    this._modules.clear();
  }
  keys(): IterableIterator<string> {
    return this._modules.keys();
  }
  values(): IterableIterator<Module> {
    return this._modules.values();
  }
  items(): IterableIterator<[string, Module]> {
    return this._modules.entries();
  }
  update(modules: Iterable<[string, Module]> | Record<string, Module>): this {
    const list = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of list) this.set(k, m);
    return this;
  }
  [Symbol.iterator](): Iterator<string> {
    return this._modules.keys();
  }

  forward(): never {
    throw new ValueError('ModuleDict', 'a ModuleDict has no forward(); look modules up with get(key) and call them');
  }
}
