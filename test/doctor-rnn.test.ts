/**
 * Recurrent nets through time: the probe records ‖∂L/∂h_t‖ over t, the through-time Jacobian
 * profile and the spectral radius of weight_hh; the detector names vanishing and exploding
 * through time. Expected verdicts are justified by measurements made here, independently of the
 * doctor: hidden-state gradients from a hand-written unrolled loop with retainGrad, and the
 * spectral radius of a scaled orthogonal matrix (all eigenvalues have modulus `scale`).
 */
import { describe, expect, it } from 'vitest';
import { Generator, Tensor, add, autograd, linear, manualSeed, nn, noGrad, randn, select, tanh } from '../src/index.js';
import { Probe } from '../src/diagnostics/probe.js';
import { runDetectors } from '../src/diagnostics/detectors/index.js';
import { spectralRadius } from '../src/diagnostics/spectral.js';

const T = 30;

function rnnWith(scale: number): nn.RNN {
  manualSeed(7);
  const rnn = new nn.RNN(4, 24);
  const w = rnn.weightsOf(0).wHh;
  noGrad(() => {
    nn.init.orthogonal_(w);
    for (let i = 0; i < w.data.length; i++) w.data[i] *= scale;
  });
  return rnn;
}

const input = (): Tensor => {
  manualSeed(8);
  return randn([T, 6, 4]).mul(0.5);
};

/** ‖∂L/∂h_t‖ for L = Σ h_{T−1}, by an unrolled loop of the same cell with retainGrad. */
function handGradNorms(rnn: nn.RNN, x: Tensor): number[] {
  const { wIh, wHh, bIh, bHh } = rnn.weightsOf(0);
  let h = new Tensor(new Float32Array(6 * 24), [6, 24]);
  const hs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    h = tanh(add(linear(select(x, 0, t), wIh, bIh), linear(h, wHh, bHh)));
    autograd.retainGrad(h);
    hs.push(h);
  }
  h.sum().backward();
  return hs.map((s) => Math.hypot(...s.grad!.data));
}

function probeRun(rnn: nn.RNN, x: Tensor) {
  const p = new Probe(rnn, { every: 1 });
  const [out] = rnn.forward(x) as [Tensor, Tensor];
  select(out, 0, T - 1).sum().backward();
  const rec = p.step({ loss: 0 })!;
  p.detach();
  return rec;
}

describe('recurrent nets through time', () => {
  it('records ‖∂L/∂h_t‖ over t as an unrolled loop with retainGrad measures it', () => {
    const rnn = rnnWith(1);
    const x = input();
    const want = handGradNorms(rnn, x);
    rnn.zeroGrad();
    const l = probeRun(rnn, x).layers.find((y) => y.kind === 'recurrent')!;
    expect(l.timeSteps).toEqual(Array.from({ length: T }, (_, t) => t));
    l.timeGradNorm!.forEach((g, t) => expect(g).toBeCloseTo(want[t]!, 4));
    expect(l.spectralRadius).toBeCloseTo(1, 3);
    expect(l.timeJacobian![T - 1]).toBe(1);
  });

  it('estimates the spectral radius by power iteration (3·orthogonal: every |λ| is 3)', () => {
    const w = rnnWith(3).weightsOf(0).wHh;
    expect(spectralRadius(w, new Generator(1))).toBeCloseTo(3, 3);
    const r = randn([40, 40], { generator: new Generator(2) }).mul(0.5 / Math.sqrt(40)); // circular law: ρ ≈ 0.5
    expect(spectralRadius(r, new Generator(1))).toBeGreaterThan(0.4);
    expect(spectralRadius(r, new Generator(1))).toBeLessThan(0.6);
  });

  for (const [scale, id, ratio] of [
    [3, 'exploding-through-time', (a: number, b: number) => a / b > 100],
    [0.3, 'vanishing-through-time', (a: number, b: number) => a / b < 1e-2],
  ] as const)
    it(`a tanh RNN with spectral radius ${scale} gets '${id}' (and the other finding does not fire)`, () => {
      const rnn = rnnWith(scale);
      const x = input();
      const g = handGradNorms(rnn, x);
      // the independent measurement that justifies the verdict
      expect(ratio(g[0]!, g[T - 1]!)).toBe(true);
      rnn.zeroGrad();
      const rec = probeRun(rnn, x);
      const ids = runDetectors([rec]).map((f) => f.id);
      expect(ids).toContain(id);
      expect(ids).not.toContain(id === 'exploding-through-time' ? 'vanishing-through-time' : 'exploding-through-time');
      const f = runDetectors([rec]).find((y) => y.id === id)!;
      expect(f.layers).toEqual(['']);
      expect(f.evidence.spectralRadius).toBeCloseTo(scale, 3);
    });

  it('an orthogonal tanh RNN (spectral radius 1) gets neither finding', () => {
    const rnn = rnnWith(1);
    const x = input();
    const g = handGradNorms(rnn, x);
    expect(g[0]! / g[T - 1]!).toBeGreaterThan(1e-2);
    expect(g[0]! / g[T - 1]!).toBeLessThan(100);
    rnn.zeroGrad();
    const ids = runDetectors([probeRun(rnn, x)]).map((f) => f.id);
    expect(ids).not.toContain('vanishing-through-time');
    expect(ids).not.toContain('exploding-through-time');
  });

  it('follows hidden states across calls of an nn.RNNCell in a user loop', () => {
    manualSeed(9);
    const cell = new nn.RNNCell(3, 8);
    class Loop extends nn.Sequential {}
    const net = new Loop(cell);
    const p = new Probe(net, { every: 1 });
    let h: Tensor | null = null;
    const x = randn([12, 2, 3]);
    for (let t = 0; t < 12; t++) h = cell.forward(select(x, 0, t), h);
    h!.sum().backward();
    const l = p.step()!.layers.find((y) => y.name === '0')!;
    expect(l.calls).toBe(12);
    expect(l.timeGradNorm!.length).toBe(12);
    expect(l.timeGradNorm![11]).toBeCloseTo(Math.sqrt(2 * 8), 5); // ∂L/∂h_T = 1 for every element
  });
});

