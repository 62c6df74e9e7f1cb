import { ShapeError, ValueError, fmtShape } from './errors.js';
import { numel, type Shape } from './shape.js';
import { keepStorage, registerTensor } from './storage-scope.js';
import { formatTensor } from './format.js';

/**
 * What a tensor knows about the operation that produced it. The tape itself (how gradients flow)
 * lives in autograd/; the tensor floor only holds the reference.
 */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
}

export type TensorHook = (grad: Tensor) => Tensor | void | undefined;

export type NestedArray = number | boolean | readonly NestedArray[];

let nextId = 1;

/**
 * The version counter of one storage (PyTorch's `_version`), shared by a tensor and its views.
 * Every in-place op and every `.data` assignment bumps it; the autograd engine records it for each
 * tensor an op saves for backward and refuses to differentiate through a tensor whose storage
 * changed since (the gradient would be computed from the wrong values).
 */
export class VersionCounter {
  v = 0;
}

/**
 * An n-dimensional float32 array, row-major and always contiguous. `data` is the storage; views
 * made by reshape/view/flatten/squeeze/unsqueeze/detach share it, every other op returns new storage.
 *
 * Methods such as `add`, `matmul` and `backward` are installed by the ops and autograd floors;
 * see `ops/methods.ts`.
 */
export class Tensor {
  private _data: Float32Array;
  readonly shape: readonly number[];
  /** Whether operations on this tensor are recorded for differentiation. */
  requiresGrad: boolean;
  /** Accumulated gradient (leaves, and non-leaves after `retainGrad()`). */
  grad: Tensor | null = null;
  /** The operation that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;
  /** Stable identity, handy for maps and diagnostics. */
  readonly id: number = nextId++;
  /** @internal hooks registered with registerHook */
  _hooks: TensorHook[] | null = null;
  /** @internal set by retainGrad() */
  _retainsGrad = false;
  /** @internal the storage's version counter, shared with views (see VersionCounter) */
  _vc: VersionCounter;
  /** Optional name (parameters get theirs from the module tree). */
  name: string | undefined;
  /** @internal set when a storage scope gave this tensor's storage back (storage-scope.ts) */
  _released = false;

  /**
   * `versionOf`: the tensor whose storage `data` is (a view shares its version counter, so an
   * in-place change through either is seen by both).
   */
  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false, versionOf?: Tensor) {
    if (!(data instanceof Float32Array) || !Array.isArray(shape))
      throw new ValueError('Tensor', `new Tensor(data, shape) needs a Float32Array and an array of sizes, got ${typeof data} and ${typeof shape}; use tensor([...]) to build one from values`);
    const n = numel(shape);
    if (data.length !== n)
      throw new ShapeError('Tensor', `storage has ${data.length} elements but shape ${fmtShape(shape)} needs ${n}`);
    this._data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
    this._vc = versionOf?._vc ?? new VersionCounter();
    // inside a storage scope, the scope learns which tensors live on the storage it hands out
    registerTensor(this, data);
  }

  /**
   * Contiguous row-major storage. Writing elements bypasses autograd; assigning a new array counts
   * as an in-place change (bumps the version counter).
   */
  get data(): Float32Array {
    if (this._released) throw releasedError(this.shape);
    return this._data;
  }

  set data(d: Float32Array) {
    if (!(d instanceof Float32Array) || d.length !== this._data.length)
      throw new ShapeError(
        'data',
        `a tensor of shape ${fmtShape(this.shape)} needs a Float32Array of ${this._data.length} elements, got ` +
          `${d instanceof Float32Array ? `one of ${d.length}` : Object.prototype.toString.call(d)}; use reshape() for another shape`,
      );
    this._data = d;
    this._released = false;
    // an array taken in a storage scope now belongs to a tensor that may outlive it
    keepStorage(d);
    this._vc.v++;
  }

  /** @internal storage-scope.ts: `a` went back to the pool; mark this tensor released if it lives on it. */
  _releaseFrom(a: Float32Array): void {
    if (this._data === a) this._released = true;
  }

  /** @internal the version of the storage: bumped by in-place ops (PyTorch: `_version`) */
  get _version(): number {
    return this._vc.v;
  }

  set _version(v: number) {
    this._vc.v = v;
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  /** Number of elements (PyTorch: `numel()`). */
  numel(): number {
    return this.data.length;
  }

  get size(): number {
    return this.data.length;
  }

  get dtype(): 'float32' {
    return 'float32';
  }

  /** A leaf is a tensor not produced by a recorded operation. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1)
      throw new ValueError('item', `only one-element tensors can be converted to a number, got shape ${fmtShape(this.shape)}`);
    return this.data[0]!;
  }

  /** Nested JS arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return toNested(this.data, this.shape);
  }

  /** Plain copy of the values. */
  toFloat32Array(): Float32Array {
    return this.data.slice();
  }

  /**
   * PyTorch's repr: `tensor([[ 0.1234, -1.2000]], requiresGrad=true)`, `gradFn=<MulBackward>` for
   * a result on the tape; 4 decimals, summarized past 1000 elements (see format.ts).
   */
  toString(): string {
    return formatTensor(this);
  }

  /** What console.log and util.inspect show in Node (the same as toString). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function toNested(data: Float32Array, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0]!;
  const rec = (off: number, d: number): NestedArray => {
    const n = shape[d]!;
    if (d === shape.length - 1) return Array.from(data.subarray(off, off + n));
    const step = numel(shape.slice(d + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(rec(off + i * step, d + 1));
    return out;
  };
  return rec(0, 0);
}

function releasedError(shape: readonly number[]): ValueError {
  return new ValueError(
    'Tensor',
    `this tensor of shape ${fmtShape(shape)} was made inside storageScope() and its storage went back to the pool when ` +
      `the scope ended; return it from the scope function or call keepStorage(t) inside the scope to use it afterwards`,
  );
}

export type TensorLike = Tensor | number;

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
