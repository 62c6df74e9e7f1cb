import { describe, expect, it } from 'vitest';
import {
  F, Generator, GradlabError, OptionsError, ShapeError, Tensor, gradcheck, nn, noGrad, optim, randn, tensor, ValueError,
} from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

/**
 * nn.LSTM, nn.GRU, their cells, nn.Embedding and lrScheduler.ReduceLROnPlateau against PyTorch
 * (test/fixtures/day_one.json, scripts/fixtures/gen_day_one.py): weights are loaded from the
 * fixture, then outputs, final states and every gradient are compared; finite differences check
 * the gradients independently.
 */
const fx = loadFixture<any>('day_one');
const stateOf = (s: Record<string, FixtureTensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fromFixture(v)]));

function build(name: string, args: unknown[]): nn.Module {
  const C = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[name]!;
  return new C(...args);
}

describe('LSTM and GRU against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    if (c.kind !== 'rnn' && c.kind !== 'cell') continue;
    it(`${i}: ${c.name}(${JSON.stringify(c.ctor)}) input ${JSON.stringify(c.x.shape)}${c.h0.length ? ' with initial state' : ''}`, () => {
      const m = build(c.name, c.ctor);
      // the same keys, in the same order, as PyTorch's state dict
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.state));
      m.loadStateDict(stateOf(c.state));
      const x = fromFixture(c.x, true);
      const h0: Tensor[] = c.h0.map((h: FixtureTensor) => fromFixture(h, true));
      const lstm = c.name.startsWith('LSTM');
      let outs: Tensor[];
      if (c.kind === 'rnn') {
        const init = h0.length === 0 ? undefined : lstm ? [h0[0]!, h0[1]!] : h0[0]!;
        const [out, st] = (m.forward as (...a: unknown[]) => [Tensor, Tensor | Tensor[]])(x, init);
        outs = [out, ...(Array.isArray(st) ? st : [st])];
      } else {
        const r = (m.forward as (...a: unknown[]) => Tensor | Tensor[])(x, lstm ? [h0[0]!, h0[1]!] : h0[0]!);
        outs = Array.isArray(r) ? r : [r];
      }
      outs.forEach((o, k) => expectClose(o, c.out[k], 1e-5, 1e-4, `output ${k}`));
      let loss: Tensor | null = null;
      outs.forEach((o, k) => {
        const term = o.mul(fromFixture(c.gy[k])).sum();
        loss = loss ? loss.add(term) : term;
      });
      loss!.backward();
      expectClose(x.grad, c.gx, 1e-5, 1e-4, 'input grad');
      h0.forEach((h, k) => expectClose(h.grad, c.gh0[k], 1e-5, 1e-4, `state ${k} grad`));
      for (const [name, p] of m.namedParameters()) expectClose(p.grad, c.gparams[name], 1e-5, 1e-4, `grad of ${name}`);
    });
  }

  it('backpropagates through time (finite differences)', () => {
    const g = new Generator(4);
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true, generator: g });
    const x = randn([3, 2, 2], { generator: g, requiresGrad: true });
    const h0 = randn([4, 2, 3], { generator: g, requiresGrad: true });
    const c0 = randn([4, 2, 3], { generator: g, requiresGrad: true });
    const f = (x: Tensor, h: Tensor, c: Tensor) => {
      const [out, [hN, cN]] = lstm.forward(x, [h, c]);
      return out.pow(2).sum().add(hN.sum()).add(cN.mul(cN).sum());
    };
    expect(gradcheck(f, [x, h0, c0, lstm.weight_hh_l1_reverse, lstm.bias_ih_l0], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    const gru = new nn.GRU(2, 3, { batchFirst: true, generator: g });
    const xb = randn([2, 4, 2], { generator: g, requiresGrad: true });
    expect(gradcheck((x, w) => gru.forward(x)[0].pow(2).sum(), [xb, gru.weight_hh_l0], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });

  it("uses PyTorch's defaults, names, shapes and printing", () => {
    const l = new nn.LSTM(3, 5);
    expect(l.weight_ih_l0.shape).toEqual([20, 3]);
    expect(l.weight_hh_l0.shape).toEqual([20, 5]);
    expect(l.bias_hh_l0.shape).toEqual([20]);
    const bound = 1 / Math.sqrt(5);
    for (const p of l.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(new nn.GRU(3, 5).weight_ih_l0.shape).toEqual([15, 3]);
    expect(new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true, dropout: 0.5 }).toString()).toBe(
      'LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.5)',
    );
    expect(new nn.GRU(2, 3, { bias: false, bidirectional: true }).toString()).toBe('GRU(2, 3, bias=False, bidirectional=True)');
    expect(new nn.LSTMCell(2, 3).toString()).toBe('LSTMCell(2, 3)');
    // typed PyTorch names: these lines are compile-time checks as much as run-time ones
    const rnn = new nn.RNN(2, 3);
    nn.init.orthogonal_(rnn.weight_hh_l0);
    nn.init.orthogonal_(l.weight_hh_l0);
    nn.init.zeros_(new nn.GRU(2, 3, { bidirectional: true }).bias_hh_l0_reverse);
    const [out, [h, c]] = l.forward(randn([7, 2, 3]));
    expect([out.shape, h.shape, c.shape]).toEqual([[7, 2, 5], [1, 2, 5], [1, 2, 5]]);
  });

  it('applies inter-layer dropout only while training, from its generator', () => {
    const gru = new nn.GRU(3, 8, { numLayers: 2, dropout: 0.5, generator: new Generator(1) });
    const x = randn([3, 2, 3]);
    const a = noGrad(() => gru.forward(x)[0]);
    const b = noGrad(() => gru.forward(x)[0]);
    expect([...a.data]).not.toEqual([...b.data]);
    gru.eval();
    expect([...noGrad(() => gru.forward(x)[0]).data]).toEqual([...noGrad(() => gru.forward(x)[0]).data]);
  });

  it('refuses bad configuration and inputs with typed errors', () => {
    expect(() => new nn.LSTM(0, 3)).toThrow(ValueError);
    expect(() => new nn.LSTM(2, 3, { num_layers: 2 } as never)).toThrow(/did you mean 'numLayers'/);
    expect(() => new nn.GRU(2, 3, { projSize: 2 } as never)).toThrow(OptionsError);
    expect(() => new nn.GRU(2, 3, { dropout: 2 })).toThrow(ValueError);
    expect(() => new nn.LSTM(2, 3, { batchFirst: 'yes' } as never)).toThrow(ValueError);
    const l = new nn.LSTM(2, 3);
    expect(() => l.forward(randn([4, 5, 3]))).toThrow(/inputSize=2/);
    expect(() => l.forward(randn([4, 5, 2]), [randn([1, 4, 3]), null])).toThrow(/h0 must have shape \[1,5,3\]/);
    expect(() => l.forward(randn([4, 5, 2]), randn([1, 5, 3]) as never)).toThrow(/pair \[h0, c0\]/);
    const g = new nn.GRU(2, 3);
    expect(() => g.forward(randn([4, 5, 2]), [randn([1, 5, 3])] as never)).toThrow(ShapeError);
    expect(() => g.forward('x' as never)).toThrow(GradlabError);
    expect(() => new nn.GRUCell(2, 3).forward(randn([4, 3]))).toThrow(ShapeError);
  });
});

