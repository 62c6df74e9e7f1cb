/**
 * Tensor methods of the math and indexing ops: elementwise math, comparisons, statistical
 * reductions, slicing/joining and index ops.
 */
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import {
  abs, ceil, clamp, clip, cos, expm1, floor, lerp, log10, log1p, log2, maximum, minimum, pow, reciprocal, round,
  rsqrt, sign, sin, sqrt, square, trunc, where, type ClampOptions, type RoundOptions,
} from '../elementwise.js';
import {
  all, allclose, any, eq, equal, ge, gt, isclose, isfinite, isinf, isnan, le, logicalAnd, logicalNot, logicalOr,
  logicalXor, lt, ne, type CloseOptions,
} from '../compare.js';
import { amax, amin, argmax, argmin, max, min, type ValuesIndices } from '../reduce-extreme.js';
import { cumsum, logsumexp, norm, prod, std, stdMean, var_, varMean, type NormOrd, type VarOptions } from '../reduce-stats.js';
import type { DimArg, ReduceOptions } from '../reduce.js';
import {
  chunk, expand, expandAs, flip, maskedFill, narrow, repeat, select, slice, split, tril, triu,
} from '../indexing.js';
import { gather, indexAdd, indexSelect, scatter, scatterAdd, type IndexAddOptions } from '../indexing-gather.js';
import { install } from './install.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    pow(exponent: TensorLike): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    clamp(opts: ClampOptions): Tensor;
    clip(opts: ClampOptions): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    /** PyTorch's `x.where(condition, y)`: x where condition is 1, y elsewhere. */
    where(condition: Tensor, other: TensorLike): Tensor;
    reciprocal(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(opts?: RoundOptions): Tensor;
    trunc(): Tensor;
    lerp(end: TensorLike, weight: TensorLike): Tensor;

    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    logicalNot(): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    isclose(other: TensorLike, opts?: CloseOptions): Tensor;
    allclose(other: TensorLike, opts?: CloseOptions): boolean;
    equal(other: Tensor): boolean;
    any(dim?: DimArg, opts?: ReduceOptions): Tensor;
    all(dim?: DimArg, opts?: ReduceOptions): Tensor;

    var(dim?: DimArg | VarOptions, opts?: VarOptions): Tensor;
    std(dim?: DimArg | VarOptions, opts?: VarOptions): Tensor;
    varMean(dim?: DimArg | VarOptions, opts?: VarOptions): [Tensor, Tensor];
    stdMean(dim?: DimArg | VarOptions, opts?: VarOptions): [Tensor, Tensor];
    max(): Tensor;
    max(dim: number, opts?: ReduceOptions): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, opts?: ReduceOptions): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: DimArg, opts?: ReduceOptions): Tensor;
    amin(dim?: DimArg, opts?: ReduceOptions): Tensor;
    argmax(dim?: number | null, opts?: ReduceOptions): Tensor;
    argmin(dim?: number | null, opts?: ReduceOptions): Tensor;
    norm(p?: NormOrd, dim?: DimArg, opts?: ReduceOptions): Tensor;
    logsumexp(dim?: DimArg, opts?: ReduceOptions): Tensor;
    prod(dim?: DimArg, opts?: ReduceOptions): Tensor;
    cumsum(dim: number): Tensor;

    narrow(dim: number, start: number, length: number): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    select(dim: number, index: number): Tensor;
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: TensorLike): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: IndexAddOptions): Tensor;
    /** Broadcast to `sizes` (−1 keeps a dim): `x.expand(3, -1)` or `x.expand([3, -1])`. */
    expand(...sizes: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    repeat(...reps: number[] | [readonly number[]]): Tensor;
    flip(...dims: number[] | [readonly number[]]): Tensor;
    maskedFill(mask: Tensor, value: TensorLike): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
  }
}

const listArgs = (args: unknown[]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);

type Self = Tensor;

