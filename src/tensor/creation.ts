import { takeStorage } from './storage-pool.js';
import { ValueError, fmtShape } from './errors.js';
import { defaultGenerator, type Generator } from './rng.js';
import { checkShape, numel } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkOptions, optionKeys } from './options.js';

export interface CreateOptions {
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}
export interface TensorOptions extends CreateOptions {
  /** Shape for flat input (a typed array or flat number array); inferred from nesting otherwise. */
  shape?: readonly number[];
}

const CREATE_KEYS = optionKeys<CreateOptions>({ requiresGrad: true });
const RANDOM_KEYS = optionKeys<RandomOptions>({ requiresGrad: true, generator: true });
const TENSOR_KEYS = optionKeys<TensorOptions>({ requiresGrad: true, shape: true });

type ShapeArg = readonly number[] | number;

/** The shape of the tensor a `*Like` function copies; a typed error for anything else. */
function likeShape(t: Tensor, op: string): readonly number[] {
  if (!(t instanceof Tensor)) throw new ValueError(op, `expects a Tensor whose shape to copy, got ${t === null ? 'null' : typeof t}`);
  return t.shape;
}

function shapeOf(s: ShapeArg, op: string): number[] {
  return checkShape(typeof s === 'number' ? [s] : s, op);
}

/** Zeroed storage for a checked shape; a typed error (not a RangeError) when memory runs out. */
function floats(shape: readonly number[], op: string): Float32Array {
  const n = numel(shape);
  try {
    // the engine's allocator: counted, and recycled when a storage scope ends (storage-scope.ts)
    return takeStorage(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(
      op,
      `cannot allocate shape ${fmtShape(shape)} (${n} float32 elements, ${(n * 4) / 2 ** 30} GiB): ${e.message}; use smaller tensors`,
    );
  }
}

/** Build a tensor from nested arrays, a flat array with `shape`, a typed array, or a number. */
export function tensor(
  values: NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array | readonly number[] | Tensor,
  opts: TensorOptions = {},
): Tensor {
  opts = checkOptions('tensor', opts, TENSOR_KEYS);
  let data: Float32Array;
  let shape: number[];
  if (values instanceof Tensor) {
    data = values.data.slice();
    shape = [...values.shape];
  } else if (ArrayBuffer.isView(values)) {
    data = Float32Array.from(values as ArrayLike<number>);
    shape = [data.length];
  } else if (typeof values === 'number' || typeof values === 'boolean') {
    data = Float32Array.of(Number(values));
    shape = [];
  } else {
    shape = inferNestedShape(values);
    data = new Float32Array(numel(shape));
    let k = 0;
    const walk = (v: NestedArray, d: number): void => {
      if (d === shape.length) {
        if (typeof v !== 'number' && typeof v !== 'boolean')
          throw new ValueError('tensor', `ragged nested array: expected a number at depth ${d}`);
        data[k++] = Number(v);
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[d])
        throw new ValueError('tensor', `ragged nested array: expected ${shape[d]} elements at depth ${d}`);
      for (const x of v as readonly NestedArray[]) walk(x, d + 1);
    };
    walk(values as NestedArray, 0);
  }
  if (opts.shape) {
    const s = checkShape(opts.shape, 'tensor');
    if (numel(s) !== data.length)
      throw new ValueError('tensor', `shape ${fmtShape(s)} needs ${numel(s)} values but ${data.length} were given`);
    shape = s;
  }
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}

function inferNestedShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = (cur as readonly NestedArray[])[0]!;
  }
  return shape;
}

export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  opts = checkOptions('scalar', opts, CREATE_KEYS);
  if (typeof value !== 'number') throw new ValueError('scalar', `expects a number, got ${value === null ? 'null' : typeof value}`);
  return new Tensor(Float32Array.of(value), [], opts.requiresGrad ?? false);
}

export function full(shape: ShapeArg, value: number, opts: CreateOptions = {}): Tensor {
  opts = checkOptions('full', opts, CREATE_KEYS);
  const s = shapeOf(shape, 'full');
  const d = floats(s, 'full');
  if (value !== 0) d.fill(value);
  return new Tensor(d, s, opts.requiresGrad ?? false);
}
export const zeros = (shape: ShapeArg, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: ShapeArg, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
/** Uninitialised in PyTorch; zero-filled here (typed arrays always are). */
export const empty = zeros;

export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  opts = checkOptions('arange', opts, CREATE_KEYS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n], opts.requiresGrad ?? false);
}

export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  opts = checkOptions('linspace', opts, CREATE_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const d = new Float32Array(steps);
  if (steps === 1) return new Tensor(Float32Array.of(start), [1], opts.requiresGrad ?? false); // PyTorch: [start]
  const h = (end - start) / (steps - 1);
  // PyTorch fills the second half from the end for symmetry.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) d[i] = i < half ? start + i * h : end - (steps - 1 - i) * h;
  return new Tensor(d, [steps], opts.requiresGrad ?? false);
}

export function eye(n: number, m: number = n, opts: CreateOptions = {}): Tensor {
  opts = checkOptions('eye', opts, CREATE_KEYS);
  const s = checkShape([n, m], 'eye');
  const d = new Float32Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return new Tensor(d, s, opts.requiresGrad ?? false);
}

/** U[0, 1). */
export function rand(shape: ShapeArg, opts: RandomOptions = {}): Tensor {
  opts = checkOptions('rand', opts, RANDOM_KEYS);
  const s = shapeOf(shape, 'rand');
  const g = opts.generator ?? defaultGenerator;
  const d = floats(s, 'rand');
  for (let i = 0; i < d.length; i++) d[i] = g.randomFloat32();
  return new Tensor(d, s, opts.requiresGrad ?? false);
}

/** N(0, 1). */
export function randn(shape: ShapeArg, opts: RandomOptions = {}): Tensor {
  opts = checkOptions('randn', opts, RANDOM_KEYS);
  const s = shapeOf(shape, 'randn');
  const g = opts.generator ?? defaultGenerator;
  const d = floats(s, 'randn');
  g.fillNormal(d, 0, 1);
  return new Tensor(d, s, opts.requiresGrad ?? false);
}

/** Integers uniform in [low, high), stored as float32. `randint(high, shape)` or `randint(low, high, shape)`. */
export function randint(low: number, high: number | ShapeArg, shape?: ShapeArg | RandomOptions, opts: RandomOptions = {}): Tensor {
  if (typeof high !== 'number') {
    opts = (shape as RandomOptions | undefined) ?? {};
    shape = high;
    high = low;
    low = 0;
  }
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new ValueError('randint', `need integers low < high, got low=${low}, high=${high}`);
  opts = checkOptions('randint', opts, RANDOM_KEYS);
  const s = shapeOf(shape as ShapeArg, 'randint');
  const g = opts.generator ?? defaultGenerator;
  const d = floats(s, 'randint');
  for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high);
  return new Tensor(d, s, opts.requiresGrad ?? false);
}

export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => zeros(likeShape(t, 'zerosLike'), opts);
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => ones(likeShape(t, 'onesLike'), opts);
export const emptyLike = zerosLike;
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(likeShape(t, 'fullLike'), value, opts);
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(likeShape(t, 'randLike'), opts);
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(likeShape(t, 'randnLike'), opts);
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor =>
  randint(low, high, likeShape(t, 'randintLike'), opts);
