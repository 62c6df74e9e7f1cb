import { describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { Tensor, type ValuesIndices } from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

interface Case {
  name: string;
  op: string;
  params: Record<string, any>;
  inputs: FixtureTensor[];
  grad: boolean[];
  outs: FixtureTensor[];
  gouts: (FixtureTensor | null)[];
  grads: (FixtureTensor | null)[];
}

const num = (v: any): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
type Out = Tensor | Tensor[] | ValuesIndices | [Tensor, Tensor];
type Op = (x: Tensor[], p: Record<string, any>) => Out;
/** The fixture's keyword arguments that are options here (dim and p stay positional). */
const kw = (p: Record<string, any>): Record<string, any> =>
  Object.fromEntries(Object.entries(p).filter(([k]) => ['keepdim', 'correction', 'unbiased', 'rtol', 'atol', 'equalNan'].includes(k)));

const ops: Record<string, Op> = {
  pow: ([a, b]) => gl.pow(a!, b!),
  pow_scalar: ([a], p) => a!.pow(p.e),
  rpow: ([a], p) => gl.pow(p.b, a!),
  sqrt: ([a]) => a!.sqrt(), rsqrt: ([a]) => a!.rsqrt(), square: ([a]) => a!.square(), abs: ([a]) => a!.abs(),
  sign: ([a]) => a!.sign(), reciprocal: ([a]) => a!.reciprocal(), log1p: ([a]) => a!.log1p(), expm1: ([a]) => a!.expm1(),
  log2: ([a]) => a!.log2(), log10: ([a]) => a!.log10(), sin: ([a]) => a!.sin(), cos: ([a]) => a!.cos(),
  floor: ([a]) => a!.floor(), ceil: ([a]) => a!.ceil(), round: ([a]) => a!.round(), trunc: ([a]) => a!.trunc(),
  round_dec: ([a], p) => a!.round({ decimals: p.decimals }),
  clamp: ([a], p) => a!.clamp({ min: p.min === undefined ? undefined : num(p.min), max: p.max === undefined ? undefined : num(p.max) }),
  clamp_t: ([a, lo, hi]) => gl.clamp(a!, { min: lo!, max: hi! }),
  clamp_tmin: ([a, lo]) => gl.clip(a!, { min: lo! }),
  maximum: ([a, b]) => a!.maximum(b!), minimum: ([a, b]) => gl.minimum(a!, b!),
  where: ([a, b], p) => gl.where(fromFixture(p.cond), a!, b!),
  lerp: ([a, b, w]) => a!.lerp(b!, w!), lerp_s: ([a, b], p) => gl.lerp(a!, b!, p.w),
  eq: ([a, b]) => a!.eq(b!), ne: ([a, b]) => gl.ne(a!, b!), lt: ([a, b]) => a!.lt(b!), le: ([a, b]) => gl.le(a!, b!),
  gt: ([a, b]) => a!.gt(b!), ge: ([a, b]) => gl.ge(a!, b!), gt_s: ([a], p) => a!.gt(p.s),
  isnan: ([a]) => a!.isnan(), isinf: ([a]) => gl.isinf(a!), isfinite: ([a]) => a!.isfinite(), logical_not: ([a]) => a!.logicalNot(),
  logical_and: ([a, b]) => a!.logicalAnd(b!), logical_or: ([a, b]) => gl.logicalOr(a!, b!), logical_xor: ([a, b]) => a!.logicalXor(b!),
  isclose: ([a, b], p) => a!.isclose(b!, kw(p)),
  any: ([a], p) => a!.any(p.dim, kw(p)), all: ([a], p) => gl.all(a!, p.dim, kw(p)),
  var: ([a], p) => a!.var(p.dim, kw(p)), std: ([a], p) => gl.std(a!, p.dim, kw(p)),
  var_mean: ([a], p) => a!.varMean(p.dim, kw(p)), std_mean: ([a], p) => gl.stdMean(a!, p.dim, kw(p)),
  max: ([a]) => a!.max(), min: ([a]) => gl.min(a!),
  max_dim: ([a], p) => a!.max(p.dim, kw(p)), min_dim: ([a], p) => gl.min(a!, p.dim, kw(p)),
  max_other: ([a, b]) => a!.max(b!),
  amax: ([a], p) => a!.amax(p.dim, kw(p)), amin: ([a], p) => gl.amin(a!, p.dim, kw(p)),
  argmax: ([a], p) => a!.argmax(p.dim, kw(p)), argmin: ([a], p) => gl.argmin(a!, p.dim, kw(p)),
  norm: ([a], p) => a!.norm(p.p === 'fro' ? 'fro' : num(p.p), p.dim, kw(p)),
  logsumexp: ([a], p) => a!.logsumexp(p.dim, kw(p)),
  prod: ([a], p) => a!.prod(p.dim, kw(p)),
  cumsum: ([a], p) => a!.cumsum(p.dim),
  narrow: ([a], p) => a!.narrow(p.dim, p.start, p.length),
  slice: ([a], p) => gl.slice(a!, p.dim, p.start, p.end, p.step),
  select: ([a], p) => a!.select(p.dim, p.index),
  cat: ([a, b], p) => gl.cat([a!, b!], p.dim), cat3: (x, p) => gl.cat(x, p.dim),
  stack: ([a, b], p) => gl.stack([a!, b!], p.dim),
  split: ([a], p) => a!.split(p.size, p.dim), chunk: ([a], p) => gl.chunk(a!, p.chunks, p.dim),
  gather: ([a, i], p) => a!.gather(p.dim, i!),
  scatter_add: ([a, i, s], p) => a!.scatterAdd(p.dim, i!, s!),
  scatter: ([a, i, s], p) => gl.scatter(a!, p.dim, i!, s!),
  scatter_v: ([a, i], p) => a!.scatter(p.dim, i!, p.value),
  index_select: ([a, i], p) => a!.indexSelect(p.dim, i!),
  index_add: ([a, i, s], p) => a!.indexAdd(p.dim, i!, s!, { alpha: p.alpha }),
  expand: ([a], p) => a!.expand(p.sizes), repeat: ([a], p) => a!.repeat(...(p.reps as number[])),
  flip: ([a], p) => a!.flip(p.dims),
  masked_fill: ([a], p) => a!.maskedFill(fromFixture(p.mask), num(p.value)),
  tril: ([a], p) => a!.tril(p.diagonal), triu: ([a], p) => gl.triu(a!, p.diagonal),
};

const asList = (o: Out): Tensor[] =>
  o instanceof Tensor ? [o] : Array.isArray(o) ? o : [(o as ValuesIndices).values, (o as ValuesIndices).indices];

describe('math and indexing ops match PyTorch (forward and gradients)', () => {
  const fx = loadFixture<Case>('ops_math');
  it('fixture has the expected cases', () => expect(fx.cases.length).toBeGreaterThan(150));
  for (const c of fx.cases) {
    it(`${c.op}: ${c.name}`, () => {
      const inputs = c.inputs.map((f, i) => fromFixture(f, c.grad[i]));
      const fn = ops[c.op];
      expect(fn, `no runner for ${c.op}`).toBeDefined();
      const outs = asList(fn!(inputs, c.params));
      expect(outs.length).toBe(c.outs.length);
      outs.forEach((o, i) => expectClose(o, c.outs[i]!, 1e-5, 2e-5, `${c.name} out ${i}`));
      if (c.grads.length === 0) return;
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        const w = c.gouts[i];
        if (!w || !o.requiresGrad) return;
        const term = o.mul(fromFixture(w)).sum();
        loss = loss ? loss.add(term) : term;
      });
      expect(loss, 'no differentiable output').not.toBeNull();
      loss!.backward();
      inputs.forEach((x, i) => {
        const g = c.grads[i];
        if (!c.grad[i] || !g) return;
        expectClose(x.grad ?? gl.zerosLike(x), g, 1e-5, 1e-4, `${c.name} grad ${i}`);
      });
    });
  }
});