/** Gated layers: h_t is what the layer outputs (not an activation's output); their cell state carries memory too. */
describe('gated recurrent layers through time (LSTM, GRU)', () => {
  const Tg = 10;
  const seq = (): Tensor => {
    manualSeed(11);
    return randn([Tg, 3, 4]);
  };

  /** ‖∂L/∂h_t‖ for L = Σ h_{T−1} by an unrolled loop of a cell holding the layer's own weights, with retainGrad. */
  function cellLoop(kind: 'LSTM' | 'GRU', layer: nn.LSTM | nn.GRU, x: Tensor): number[] {
    const cell = kind === 'LSTM' ? new nn.LSTMCell(4, 8) : new nn.GRUCell(4, 8);
    noGrad(() => {
      cell.weight_ih.data.set(layer.weight_ih_l0.data);
      cell.weight_hh.data.set(layer.weight_hh_l0.data);
      cell.bias_ih!.data.set(layer.bias_ih_l0.data);
      cell.bias_hh!.data.set(layer.bias_hh_l0.data);
    });
    let st: Tensor[] | null = null;
    const hs: Tensor[] = [];
    for (let t = 0; t < Tg; t++) {
      const xt = select(x, 0, t);
      st = cell instanceof nn.LSTMCell ? cell.forward(xt, st as [Tensor, Tensor] | null) : [cell.forward(xt, st?.[0] ?? null)];
      autograd.retainGrad(st[0]!);
      hs.push(st[0]!);
    }
    st![0]!.sum().backward();
    return hs.map((h) => Math.hypot(...h.grad!.data));
  }

  for (const kind of ['LSTM', 'GRU'] as const)
    it(`${kind}: ‖∂L/∂h_t‖ over t equals an unrolled ${kind}Cell loop with retainGrad; the Jacobian profile ends at 1`, () => {
      manualSeed(12);
      const layer = kind === 'LSTM' ? new nn.LSTM(4, 8) : new nn.GRU(4, 8);
      const x = seq();
      const want = cellLoop(kind, layer, x);
      const p = new Probe(layer, { every: 1 });
      const [out] = layer.forward(x) as [Tensor, unknown];
      select(out, 0, Tg - 1).sum().backward();
      const l = p.step({ loss: 0 })!.layers.find((y) => y.kind === 'recurrent')!;
      p.detach();
      expect(l.timeSteps).toEqual(Array.from({ length: Tg }, (_, t) => t));
      l.timeGradNorm!.forEach((g, t) => expect(g).toBeCloseTo(want[t]!, 5));
      expect(l.timeJacobian!.length).toBe(Tg);
      expect(l.timeJacobian![Tg - 1]).toBe(1);
      expect(l.timeJacobian!.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    });

  it('batch-first and bidirectional layers: the forward direction of the output is followed', () => {
    manualSeed(13);
    const layer = new nn.LSTM(4, 8, { batchFirst: true, bidirectional: true });
    const p = new Probe(layer, { every: 1 });
    const [out] = layer.forward(randn([3, Tg, 4])) as [Tensor, unknown];
    out.sum().backward();
    const l = p.step({ loss: 0 })!.layers.find((y) => y.kind === 'recurrent')!;
    p.detach();
    expect(l.timeGradNorm!.length).toBe(Tg);
    expect(l.timeJacobian!.length).toBe(Tg);
  });

  it('an LSTMCell called in a user loop: its outputs over the calls are the hidden states', () => {
    manualSeed(14);
    const cell = new nn.LSTMCell(3, 8);
    class Loop extends nn.Sequential {}
    const p = new Probe(new Loop(cell), { every: 1 });
    let st: [Tensor, Tensor] | null = null;
    const x = randn([12, 2, 3]);
    for (let t = 0; t < 12; t++) st = cell.forward(select(x, 0, t), st);
    st![0].sum().backward();
    const l = p.step()!.layers.find((y) => y.name === '0')!;
    p.detach();
    expect(l.calls).toBe(12);
    expect(l.timeGradNorm!.length).toBe(12);
    expect(l.timeGradNorm![11]).toBeCloseTo(Math.sqrt(2 * 8), 5); // ∂L/∂h_T = 1 for every element
  });
});
