import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, randn, manualSeed, gradcheck, ShapeError, ValueError, autograd,
  relu, tanh, sigmoid, leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, hardtanh, relu6, hardsigmoid, hardswish,
  logSigmoid, softsign, softmax, logSoftmax, linear, crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss,
  binaryCrossEntropyWithLogits, binaryCrossEntropy, erfScalar, enableGrad,
} from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

type Case = {
  kind: string;
  op: string;
  opts?: any;
  dim?: number;
  inputs: FixtureTensor[];
  target?: FixtureTensor;
  weight?: FixtureTensor | null;
  posWeight?: FixtureTensor | null;
  y: FixtureTensor;
  g: FixtureTensor;
  grads: (FixtureTensor | null)[];
};

const fx = loadFixture<Case>('ops_nn');

const ACT: Record<string, (x: Tensor, o: any) => Tensor> = {
  relu: (x) => relu(x),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  leakyRelu: (x, o) => leakyRelu(x, o.negativeSlope),
  elu: (x, o) => elu(x, o.alpha),
  selu: (x) => selu(x),
  celu: (x, o) => celu(x, o.alpha),
  gelu: (x, o) => gelu(x, o),
  silu: (x) => silu(x),
  mish: (x) => mish(x),
  softplus: (x, o) => softplus(x, o),
  hardtanh: (x, o) => hardtanh(x, o.minVal, o.maxVal),
  relu6: (x) => relu6(x),
  hardsigmoid: (x) => hardsigmoid(x),
  hardswish: (x) => hardswish(x),
  logSigmoid: (x) => logSigmoid(x),
  softsign: (x) => softsign(x),
};

const opt = (t: FixtureTensor | null | undefined): Tensor | undefined => (t ? fromFixture(t) : undefined);

function lossFn(c: Case): (...xs: Tensor[]) => Tensor {
  const o = { ...c.opts, weight: opt(c.weight), posWeight: opt(c.posWeight) };
  const target = c.target ? fromFixture(c.target) : undefined;
  switch (c.op) {
    case 'crossEntropy': return (x, p) => crossEntropy(x!, p ?? target!, o);
    case 'nllLoss': return (x) => nllLoss(x!, target!, o);
    case 'mseLoss': return (a, b) => mseLoss(a!, b!, o);
    case 'l1Loss': return (a, b) => l1Loss(a!, b!, o);
    case 'smoothL1Loss': return (a, b) => smoothL1Loss(a!, b!, o);
    case 'huberLoss': return (a, b) => huberLoss(a!, b!, o);
    case 'binaryCrossEntropyWithLogits': return (a, b) => binaryCrossEntropyWithLogits(a!, b!, o);
    case 'binaryCrossEntropy': return (a) => binaryCrossEntropy(a!, target!, o);
  }
  throw new Error(`no loss ${c.op}`);
}

function fnOf(c: Case): (...xs: Tensor[]) => Tensor {
  if (c.kind === 'act') return (x) => ACT[c.op]!(x!, c.opts ?? {});
  if (c.kind === 'softmax') return (x) => (c.op === 'softmax' ? softmax(x!, c.dim) : logSoftmax(x!, c.dim));
  if (c.kind === 'linear') return (x, w, b) => linear(x!, w!, b);
  if (c.kind === 'loss') return lossFn(c);
  throw new Error(`unknown kind ${c.kind}`);
}

describe('nn ops against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    it(`${i}: ${c.kind} ${c.op ?? ''} ${JSON.stringify(c.opts ?? c.dim ?? '')}`, () => {
      const inputs = c.inputs.map((t, k) => fromFixture(t, c.grads[k] !== null));
      const y = fnOf(c)(...inputs);
      expectClose(y, c.y, 2e-5, 2e-4, 'forward');
      const needs = inputs.filter((x) => x.requiresGrad);
      if (needs.length === 0) return;
      const gs = autograd.grad([y], needs, { gradOutputs: [fromFixture(c.g)], allowUnused: true });
      let k = 0;
      c.grads.forEach((ref, j) => {
        if (ref === null) return;
        expectClose(gs[k++], ref, 2e-5, 2e-4, `grad of input ${j}`);
      });
    });
  }
});