describe('Embedding against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    if (c.kind !== 'embedding') continue;
    it(`${i}: Embedding(${c.num}, ${c.dim}, ${JSON.stringify(c.opts)}) input ${JSON.stringify(c.input.shape)}`, () => {
      const e = new nn.Embedding(c.num, c.dim, c.opts);
      e.loadStateDict({ weight: fromFixture(c.weight) });
      const y = e.forward(fromFixture(c.input));
      expectClose(y, c.out, 1e-6, 1e-5, 'output');
      expectClose(e.weight, c.weightAfter, 1e-6, 1e-5, 'weight after (maxNorm renormalises in place)');
      y.backward(fromFixture(c.gy));
      expectClose(e.weight.grad, c.gw, 1e-6, 1e-5, 'weight grad');
    });
  }

  it('initialises N(0, 1) with the padding row zeroed, and checks its gradient', () => {
    const e = new nn.Embedding(400, 50, { paddingIdx: 3, generator: new Generator(2) });
    const d = e.weight.data;
    let s = 0;
    let ss = 0;
    for (const v of d) {
      s += v;
      ss += v * v;
    }
    const n = d.length;
    // 20,000 draws (minus one zero row): the sample mean's sd is 1/√n ≈ 0.007, the variance's ≈ √(2/n) ≈ 0.01
    expect(Math.abs(s / n)).toBeLessThan(0.035);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.06);
    expect([...d.subarray(150, 200)].every((v) => v === 0)).toBe(true);
    expect(e.toString()).toBe('Embedding(400, 50, padding_idx=3)');
    const w = randn([5, 3], { requiresGrad: true });
    const idx = tensor([[1, 4, 1], [0, 2, 4]]);
    // (with paddingIdx the gradient is zeroed on purpose, so only the fixtures can check that row)
    expect(gradcheck((w) => F.embedding(idx, w).pow(2).sum(), [w], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });

  it('refuses bad indices and options with typed errors', () => {
    const e = new nn.Embedding(5, 2);
    expect(() => e.forward(tensor([5]))).toThrow(/out of range/);
    expect(() => e.forward(tensor([1.5]))).toThrow(/not an integer/);
    expect(() => new nn.Embedding(5, 2, { padding_idx: 0 } as never)).toThrow(/did you mean 'paddingIdx'/);
    expect(() => new nn.Embedding(5, 2, { paddingIdx: 5 })).toThrow(ValueError);
    expect(() => new nn.Embedding(5, 2, { maxNorm: -1 })).toThrow(ValueError);
    expect(() => F.embedding(tensor([0]), randn([3]))).toThrow(ShapeError);
  });
});

