import { describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { ShapeError, ValueError, tensor, zeros, type Tensor } from '../src/index.js';

const x = (): Tensor => tensor([[1, 2, 3], [4, 5, 6]]);
const bad = 'oops' as unknown as Tensor;

/** [description, thunk, error class, message fragment] */
const cases: [string, () => unknown, typeof ValueError | typeof ShapeError, string | RegExp][] = [
  ['pow non-tensor', () => gl.pow(bad, 2), ValueError, 'pow: expected a Tensor or a number'],
  ['pow bad broadcast', () => gl.pow(x(), tensor([1, 2])), ShapeError, /pow: shapes \[2,3\] and \[2\] cannot be broadcast/],
  ['sqrt non-tensor', () => gl.sqrt(bad), ValueError, 'sqrt:'],
  ['rsqrt non-tensor', () => gl.rsqrt(bad), ValueError, 'rsqrt:'],
  ['square non-tensor', () => gl.square(bad), ValueError, 'square:'],
  ['abs non-tensor', () => gl.abs(bad), ValueError, 'abs:'],
  ['sign non-tensor', () => gl.sign(bad), ValueError, 'sign:'],
  ['reciprocal non-tensor', () => gl.reciprocal(bad), ValueError, 'reciprocal:'],
  ['log1p non-tensor', () => gl.log1p(bad), ValueError, 'log1p:'],
  ['expm1 non-tensor', () => gl.expm1(bad), ValueError, 'expm1:'],
  ['log2 non-tensor', () => gl.log2(bad), ValueError, 'log2:'],
  ['log10 non-tensor', () => gl.log10(bad), ValueError, 'log10:'],
  ['sin non-tensor', () => gl.sin(bad), ValueError, 'sin:'],
  ['cos non-tensor', () => gl.cos(bad), ValueError, 'cos:'],
  ['floor non-tensor', () => gl.floor(bad), ValueError, 'floor:'],
  ['ceil non-tensor', () => gl.ceil(bad), ValueError, 'ceil:'],
  ['trunc non-tensor', () => gl.trunc(bad), ValueError, 'trunc:'],
  ['round decimals', () => gl.round(x(), { decimals: 1.5 }), ValueError, 'round: decimals must be an integer'],
  ['clamp no bounds', () => gl.clamp(x()), ValueError, 'clamp: at least one of min or max'],
  ['clamp positional bound', () => gl.clamp(x(), 0 as never), ValueError, 'clamp: bounds are passed as an options object'],
  ['clamp bad bound', () => gl.clamp(x(), { min: '0' as never }), ValueError, 'clamp: min must be a number or a Tensor'],
  ['clip bad shape', () => gl.clip(x(), { max: tensor([1, 2]) }), ShapeError, 'clamp: shapes'],
  ['maximum shapes', () => gl.maximum(x(), tensor([1, 2])), ShapeError, 'maximum: shapes [2,3] and [2]'],
  ['minimum non-tensor', () => gl.minimum(x(), bad), ValueError, 'minimum:'],
  ['where non-mask', () => gl.where(tensor([0.5, 1]), 1, 2), ValueError, 'where: condition must hold only 0 and 1, got 0.5 at flat index 0'],
  ['where shapes', () => gl.where(tensor([1, 0]), x(), 0), ShapeError, 'where: shapes'],
  ['lerp shapes', () => gl.lerp(x(), tensor([1, 2]), 0.5), ShapeError, 'lerp: shapes'],
  ['eq two numbers', () => gl.eq(1 as never, 2), ValueError, 'eq: at least one argument must be a Tensor'],
  ['ne shapes', () => gl.ne(x(), tensor([1, 2])), ShapeError, 'ne: shapes'],
  ['lt shapes', () => gl.lt(x(), tensor([1, 2])), ShapeError, 'lt:'],
  ['le shapes', () => gl.le(x(), tensor([1, 2])), ShapeError, 'le:'],
  ['gt shapes', () => gl.gt(x(), tensor([1, 2])), ShapeError, 'gt:'],
  ['ge shapes', () => gl.ge(x(), tensor([1, 2])), ShapeError, 'ge:'],
  ['isnan non-tensor', () => gl.isnan(bad), ValueError, 'isnan: input must be a Tensor'],
  ['isinf non-tensor', () => gl.isinf(bad), ValueError, 'isinf:'],
  ['isfinite non-tensor', () => gl.isfinite(bad), ValueError, 'isfinite:'],
  ['logicalNot non-tensor', () => gl.logicalNot(bad), ValueError, 'logicalNot:'],
  ['logicalAnd shapes', () => gl.logicalAnd(x(), tensor([1, 0])), ShapeError, 'logicalAnd: shapes'],
  ['logicalOr shapes', () => gl.logicalOr(x(), tensor([1, 0])), ShapeError, 'logicalOr:'],
  ['isclose tolerance', () => gl.isclose(x(), x(), { rtol: -1 }), ValueError, 'isclose: rtol and atol must be non-negative'],
  ['allclose shapes', () => gl.allclose(x(), tensor([1, 2])), ShapeError, 'isclose: shapes'],
  ['equal non-tensor', () => gl.equal(x(), bad), ValueError, 'equal: second argument must be a Tensor'],
  ['any bad dim', () => gl.any(x(), 2), ValueError, 'any: dim 2 is out of range for a tensor with 2 dims'],
  ['all bad dim', () => gl.all(x(), -3), ValueError, 'all: dim -3 is out of range'],
  ['var both corrections', () => gl.var_(x(), 0, { correction: 0, unbiased: true }), ValueError, 'var: pass either correction or unbiased'],
  ['var negative correction', () => gl.variance(x(), 0, { correction: -1 }), ValueError, 'var: correction must be a finite number ≥ 0'],
  ['std bad dim', () => gl.std(x(), 5), ValueError, 'std: dim 5 is out of range'],
  ['varMean bad dim', () => gl.varMean(x(), 5), ValueError, 'var: dim 5'],
  ['stdMean bad dim', () => gl.stdMean(x(), [0, 0]), ValueError, 'names a dimension twice'],
  ['max empty', () => gl.max(zeros([0, 3])), ValueError, 'max: the tensor is empty (shape [0,3]); pass a dim'],
  ['min bad dim', () => gl.min(x(), 2), ValueError, 'min: dim 2 is out of range'],
  ['max zero-size dim', () => gl.max(zeros([0, 3]), 0), ValueError, 'max: cannot reduce over dim 0, which has size 0'],
  ['max bad second arg', () => gl.max(x(), 'a' as never), ValueError, 'max: second argument must be a dim'],
  ['amax zero-size dim', () => gl.amax(zeros([2, 0]), 1), ValueError, 'amax: cannot reduce over dim 1'],
  ['amin bad dim', () => gl.amin(x(), [0, 7]), ValueError, 'amin: dim 7'],
  ['argmax empty', () => gl.argmax(zeros([0])), ValueError, 'argmax: the tensor is empty'],
  ['argmin list dim', () => gl.argmin(x(), [0] as never), ValueError, 'argmin: dim must be a number'],
  ['norm bad p', () => gl.norm(x(), 'nuc' as never), ValueError, "norm: p must be a number, ±Infinity or 'fro', got \"nuc\""],
  ['norm inf on empty', () => gl.norm(zeros([0]), Infinity), ValueError, 'norm: cannot reduce over dim 0'],
  ['logsumexp bad dim', () => gl.logsumexp(x(), 3), ValueError, 'logsumexp: dim 3'],
  ['prod bad dim', () => gl.prod(x(), -3), ValueError, 'prod: dim -3'],
  ['cumsum missing dim', () => gl.cumsum(x(), undefined as never), ValueError, 'cumsum: dim is required'],
  ['narrow too long', () => gl.narrow(x(), 1, 2, 2), ValueError, 'narrow: start 2 + length 2 exceeds dim 1 of size 3; length must be in 0..1'],
  ['narrow bad start', () => gl.narrow(x(), 1, 4, 0), ValueError, 'narrow: start 4 is out of range for dim 1 of size 3 (valid -3..3)'],
  ['slice step 0', () => gl.slice(x(), 1, 0, 2, 0), ValueError, 'slice: step must be positive, got 0'],
  ['slice 0-d', () => gl.slice(tensor(1), 0), ShapeError, 'slice: cannot index a 0-d tensor'],
  ['select out of range', () => gl.select(x(), 0, 2), ValueError, 'select: index 2 is out of range for dim 0 of size 2 (valid -2..1)'],
  ['select non-integer', () => gl.select(x(), 0, 0.5), ValueError, 'select: index must be an integer, got 0.5'],
  ['cat empty list', () => gl.cat([]), ValueError, 'cat: expects a non-empty list'],
  ['cat mismatch', () => gl.cat([x(), zeros([2, 2])], 0), ShapeError, 'cat: sizes must match except in dim 0: got [2,3] and [2,2]'],
  ['stack mismatch', () => gl.stack([x(), zeros([3, 2])]), ShapeError, 'stack: all tensors must have the same shape: tensors[0] is [2,3], tensors[1] is [3,2]'],
  ['split sections', () => gl.split(x(), [1, 1], 1), ValueError, 'split: section sizes [1,1] must be ≥ 0 and sum to the size of dim 1 (3), they sum to 2'],
  ['split size 0', () => gl.split(x(), 0, 1), ValueError, 'split: split size must be positive'],
  ['chunk 0', () => gl.chunk(x(), 0), ValueError, 'chunk: chunks must be positive, got 0'],
  ['gather out of range', () => gl.gather(x(), 1, tensor([[0], [3]])), ValueError, 'gather: index 3 (flat position 1) is out of range for dim 1 of size 3 (valid 0..2)'],
  ['gather negative', () => gl.gather(x(), 1, tensor([[-1], [0]])), ValueError, 'gather: index -1 (flat position 0) is out of range'],
  ['gather non-integer', () => gl.gather(x(), 1, tensor([[0.5], [0]])), ValueError, 'gather: index 0.5 (flat position 0) is not an integer'],
  ['gather ndim', () => gl.gather(x(), 1, tensor([0, 1])), ShapeError, 'gather: index must have the same number of dims as input (2)'],
  ['gather too large', () => gl.gather(x(), 1, zeros([3, 1])), ShapeError, 'gather: index [3,1] is larger than input [2,3] in dim 0'],
  ['scatterAdd src small', () => gl.scatterAdd(x(), 1, zeros([2, 2]), zeros([2, 1])), ShapeError, 'scatterAdd: index [2,2] must not be larger than src [2,1]'],
  ['scatter out of range', () => gl.scatter(x(), 0, tensor([[2, 0, 0]]), 1), ValueError, 'scatter: index 2 (flat position 0) is out of range for dim 0 of size 2 (valid 0..1)'],
  ['scatter 0-d src', () => gl.scatter(x(), 0, tensor([[1, 0, 0]]), tensor(1)), ShapeError, 'scatter: src must be a number or a tensor'],
  ['indexSelect 2-d index', () => gl.indexSelect(x(), 0, zeros([1, 1])), ShapeError, 'indexSelect: index must be 0-d or 1-d'],
  ['indexSelect out of range', () => gl.indexSelect(x(), 1, tensor([0, 5])), ValueError, 'indexSelect: index 5 (flat position 1) is out of range for dim 1 of size 3 (valid 0..2)'],
  ['indexAdd source shape', () => gl.indexAdd(x(), 1, tensor([0, 1]), zeros([2, 3])), ShapeError, 'indexAdd: source must have shape [2,2]'],
  ['expand incompatible', () => gl.expand(x(), [2, 4]), ShapeError, 'expand: cannot expand [2,3] to [2,4]: dim 1 has size 3, which is not 1'],
  ['expand too few', () => gl.expand(x(), [3]), ShapeError, 'expand: the number of sizes (1) must be at least'],
  ['expand -1 leading', () => gl.expand(x(), [-1, 2, 3]), ValueError, 'expand: size -1 is not allowed for a new leading dim'],
  ['expandAs non-tensor', () => gl.expandAs(x(), bad), ValueError, 'expandAs: other must be a Tensor'],
  ['repeat too few', () => gl.repeat(x(), [2]), ShapeError, 'repeat: got 1 repeats for a tensor with 2 dims'],
  ['repeat negative', () => gl.repeat(x(), [1, -1]), ValueError, 'repeat: repeat counts must be ≥ 0'],
  ['flip duplicate', () => gl.flip(x(), [0, -2]), ValueError, 'flip: dims [0,-2] name a dimension twice'],
  ['maskedFill value shape', () => gl.maskedFill(x(), tensor([1, 0, 1]), tensor([1, 2])), ValueError, 'maskedFill: value must be a number or a 0-d tensor, got shape [2]'],
  ['maskedFill non-mask', () => gl.maskedFill(x(), tensor([2, 0, 1]), 0), ValueError, 'maskedFill: condition must hold only 0 and 1'],
  ['tril 1-d', () => gl.tril(tensor([1, 2])), ShapeError, 'tril: expects a tensor with at least 2 dims, got [2]'],
  ['triu diagonal', () => gl.triu(x(), 0.5), ValueError, 'triu: diagonal must be an integer'],
];

describe('math and indexing ops reject bad input with typed, actionable errors', () => {
  for (const [name, thunk, cls, msg] of cases)
    it(name, () => {
      let err: unknown = null;
      try {
        thunk();
      } catch (e) {
        err = e;
      }
      expect(err, `${name} did not throw`).toBeInstanceOf(cls);
      if (typeof msg === 'string') expect((err as Error).message).toContain(msg);
      else expect((err as Error).message).toMatch(msg);
    });
});
