/**
 * Slicing and joining: narrow/slice/select/flip (strided copies), expand/repeat, cat/stack,
 * split/chunk, tril/triu and maskedFill. Every op returns new contiguous storage and is
 * differentiable to any order (a strided copy and its scatter-add backward are each other's rule).
 */
import { takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { normDim, numel, stridesOf } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { record } from '../autograd/node.js';
import { where } from './elementwise.js';
import { checkShapeArg, checkTensor, expandTo } from './util.js';
import { gatherStrided, scatterAddStrided } from '../kernels/strided.js';
import { reshape, unsqueeze } from './view.js';

export { scatterAddStrided };

/** A strided view of x copied into a new tensor of `shape` (differentiable). */
export function stridedCopy(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number, name: string): Tensor {
  checkTensor(x, name ?? 'stridedCopy'), checkShapeArg(shape, 'stridedCopy'), checkShapeArg(strides, 'stridedCopy', 'strides');
  const out = new Tensor(takeStorage(numel(shape)), shape);
  gatherStrided(x.data, out.data, shape, strides, offset);
  return record(out, name, [x], (g) => [stridedAdd(g, x.shape, strides, offset, name)], []);
}

/** zeros(baseShape) with g added at the strided positions (the backward of stridedCopy). */
export function stridedAdd(g: Tensor, baseShape: readonly number[], strides: readonly number[], offset: number, name: string): Tensor {
  checkTensor(g, name ?? 'stridedAdd', 'gradient'), checkShapeArg(baseShape, 'stridedAdd'), checkShapeArg(strides, 'stridedAdd', 'strides');
  const out = zeros(baseShape);
  scatterAddStrided(g.data, out.data, g.shape, strides, offset);
  return record(out, `${name}Backward`, [g], (gg) => [stridedCopy(gg, g.shape, strides, offset, name)], []);
}

function checkInt(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(op, `${what} must be an integer, got ${String(v)}`);
  return v;
}

function needDims(x: Tensor, op: string): void {
  checkTensor(x, op);
  if (x.ndim === 0) throw new ShapeError(op, 'cannot index a 0-d tensor; reshape it to [1] first');
}

/** Python-style slice along `dim`: start/end may be negative or out of range (clamped); step > 0. */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  needDims(x, 'slice');
  const d = normDim(dim, x.ndim, 'slice');
  const n = x.shape[d]!;
  checkInt('slice', 'step', step);
  if (step <= 0) throw new ValueError('slice', `step must be positive, got ${step}; use flip() to reverse`);
  const clampIdx = (v: number | null | undefined, dflt: number, what: string): number => {
    if (v === undefined || v === null) return dflt;
    checkInt('slice', what, v);
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = clampIdx(start, 0, 'start');
  const e = Math.max(clampIdx(end, n, 'end'), s);
  const len = Math.ceil((e - s) / step);
  const st = stridesOf(x.shape);
  const shape = [...x.shape];
  shape[d] = len;
  const strides = [...st];
  strides[d] = st[d]! * step;
  return stridedCopy(x, shape, strides, s * st[d]!, 'slice');
}

/** Elements start..start+length−1 along `dim` (start may be negative), like PyTorch's narrow. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  needDims(x, 'narrow');
  const d = normDim(dim, x.ndim, 'narrow');
  const n = x.shape[d]!;
  checkInt('narrow', 'start', start);
  checkInt('narrow', 'length', length);
  if (start < -n || start > n)
    throw new ValueError('narrow', `start ${start} is out of range for dim ${d} of size ${n} (valid ${-n}..${n})`);
  const s = start < 0 ? start + n : start;
  if (length < 0 || s + length > n)
    throw new ValueError('narrow', `start ${s} + length ${length} exceeds dim ${d} of size ${n}; length must be in 0..${n - s}`);
  return slice(x, d, s, s + length);
}

/** The slice at `index` along `dim`, with that dim removed (index may be negative). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  needDims(x, 'select');
  const d = normDim(dim, x.ndim, 'select');
  const n = x.shape[d]!;
  checkInt('select', 'index', index);
  if (index < -n || index >= n)
    throw new ValueError('select', `index ${index} is out of range for dim ${d} of size ${n} (valid ${-n}..${n - 1})`);
  const i = index < 0 ? index + n : index;
  const st = stridesOf(x.shape);
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = st.filter((_, k) => k !== d);
  return stridedCopy(x, shape, strides, i * st[d]!, 'select');
}

/** Reverse the order of elements along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor(x, 'flip');
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const ds = list.map((d) => normDim(d, x.ndim, 'flip'));
  if (new Set(ds).size !== ds.length) throw new ValueError('flip', `dims ${JSON.stringify(list)} name a dimension twice`);
  const st = stridesOf(x.shape);
  const strides = [...st];
  let offset = 0;
  for (const d of ds) {
    if (x.shape[d] === 0) return stridedCopy(x, x.shape, st, 0, 'flip');
    strides[d] = -st[d]!;
    offset += (x.shape[d]! - 1) * st[d]!;
  }
  return stridedCopy(x, x.shape, strides, offset, 'flip');
}

/**
 * Broadcast x to `sizes` (−1 keeps a dim; new dims may be added in front). Returns a
 * contiguous copy; the gradient sums over the broadcast dims.
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor(x, 'expand');
  if (sizes.length < x.ndim)
    throw new ShapeError('expand', `the number of sizes (${sizes.length}) must be at least the tensor's dims (${x.ndim}); got ${fmtShape(sizes)} for ${fmtShape(x.shape)}`);
  const lead = sizes.length - x.ndim;
  const target = sizes.map((s, i) => {
    checkInt('expand', 'each size', s);
    if (i < lead) {
      if (s < 0) throw new ValueError('expand', `size -1 is not allowed for a new leading dim (position ${i} of ${fmtShape(sizes)})`);
      return s;
    }
    const cur = x.shape[i - lead]!;
    if (s === -1) return cur;
    if (s < 0) throw new ValueError('expand', `invalid size ${s} in ${fmtShape(sizes)}`);
    if (cur !== 1 && cur !== s)
      throw new ShapeError('expand', `cannot expand ${fmtShape(x.shape)} to ${fmtShape(sizes)}: dim ${i} has size ${cur}, which is not 1`);
    return s;
  });
  return expandTo(x, target);
}

/** Expand x to the shape of `other`. */
export const expandAs = (x: Tensor, other: Tensor): Tensor => expand(x, checkTensor(other, 'expandAs', 'other').shape);

/** Tile x: dim i is repeated reps[i] times (reps may add leading dims), like PyTorch's repeat. */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  if (reps.length < x.ndim)
    throw new ShapeError('repeat', `got ${reps.length} repeats for a tensor with ${x.ndim} dims; give at least one per dim`);
  for (const r of reps)
    if (checkInt('repeat', 'each repeat count', r) < 0) throw new ValueError('repeat', `repeat counts must be ≥ 0, got ${fmtShape(reps)}`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  const inter: number[] = [];
  const tiled: number[] = [];
  const final: number[] = [];
  shape.forEach((s, i) => {
    inter.push(1, s);
    tiled.push(reps[i]!, s);
    final.push(reps[i]! * s);
  });
  return reshape(expandTo(reshape(x, inter), tiled), final);
}

/** Concatenate along `dim`; all other sizes must match (1-D empty tensors are skipped, as in PyTorch). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new ValueError('cat', 'expects a non-empty list of tensors');
  tensors.forEach((t, i) => checkTensor(t, 'cat', `tensors[${i}]`));
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return stridedCopy(tensors[0]!, [0], [1], 0, 'cat');
  const ref = parts[0]!;
  if (ref.ndim === 0) throw new ShapeError('cat', 'zero-dimensional tensors cannot be concatenated; use stack()');
  const d = normDim(dim, ref.ndim, 'cat');
  for (const t of parts) {
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => k !== d && s !== ref.shape[k]))
      throw new ShapeError('cat', `sizes must match except in dim ${d}: got ${fmtShape(ref.shape)} and ${fmtShape(t.shape)}`);
  }
  const total = parts.reduce((a, t) => a + t.shape[d]!, 0);
  const shape = [...ref.shape];
  shape[d] = total;
  let outer = 1;
  for (let k = 0; k < d; k++) outer *= shape[k]!;
  let inner = 1;
  for (let k = d + 1; k < shape.length; k++) inner *= shape[k]!;
  const out = new Tensor(takeStorage(numel(shape)), shape);
  const row = total * inner;
  let off = 0;
  const offsets: number[] = [];
  for (const t of parts) {
    offsets.push(off);
    const len = t.shape[d]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(t.data.subarray(o * len, (o + 1) * len), o * row + off * inner);
    off += t.shape[d]!;
  }
  return record(out, 'cat', parts, (g) => parts.map((t, i) => (t.requiresGrad ? narrow(g, d, offsets[i]!, t.shape[d]!) : null)), []);
}

/** Join same-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new ValueError('stack', 'expects a non-empty list of tensors');
  tensors.forEach((t, i) => checkTensor(t, 'stack', `tensors[${i}]`));
  const ref = tensors[0]!;
  for (const [i, t] of tensors.entries())
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => s !== ref.shape[k]))
      throw new ShapeError('stack', `all tensors must have the same shape: tensors[0] is ${fmtShape(ref.shape)}, tensors[${i}] is ${fmtShape(t.shape)}`);
  const d = normDim(dim, ref.ndim + 1, 'stack');
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** Split into pieces of `size` (the last may be smaller) or of the listed sizes. */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  needDims(x, 'split');
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = checkInt('split', 'split size', splitSizeOrSections);
    if (s < 0 || (s === 0 && n !== 0)) throw new ValueError('split', `split size must be positive, got ${s}`);
    sizes = [];
    if (n === 0) sizes.push(0);
    for (let o = 0; o < n; o += s) sizes.push(Math.min(s, n - o));
  } else {
    sizes = [...splitSizeOrSections].map((s) => checkInt('split', 'each section size', s));
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => s < 0) || sum !== n)
      throw new ValueError('split', `section sizes ${fmtShape(sizes)} must be ≥ 0 and sum to the size of dim ${d} (${n}), they sum to ${sum}`);
  }
  const out: Tensor[] = [];
  let off = 0;
  for (const s of sizes) {
    out.push(narrow(x, d, off, s));
    off += s;
  }
  return out;
}

