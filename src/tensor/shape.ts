import { ShapeError, ValueError, fmtShape } from './errors.js';

export type Shape = readonly number[];

/** @internal a typed error, not a TypeError deep inside, when a shape argument is not an array. */
function shapeArray(s: unknown, op: string): void {
  if (!Array.isArray(s)) throw new ValueError(op, `expected a shape (an array of sizes), got ${s === null ? 'null' : typeof s}`);
}

export function numel(shape: Shape): number {
  shapeArray(shape, 'numel');
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major (C-contiguous) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  shapeArray(shape, 'stridesOf');
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  shapeArray(a, 'shapesEqual'), shapeArray(b, 'shapesEqual');
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; throws a ShapeError naming `op` when they do not fit. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  shapeArray(a, op ?? 'broadcastShapes'), shapeArray(b, op ?? 'broadcastShapes');
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dim ${i - n} is ${da} vs ${db}); ` +
          `make the sizes equal or 1, e.g. with unsqueeze() or reshape()`,
      );
  }
  return out;
}

/** Normalise a possibly negative dim into [0, ndim). */
export function normDim(dim: number, ndim: number, op: string): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi)
    throw new ValueError(op, `dim ${dim} is out of range for a tensor with ${ndim} dims (expected ${lo}..${hi})`);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/**
 * Normalise a dim argument into a sorted unique list. Omitted, null and an empty list mean all
 * dims (PyTorch 1.13: `sum(x, [])` reduces over every dim).
 */
export function normDims(dim: number | readonly number[] | undefined | null, ndim: number, op: string): number[] {
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new ValueError(op, `dim must be a number or a list of numbers, got ${typeof dim}`);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const out = [...new Set(list.map((d) => normDim(d, ndim, op)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new ValueError(op, `dim ${JSON.stringify(dim)} names a dimension twice`);
  return out;
}

/** Most elements of one tensor: a Float32Array holds at most 2^32 − 1 on 64-bit engines. */
export const MAX_NUMEL = 2 ** 32 - 1;

/** How a value that should have been a shape is shown in an error. */
function showShape(shape: unknown): string {
  if (Array.isArray(shape)) return `[${shape.map((d) => (typeof d === 'string' ? JSON.stringify(d) : String(d))).join(',')}]`;
  return typeof shape === 'string' ? JSON.stringify(shape) : shape === null ? 'null' : `a ${typeof shape}`;
}

/**
 * A valid shape (a list of non-negative integers whose product fits one tensor), copied; a typed
 * error that names the value otherwise.
 */
export function checkShape(shape: readonly number[], op: string): number[] {
  if (!Array.isArray(shape))
    throw new ValueError(
      op,
      `invalid shape ${showShape(shape)}: a shape is a number or a list of numbers, e.g. zeros([2, 3]) or zeros(3)`,
    );
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
      throw new ValueError(op, `invalid shape ${showShape(shape)}: sizes must be non-negative integers, e.g. [2, 3]`);
    n *= d;
  }
  if (n > MAX_NUMEL)
    throw new ValueError(
      op,
      `shape ${fmtShape(shape)} has ${n} elements, more than the ${MAX_NUMEL} (2^32 − 1) one tensor can hold; ` +
        `split the work into smaller tensors`,
    );
  return [...shape];
}

/** Resolve a single -1 in a reshape target against a known element count. */
export function inferShape(target: readonly number[], total: number, from: Shape, op: string): number[] {
  shapeArray(target, op ?? 'inferShape'), shapeArray(from, op ?? 'inferShape');
  let neg = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i]!;
    if (d === -1) {
      if (neg >= 0) throw new ValueError(op, `only one dimension can be -1, got ${fmtShape(target)}`);
      neg = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(op, `invalid size ${d} in ${fmtShape(target)}`);
    } else known *= d;
  }
  const out = [...target];
  if (neg >= 0) {
    if (known === 0 || total % known !== 0)
      throw new ShapeError(op, `shape ${fmtShape(target)} is invalid for input of size ${total} (from ${fmtShape(from)})`);
    out[neg] = total / known;
  } else if (known !== total) {
    throw new ShapeError(
      op,
      `shape ${fmtShape(target)} has ${known} elements but the input ${fmtShape(from)} has ${total}; the counts must match`,
    );
  }
  return out;
}