describe('gradcheck (finite differences, including second order)', () => {
  const acts: [string, (x: Tensor) => Tensor][] = [
    ['tanh', tanh], ['sigmoid', sigmoid], ['relu', relu], ['leakyRelu', (x) => leakyRelu(x, 0.1)], ['elu', (x) => elu(x, 0.7)],
    ['selu', selu], ['celu', (x) => celu(x, 1.5)], ['gelu', gelu], ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
    ['silu', silu], ['mish', mish], ['softplus', (x) => softplus(x, { beta: 1.5, threshold: 3 })], ['hardtanh', hardtanh],
    ['relu6', relu6], ['hardsigmoid', hardsigmoid], ['hardswish', hardswish], ['logSigmoid', logSigmoid], ['softsign', softsign],
  ];
  // Points away from kinks (0, ±1, ±3, 6, and softplus' threshold).
  const pts = [-4.2, -2.1, -0.7, -0.3, 0.45, 0.8, 1.6, 2.4, 3.7, 7.1];
  for (const [name, f] of acts) {
    it(name, () => {
      const x = tensor(pts, { requiresGrad: true });
      expect(gradcheck(f, [x], { atol: 2e-2 })).toBe(true);
      // second order: gradcheck the gradient function (createGraph)
      const d1 = (v: Tensor): Tensor => enableGrad(() => autograd.grad([f(v).mul(v).sum()], [v], { createGraph: true })[0]!);
      expect(gradcheck(d1, [x], { atol: 3e-2, rtol: 3e-2 })).toBe(true);
    });
  }

  it('softmax / logSoftmax (first and second order)', () => {
    manualSeed(3);
    const x = randn([3, 4], { requiresGrad: true });
    for (const f of [(v: Tensor) => softmax(v, 1), (v: Tensor) => logSoftmax(v, 0)]) {
      expect(gradcheck(f, [x])).toBe(true);
      const d1 = (v: Tensor): Tensor => enableGrad(() => autograd.grad([f(v).mul(v).sum()], [v], { createGraph: true })[0]!);
      expect(gradcheck(d1, [x], { atol: 2e-2, rtol: 2e-2 })).toBe(true);
    }
  });

  it('linear and crossEntropy (first and second order)', () => {
    manualSeed(4);
    const x = randn([5, 3], { requiresGrad: true });
    const w = randn([4, 3], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    const tg = tensor([0, 3, 1, 1, 2]);
    expect(gradcheck((x, w, b) => linear(x, w, b), [x, w, b])).toBe(true);
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => crossEntropy(linear(x, w, b).tanh(), tg, { labelSmoothing: 0.1 });
    expect(gradcheck(f, [x, w, b])).toBe(true);
    const d1 = (x: Tensor, w: Tensor, b: Tensor): Tensor => enableGrad(() => autograd.grad([f(x, w, b)], [w], { createGraph: true })[0]!);
    expect(gradcheck(d1, [x, w, b], { atol: 2e-2, rtol: 2e-2 })).toBe(true);
  });

  it('regression and binary losses', () => {
    manualSeed(5);
    const a = randn([3, 4], { requiresGrad: true });
    const b = randn([3, 4], { requiresGrad: true });
    for (const f of [mseLoss, l1Loss, (p: Tensor, q: Tensor) => smoothL1Loss(p, q, { beta: 0.5 }), huberLoss])
      expect(gradcheck((p, q) => f(p, q, { reduction: 'sum' }), [a, b])).toBe(true);
    const t = tensor([[1, 0, 0.3, 1], [0, 0, 1, 0.5], [1, 1, 0, 0]], { requiresGrad: true });
    const pw = tensor([0.5, 1, 2, 3]);
    expect(gradcheck((p, q) => binaryCrossEntropyWithLogits(p, q, { posWeight: pw }), [a, t])).toBe(true);
    const pr = tensor([[0.2, 0.7, 0.4, 0.9], [0.3, 0.5, 0.6, 0.1], [0.8, 0.25, 0.35, 0.65]], { requiresGrad: true });
    expect(gradcheck((p, q) => binaryCrossEntropy(p, q), [pr, t], { eps: 1e-3 })).toBe(true);
  });
});

describe('nn ops: edge cases and errors', () => {
  it('erf is accurate to 1e-7', () => {
    const ref: [number, number][] = [[0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
      [2, 0.9953222650189527], [3.5, 0.9999992569016276], [-1.3, -0.9340079449406524]];
    for (const [x, e] of ref) expect(Math.abs(erfScalar(x) - e)).toBeLessThan(1e-12);
  });

  it('linear names the feature mismatch', () => {
    expect(() => linear(randn([2, 784]), randn([10, 512]))).toThrow(ShapeError);
    expect(() => linear(randn([2, 784]), randn([10, 512]))).toThrow('linear: input has 784 features, weight expects 512 (in_features)');
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([5]))).toThrow(/bias must have shape \[4\]/);
  });

  it('class losses validate targets', () => {
    const x = randn([3, 4]);
    expect(() => crossEntropy(x, tensor([0, 4, 1]))).toThrow(ValueError);
    expect(() => crossEntropy(x, tensor([0, 4, 1]))).toThrow(/target 4 at flat index 1 is out of bounds for 4 classes/);
    expect(() => crossEntropy(x, tensor([0, 1.5, 1]))).toThrow(/must be integers/);
    expect(() => crossEntropy(x, tensor([0, 1]))).toThrow(ShapeError);
    expect(() => crossEntropy(x, tensor([0, 1, 2]), { weight: tensor([1, 2]) })).toThrow(/weight must have shape \[4\]/);
    expect(() => crossEntropy(x, tensor([0, 1, 2]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
    expect(() => nllLoss(x, tensor([0, 1, 2]), { reduction: 'avg' as any })).toThrow(/reduction must be 'mean', 'sum' or 'none'/);
    expect(() => nllLoss(x, tensor([-1, 1, 2]))).toThrow(ValueError);
  });

  it('regression losses reject a target that would broadcast the input', () => {
    expect(() => mseLoss(randn([4]), randn([4, 1]))).toThrow(ShapeError);
    expect(() => mseLoss(randn([4]), randn([4, 1]))).toThrow(/target shape \[4,1\] does not match input shape \[4\]/);
    expect(mseLoss(randn([2, 3]), tensor(0)).shape).toEqual([]);
    expect(() => smoothL1Loss(randn([2]), randn([2]), { beta: -1 })).toThrow(ValueError);
    expect(() => huberLoss(randn([2]), randn([2]), { delta: 0 })).toThrow(ValueError);
    expect(() => binaryCrossEntropy(tensor([0.5, 1.2]), tensor([1, 0]))).toThrow(/between 0 and 1/);
    expect(() => binaryCrossEntropyWithLogits(randn([3]), randn([3, 1]))).toThrow(/must be the same as input size/);
  });

  it('activations and softmax validate their options', () => {
    expect(() => gelu(randn([2]), { approximate: 'fast' as any })).toThrow(/approximate must be 'none' or 'tanh'/);
    expect(() => hardtanh(randn([2]), 1, -1)).toThrow(ValueError);
    expect(() => celu(randn([2]), 0)).toThrow(ValueError);
    expect(() => softmax(randn([2, 3]), 2)).toThrow(/dim 2 is out of range/);
    expect(() => (softmax as any)(randn([2, 3]))).toThrow(/dim is required/);
  });

  it('Tensor methods are installed', () => {
    const x = tensor([[-1, 0.5, 2]]);
    expect(Array.from(x.leakyRelu(0.1).data)).toEqual(Array.from(leakyRelu(x, 0.1).data));
    expect(Array.from(x.softmax(-1).data)).toEqual(Array.from(softmax(x, -1).data));
    expect(Array.from(x.logSoftmax(1).data)).toEqual(Array.from(logSoftmax(x, 1).data));
    expect(Array.from(x.gelu().data)).toEqual(Array.from(gelu(x).data));
  });
});