describe('ReduceLROnPlateau against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    if (c.kind !== 'plateau') continue;
    it(`${i}: ${JSON.stringify(c.opts)}`, () => {
      const a = new nn.Parameter(tensor([0]));
      const b = new nn.Parameter(tensor([0]));
      const opt = new optim.SGD([{ params: [a], lr: c.groupLrs[0] }, { params: [b], lr: c.groupLrs[1] }], { lr: 0.1 });
      const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, c.opts);
      c.metrics.forEach((m: number | string, k: number) => {
        sched.step(m === 'nan' ? NaN : (m as number));
        const got = opt.paramGroups.map((g) => g.lr);
        got.forEach((lr, j) => expect(lr, `step ${k} group ${j}`).toBeCloseTo(c.lrs[k][j], 12));
        expect(sched.getLastLr()).toEqual(got);
      });
    });
  }

  it('saves and restores its state, and refuses bad options', () => {
    const p = new nn.Parameter(tensor([0]));
    const opt = new optim.SGD([p], { lr: 1 });
    const s = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 1 });
    s.step(1);
    s.step(2);
    const sd = s.stateDict();
    const s2 = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 1 });
    s2.loadStateDict(sd);
    s2.step(tensor(3));
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    expect(s2.best).toBe(1);
    expect(() => s2.loadStateDict({ best: 'low' })).toThrow(ValueError);
    expect(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor/);
    expect(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { mode: 'up' as never })).toThrow(ValueError);
    expect(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { min_lr: 0.1 } as never)).toThrow(/did you mean 'minLr'/);
    expect(() => new optim.lrScheduler.ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(/one per parameter group/);
    expect(() => s.step('1' as never)).toThrow(ValueError);
  });
});
