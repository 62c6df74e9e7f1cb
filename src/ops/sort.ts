import { ValueError } from '../tensor/errors.js';
import { normDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { optionKeys, positionalOptions } from '../tensor/options.js';
import { gather } from './indexing-gather.js';
import { checkTensor } from './util.js';

/**
 * Sorting along a dim (PyTorch: `torch.sort`, `torch.argsort`, `torch.topk`). The indices are
 * computed without the tape; the values are `gather(x, dim, indices)`, so the gradient flows back
 * to the position each value came from (and is differentiable again, through gather's rule).
 * Indices are float32 tensors holding whole numbers, like every index in gradlab.
 */
export interface SortOptions {
  /** Largest first; default false. */
  descending?: boolean;
  /**
   * Keep equal elements in their original order. Accepted for PyTorch compatibility: the sort
   * is always stable here, so ties come out in index order whatever this says.
   */
  stable?: boolean;
}

export interface TopkOptions {
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Return them in sorted order (default true); otherwise in index order. */
  sorted?: boolean;
}

export interface SortResult {
  values: Tensor;
  indices: Tensor;
}

const SORT_KEYS = optionKeys<SortOptions>({ descending: true, stable: true });
const TOPK_KEYS = optionKeys<TopkOptions>({ largest: true, sorted: true });

/**
 * NaN sorts above +∞, as in PyTorch: last when ascending, first when descending. Ties keep their
 * index order either way (a stable sort).
 */
function compareAsc(a: number, b: number): number {
  const na = a !== a;
  const nb = b !== b;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Run `f(lane, offsets)` on every 1-D lane of x along `d` (offsets as a function of position). */
function lanes(x: Tensor, d: number, f: (base: number, stride: number, n: number) => void): void {
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  let inner = 1;
  for (let i = d + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  const outer = n === 0 ? 0 : x.data.length / (n * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) f(o * n * inner + i, inner, n);
}

/** Index order of every lane, sorted by `cmp`, kept at most `k` long; an index tensor shaped like x with dim d of size k. */
function order(x: Tensor, d: number, k: number, cmp: (a: number, b: number) => number, thenByIndex: boolean): Tensor {
  const shape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? k : s));
  const out = new Float32Array(x.ndim === 0 ? 1 : (x.data.length / Math.max(1, x.shape[d]!)) * k);
  const xd = x.data;
  let inner = 1;
  for (let i = d + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  const idx: number[] = [];
  lanes(x, d, (base, stride, n) => {
    idx.length = n;
    for (let j = 0; j < n; j++) idx[j] = j;
    idx.sort((a, b) => cmp(xd[base + a * stride]!, xd[base + b * stride]!) || (thenByIndex ? a - b : 0));
    const o = Math.floor(base / (n * inner)) * k * inner + (base % inner);
    for (let j = 0; j < k; j++) out[o + j * inner] = idx[j]!;
  });
  return new Tensor(out, shape);
}

function checkDim(op: string, x: Tensor, dim: unknown): number {
  if (typeof dim !== 'number') throw new ValueError(op, `dim must be an integer, got ${typeof dim}`);
  return x.ndim === 0 ? normDim(dim, 0, op) : normDim(dim, x.ndim, op);
}

function checkFlag(op: string, name: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') throw new ValueError(op, `${name} must be true or false, got ${String(v)}`);
  return v;
}

/**
 * Sort along `dim` (default −1): `{ values, indices }` (PyTorch: `torch.sort`).
 * `sort(x, dim, { descending })`, or positionally as in PyTorch: `sort(x, 0, true)`.
 */
export function sort(x: Tensor, dim?: number, opts?: SortOptions): SortResult;
export function sort(x: Tensor, dim?: number, descending?: boolean, stable?: boolean): SortResult;
export function sort(x: Tensor, dim: number = -1, ...rest: unknown[]): SortResult {
  const op = 'sort';
  const o = positionalOptions<SortOptions>(op, rest, ['descending', 'stable'], SORT_KEYS);
  checkTensor(x, op);
  const d = checkDim(op, x, dim);
  const desc = checkFlag(op, 'descending', o.descending) ?? false;
  checkFlag(op, 'stable', o.stable);
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const indices = order(x, d, n, desc ? (a, b) => compareAsc(b, a) : compareAsc, true);
  return { values: x.ndim === 0 ? gatherScalar(x) : gather(x, d, indices), indices };
}

/** The indices that sort `x` along `dim` (PyTorch: `torch.argsort`); `{ descending, stable }` or positional. */
export function argsort(x: Tensor, dim?: number, opts?: SortOptions): Tensor;
export function argsort(x: Tensor, dim?: number, descending?: boolean, stable?: boolean): Tensor;
export function argsort(x: Tensor, dim: number = -1, ...rest: unknown[]): Tensor {
  const o = positionalOptions<SortOptions>('argsort', rest, ['descending', 'stable'], SORT_KEYS);
  checkTensor(x, 'argsort');
  const d = checkDim('argsort', x, dim);
  const desc = checkFlag('argsort', 'descending', o.descending) ?? false;
  checkFlag('argsort', 'stable', o.stable);
  return order(x, d, x.ndim === 0 ? 1 : x.shape[d]!, desc ? (a, b) => compareAsc(b, a) : compareAsc, true);
}

/**
 * The `k` largest (or smallest) elements along `dim` (default −1) and their indices (PyTorch:
 * `torch.topk`). `topk(x, k, dim, { largest, sorted })`, or positionally as in PyTorch:
 * `topk(x, 3, 0, false)` for the three smallest. Ties are taken in index order.
 */
export function topk(x: Tensor, k: number, dim?: number, opts?: TopkOptions): SortResult;
export function topk(x: Tensor, k: number, dim?: number, largest?: boolean, sorted?: boolean): SortResult;
export function topk(x: Tensor, k: number, dim: number = -1, ...rest: unknown[]): SortResult {
  const op = 'topk';
  const o = positionalOptions<TopkOptions>(op, rest, ['largest', 'sorted'], TOPK_KEYS);
  checkTensor(x, op);
  const d = checkDim(op, x, dim);
  const largest = checkFlag(op, 'largest', o.largest) ?? true;
  const sorted = checkFlag(op, 'sorted', o.sorted) ?? true;
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n)
    throw new ValueError(op, `k must be an integer in [0, ${n}] (the size of dim ${d}), got ${String(k)}`);
  let indices = order(x, d, k, largest ? (a, b) => compareAsc(b, a) : compareAsc, true);
  // sorted: false keeps the chosen elements in their index order
  if (!sorted) indices = reorderByIndex(indices, d);
  return { values: x.ndim === 0 ? gatherScalar(x) : gather(x, d, indices), indices };
}

/** indices with every lane along d sorted ascending by value (i.e. by original index). */
function reorderByIndex(indices: Tensor, d: number): Tensor {
  const out = new Float32Array(indices.data);
  if (indices.ndim === 0) return indices;
  let inner = 1;
  for (let i = d + 1; i < indices.ndim; i++) inner *= indices.shape[i]!;
  const n = indices.shape[d]!;
  const lane: number[] = [];
  lanes(indices, d, (base, stride) => {
    lane.length = n;
    for (let j = 0; j < n; j++) lane[j] = out[base + j * stride]!;
    lane.sort((a, b) => a - b);
    for (let j = 0; j < n; j++) out[base + j * stride] = lane[j]!;
  });
  return new Tensor(out, indices.shape);
}

/** A 0-d tensor sorts to itself; the identity keeps it on the tape. */
function gatherScalar(x: Tensor): Tensor {
  return gather(x.reshape([1]), 0, new Tensor(Float32Array.of(0), [1])).reshape([]);
}