/** Split into `chunks` pieces of ceil(n/chunks) (fewer pieces when they run out), as in PyTorch. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  needDims(x, 'chunk');
  if (checkInt('chunk', 'chunks', chunks) <= 0) throw new ValueError('chunk', `chunks must be positive, got ${chunks}`);
  const d = normDim(dim, x.ndim, 'chunk');
  const n = x.shape[d]!;
  if (n === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(n / chunks), d);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  checkTensor(x, op);
  checkInt(op, 'diagonal', diagonal);
  if (x.ndim < 2) throw new ShapeError(op, `expects a tensor with at least 2 dims, got ${fmtShape(x.shape)}`);
  const r = x.shape[x.ndim - 2]!;
  const c = x.shape[x.ndim - 1]!;
  const keep = new Float32Array(r * c);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) keep[i * c + j] = (op === 'tril' ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  return where(new Tensor(keep, [r, c]), x, 0);
}

/** Lower triangle of the last two dims (j − i ≤ diagonal); the rest is 0. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle('tril', x, diagonal);
/** Upper triangle of the last two dims (j − i ≥ diagonal); the rest is 0. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle('triu', x, diagonal);

/** `value` where mask is 1, x elsewhere (mask and x broadcast). `value` is a number or 0-d tensor. */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkTensor(x, 'maskedFill');
  checkTensor(mask, 'maskedFill', 'mask');
  if (value instanceof Tensor && value.ndim !== 0)
    throw new ValueError('maskedFill', `value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`);
  if (typeof value !== 'number' && !(value instanceof Tensor))
    throw new ValueError('maskedFill', `value must be a number or a 0-d tensor, got ${typeof value}`);
  return where(mask, value, x, 'maskedFill');
}
