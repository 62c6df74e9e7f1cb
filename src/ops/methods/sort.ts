/** Tensor methods of sorting and dtype casts: sort, argsort, topk, float, long. */
import type { Tensor } from '../../tensor/tensor.js';
import { argsort, sort, topk, type SortOptions, type SortResult, type TopkOptions } from '../sort.js';
import { float, long } from '../dtype.js';
import { install } from './install.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    sort(dim?: number, opts?: SortOptions): SortResult;
    sort(dim?: number, descending?: boolean, stable?: boolean): SortResult;
    argsort(dim?: number, opts?: SortOptions): Tensor;
    argsort(dim?: number, descending?: boolean, stable?: boolean): Tensor;
    topk(k: number, dim?: number, opts?: TopkOptions): SortResult;
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): SortResult;
    /** The tensor itself: every tensor is float32 already. */
    float(): Tensor;
    /** Values truncated toward zero, still stored as float32 (no gradient). */
    long(): Tensor;
  }
}

install({
  sort(this: Tensor, dim?: number, ...rest: unknown[]) { return (sort as (...a: unknown[]) => SortResult)(this, dim, ...rest); },
  argsort(this: Tensor, dim?: number, ...rest: unknown[]) { return (argsort as (...a: unknown[]) => Tensor)(this, dim, ...rest); },
  topk(this: Tensor, k: number, dim?: number, ...rest: unknown[]) { return (topk as (...a: unknown[]) => SortResult)(this, k, dim, ...rest); },
  float(this: Tensor) { return float(this); },
  long(this: Tensor) { return long(this); },
});
