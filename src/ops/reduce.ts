import { normDims } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { sumDims } from '../kernels/reduce.js';
import { record } from '../autograd/node.js';
import { mul } from './binary.js';
import { checkShapeArg, checkTensor, expandTo } from './util.js';
import { reshape } from './view.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface ReduceOptions {
  keepdim?: boolean;
}
const REDUCE_KEYS = optionKeys<ReduceOptions>({ keepdim: true });
export type DimArg = number | readonly number[] | null | undefined;

/** Shape after reducing `dims`, with or without the kept size-1 dims. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  checkShapeArg(shape, 'reducedShape'), checkShapeArg(dims, 'reducedShape', 'dims');
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sum over `dim` (all dims when omitted). */
export function sum(x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor {
  opts = checkOptions('sum', opts, REDUCE_KEYS);
  checkTensor(x, 'sum');
  const dims = normDims(dim, x.ndim, 'sum');
  const keep = reducedShape(x.shape, dims, true);
  const outShape = reducedShape(x.shape, dims, opts.keepdim ?? false);
  const out = new Tensor(sumDims(x.data, x.shape, dims), outShape);
  return record(out, 'sum', [x], (g) => [expandTo(reshape(g, keep), x.shape)], []);
}

/** Mean over `dim` (all dims when omitted). */
export function mean(x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor {
  opts = checkOptions('mean', opts, REDUCE_KEYS);
  checkTensor(x, 'mean');
  const dims = normDims(dim, x.ndim, 'mean');
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  return mul(sum(x, dims, opts), 1 / n);
}