install({
  pow(this: Self, e: TensorLike) { return pow(this, e); },
  sqrt(this: Self) { return sqrt(this); },
  rsqrt(this: Self) { return rsqrt(this); },
  square(this: Self) { return square(this); },
  abs(this: Self) { return abs(this); },
  sign(this: Self) { return sign(this); },
  clamp(this: Self, o: ClampOptions) { return clamp(this, o); },
  clip(this: Self, o: ClampOptions) { return clip(this, o); },
  maximum(this: Self, o: TensorLike) { return maximum(this, o); },
  minimum(this: Self, o: TensorLike) { return minimum(this, o); },
  where(this: Self, c: Tensor, o: TensorLike) { return where(c, this, o); },
  reciprocal(this: Self) { return reciprocal(this); },
  log1p(this: Self) { return log1p(this); },
  expm1(this: Self) { return expm1(this); },
  log2(this: Self) { return log2(this); },
  log10(this: Self) { return log10(this); },
  sin(this: Self) { return sin(this); },
  cos(this: Self) { return cos(this); },
  floor(this: Self) { return floor(this); },
  ceil(this: Self) { return ceil(this); },
  round(this: Self, o?: RoundOptions) { return round(this, o); },
  trunc(this: Self) { return trunc(this); },
  lerp(this: Self, e: TensorLike, w: TensorLike) { return lerp(this, e, w); },

  eq(this: Self, o: TensorLike) { return eq(this, o); },
  ne(this: Self, o: TensorLike) { return ne(this, o); },
  lt(this: Self, o: TensorLike) { return lt(this, o); },
  le(this: Self, o: TensorLike) { return le(this, o); },
  gt(this: Self, o: TensorLike) { return gt(this, o); },
  ge(this: Self, o: TensorLike) { return ge(this, o); },
  isnan(this: Self) { return isnan(this); },
  isinf(this: Self) { return isinf(this); },
  isfinite(this: Self) { return isfinite(this); },
  logicalNot(this: Self) { return logicalNot(this); },
  logicalAnd(this: Self, o: TensorLike) { return logicalAnd(this, o); },
  logicalOr(this: Self, o: TensorLike) { return logicalOr(this, o); },
  logicalXor(this: Self, o: TensorLike) { return logicalXor(this, o); },
  isclose(this: Self, o: TensorLike, opts?: CloseOptions) { return isclose(this, o, opts); },
  allclose(this: Self, o: TensorLike, opts?: CloseOptions) { return allclose(this, o, opts); },
  equal(this: Self, o: Tensor) { return equal(this, o); },
  any(this: Self, d?: DimArg, o?: ReduceOptions) { return any(this, d, o); },
  all(this: Self, d?: DimArg, o?: ReduceOptions) { return all(this, d, o); },

  var(this: Self, d?: DimArg | VarOptions, o?: VarOptions) { return var_(this, d, o); },
  std(this: Self, d?: DimArg | VarOptions, o?: VarOptions) { return std(this, d, o); },
  varMean(this: Self, d?: DimArg | VarOptions, o?: VarOptions) { return varMean(this, d, o); },
  stdMean(this: Self, d?: DimArg | VarOptions, o?: VarOptions) { return stdMean(this, d, o); },
  max(this: Self, a?: number | Tensor, o?: ReduceOptions) { return max(this, a as number, o); },
  min(this: Self, a?: number | Tensor, o?: ReduceOptions) { return min(this, a as number, o); },
  amax(this: Self, d?: DimArg, o?: ReduceOptions) { return amax(this, d, o); },
  amin(this: Self, d?: DimArg, o?: ReduceOptions) { return amin(this, d, o); },
  argmax(this: Self, d?: number | null, o?: ReduceOptions) { return argmax(this, d, o); },
  argmin(this: Self, d?: number | null, o?: ReduceOptions) { return argmin(this, d, o); },
  norm(this: Self, p?: NormOrd, d?: DimArg, o?: ReduceOptions) { return norm(this, p, d, o); },
  logsumexp(this: Self, d?: DimArg, o?: ReduceOptions) { return logsumexp(this, d, o); },
  prod(this: Self, d?: DimArg, o?: ReduceOptions) { return prod(this, d, o); },
  cumsum(this: Self, d: number) { return cumsum(this, d); },

  narrow(this: Self, d: number, s: number, l: number) { return narrow(this, d, s, l); },
  slice(this: Self, d: number, s?: number | null, e?: number | null, st?: number) { return slice(this, d, s, e, st); },
  select(this: Self, d: number, i: number) { return select(this, d, i); },
  split(this: Self, s: number | readonly number[], d?: number) { return split(this, s, d); },
  chunk(this: Self, c: number, d?: number) { return chunk(this, c, d); },
  gather(this: Self, d: number, i: Tensor) { return gather(this, d, i); },
  scatter(this: Self, d: number, i: Tensor, s: TensorLike) { return scatter(this, d, i, s); },
  scatterAdd(this: Self, d: number, i: Tensor, s: Tensor) { return scatterAdd(this, d, i, s); },
  indexSelect(this: Self, d: number, i: Tensor) { return indexSelect(this, d, i); },
  indexAdd(this: Self, d: number, i: Tensor, s: Tensor, o?: IndexAddOptions) { return indexAdd(this, d, i, s, o); },
  expand(this: Self, ...s: unknown[]) { return expand(this, listArgs(s)); },
  expandAs(this: Self, o: Tensor) { return expandAs(this, o); },
  repeat(this: Self, ...r: unknown[]) { return repeat(this, listArgs(r)); },
  flip(this: Self, ...d: unknown[]) { return flip(this, listArgs(d)); },
  maskedFill(this: Self, m: Tensor, v: TensorLike) { return maskedFill(this, m, v); },
  tril(this: Self, k?: number) { return tril(this, k); },
  triu(this: Self, k?: number) { return triu(this, k); },
});
