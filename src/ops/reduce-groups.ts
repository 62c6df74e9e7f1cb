/**
 * The shared forward machinery of the statistical reductions: arrange x so that the elements of
 * each output slot (the reduced dims) are contiguous, then fold each run with a float64 function.
 */
import { ValueError } from '../tensor/errors.js';
import { normDims, numel, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { reducedShape, type DimArg } from './reduce.js';
import { checkTensor } from './util.js';
import { gatherStrided } from './view.js';

export interface Groups {
  /** x's values, permuted so each output slot's `n` values are contiguous. */
  data: Float32Array;
  /** Number of output slots. */
  count: number;
  /** Elements per slot. */
  n: number;
  dims: number[];
  /** Output shape with keepdim, and as requested. */
  keepShape: number[];
  outShape: number[];
}

/**
 * Dims to reduce: undefined/null mean all dims; so does an empty list, as in PyTorch's amax,
 * var and norm.
 */
export function reduceDims(x: Tensor, dim: DimArg, op: string): number[] {
  checkTensor(x, op);
  if (Array.isArray(dim) && dim.length === 0) return normDims(undefined, x.ndim, op);
  if (dim !== undefined && dim !== null && typeof dim !== 'number' && !Array.isArray(dim))
    throw new ValueError(op, `dim must be a number or a list of numbers, got ${typeof dim}`);
  return normDims(dim, x.ndim, op);
}

export function groups(x: Tensor, dims: number[], keepdim: boolean): Groups {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  let count = 1;
  for (const d of kept) count *= x.shape[d]!;
  let data = x.data;
  if (perm.some((d, i) => d !== i)) {
    const st = stridesOf(x.shape);
    data = new Float32Array(x.data.length);
    gatherStrided(x.data, data, perm.map((d) => x.shape[d]!), perm.map((d) => st[d]!));
  }
  return {
    data,
    count,
    n,
    dims,
    keepShape: reducedShape(x.shape, dims, true),
    outShape: reducedShape(x.shape, dims, keepdim),
  };
}

/** Fold every slot with `f(data, offset, n)` (computed in float64, stored as float32). */
export function foldGroups(g: Groups, f: (data: Float32Array, off: number, n: number) => number): Tensor {
  const out = new Float32Array(numel(g.outShape));
  for (let o = 0; o < g.count; o++) out[o] = f(g.data, o * g.n, g.n);
  return new Tensor(out, g.outShape);
}

/** Refuse reductions that need at least one element per slot (max, amax, argmax…). */
export function requireNonEmpty(x: Tensor, dims: number[], op: string): void {
  for (const d of dims)
    if (x.shape[d] === 0)
      throw new ValueError(op, `cannot reduce over dim ${d}, which has size 0 (shape [${x.shape.join(',')}]); this reduction has no identity`);
}
