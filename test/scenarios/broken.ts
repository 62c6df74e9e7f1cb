/**
 * Broken networks: each with the finding the doctor must raise and a measurement, made here
 * without the doctor, that shows the problem is real.
 */
import { Module, Tensor, manualSeed, nn, noGrad, optim, F } from '../../src/index.js';
import { ce, images, initWeights, mlp, mse, regression, SeqNet, sequences, setup, teacher } from './data.js';
import { activations, deadShare, depthProfile, duplicatedLayers, ends, firstNonFinite, lossCurve, saturationShare, timeSensitivity, updateRatio } from './measure.js';
import type { Measured, Scenario, Setup } from './types.js';

const DATA = () => teacher(4, 64, 32, 10);
const deep = (activation: nn.ActivationName, init: nn.WeightInit, depth = 10, width = 64, extra: Partial<nn.MlpOptions> = {}) =>
  mlp({ inFeatures: 32, hidden: Array(depth).fill(width), outFeatures: 10, activation, init, ...extra });

const vanishingClaim = (s: Setup, below = 0.05): Measured => {
  const p = depthProfile(s);
  return { values: { gradRatio: p.ratio, perLayerFactor: p.factor }, claim: `‖∂L/∂h_first‖/‖∂L/∂h_last‖ < ${below}`, supports: p.ratio < below };
};
const collapseClaim = (s: Setup): Measured => {
  const p = depthProfile(s);
  return { values: { msRatio: p.msRatio, gradRatio: p.ratio }, claim: 'mean square of the last weight layer’s output < 1e-2 × the first’s', supports: p.msRatio < 1e-2 };
};
const explosionClaim = (s: Setup): Measured => {
  const p = depthProfile(s);
  return { values: { msRatio: p.msRatio, gradRatio: p.ratio }, claim: 'mean square of the last weight layer’s output > 100 × the first’s', supports: p.msRatio > 100 };
};
const saturationClaim = (s: Setup, kind: 'tanh' | 'sigmoid', cls: abstract new (...a: any[]) => Module): Measured => {
  const shares = activations(s, [cls]).map((t) => saturationShare(t, kind));
  const worst = Math.max(...shares);
  return { values: { worstSaturation: worst, layers: shares.length }, claim: `a ${kind} layer with > 30 % of its outputs beyond 0.97`, supports: worst > 0.3 };
};
const stalls = (s: Setup, steps = 30): Measured => {
  const c = lossCurve(s, steps);
  const { first, last } = ends(c);
  return { values: { lossFirst: first, lossLast: last }, claim: 'the loss falls by less than 5 % over 30 steps', supports: last > 0.95 * first };
};

/** A custom layer that makes a NaN or an Inf at its `at`-th call, in the forward or the backward pass. */
export class Faulty extends Module {
  calls = 0;
  constructor(readonly what: 'nan-forward' | 'inf-forward' | 'nan-backward' | 'inf-backward', readonly at: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    const k = this.calls++;
    if (k !== this.at) return x;
    switch (this.what) {
      case 'nan-forward':
        return x.sub(x.detach()).sub(1).log().add(x); // log(−1): NaN in the forward pass
      case 'inf-forward':
        return x.sub(x.detach()).add(200).exp().add(x); // e^200 overflows float32
      case 'nan-backward':
        return x.add(x.mul(0).sqrt()); // value x; backward: 0 · (1/(2√0)) = 0·∞ = NaN
      case 'inf-backward':
        return x.add(x.sub(x.detach()).sqrt()); // value x; backward: 1/(2√0) = ∞
    }
  }
}

class FaultyNet extends Module {
  l0 = new nn.Linear(32, 64);
  a0 = new nn.Tanh();
  l1 = new nn.Linear(64, 64);
  a1 = new nn.Tanh();
  fault: Faulty;
  l2 = new nn.Linear(64, 64);
  a2 = new nn.Tanh();
  l3 = new nn.Linear(64, 10);
  constructor(what: Faulty['what'], at: number) {
    super();
    this.fault = new Faulty(what, at);
  }
  forward(x: Tensor): Tensor {
    let h = this.a1.forward(this.l1.forward(this.a0.forward(this.l0.forward(x)))) as Tensor;
    h = this.fault.forward(h);
    return this.l3.forward(this.a2.forward(this.l2.forward(h))) as Tensor;
  }
}

function faulty(what: Faulty['what'], at: number): Scenario {
  const build = (): Setup => {
    manualSeed(5);
    // Xavier with tanh's gain: apart from the fault, a healthy net
    const m = initWeights(new FaultyNet(what, at), (w) => nn.init.xavierNormal_(w, { gain: 5 / 3 }), (b) => nn.init.zeros_(b));
    return setup(m, DATA(), 'adam', 1e-3, { steps: 6 });
  };
  const pass = what.endsWith('forward') ? 'forward' : 'backward';
  return {
    name: `${what} at step ${at} in a custom layer`,
    healthy: false,
    about: `a custom layer makes ${what.startsWith('nan') ? 'a NaN' : 'an Inf'} in the ${pass} pass at its call ${at}`,
    expect: ['non-finite'],
    needs: ['origin'],
    build,
    measure: () => {
      const r = firstNonFinite(build(), 6);
      return {
        values: { step: r.step, inLoss: Number(r.inLoss), inGrads: Number(r.inGrads) },
        claim: `training turns non-finite at step ${at} (${pass === 'forward' ? 'the loss' : 'the gradients, with a finite loss'})`,
        supports: r.step === at && (pass === 'forward' ? r.inLoss : !r.inLoss && r.inGrads),
      };
    },
    check: (fs) => {
      const f = fs.find((x) => x.id === 'non-finite');
      if (!f) return 'no non-finite finding';
      if (fs[0] !== f) return `the non-finite origin is not the first finding (first: ${fs[0]!.id})`;
      if (f.layers[0] !== 'fault') return `the origin is placed at '${f.layers[0]}', not at the custom layer 'fault'`;
      if (f.evidence.pass !== undefined && f.evidence.pass !== pass) return `the origin is said to be in the ${String(f.evidence.pass)} pass`;
      if (fs.some((x) => x.id === 'exploding-gradients')) return 'also reported as exploding gradients';
      return null;
    },
  };
}

/** A custom forward calling activations as functions (no activation module to watch). */
class FunctionalNet extends Module {
  layers: nn.ModuleList;
  constructor(readonly act: 'tanh' | 'relu' | 'sigmoid', depth: number) {
    super();
    this.layers = new nn.ModuleList(Array.from({ length: depth }, (_, i) => new nn.Linear(i === 0 ? 32 : 64, i === depth - 1 ? 10 : 64)));
  }
  forward(x: Tensor): Tensor {
    const ls = [...this.layers.children()] as nn.Linear[];
    let h = x;
    ls.forEach((l, i) => {
      h = l.forward(h) as Tensor;
      if (i < ls.length - 1) h = this.act === 'tanh' ? F.tanh(h) : this.act === 'relu' ? F.relu(h) : F.sigmoid(h);
    });
    return h;
  }
  /** The hidden activations, for the measurement. */
  hidden(x: Tensor): Tensor[] {
    const out: Tensor[] = [];
    const ls = [...this.layers.children()] as nn.Linear[];
    let h = x;
    ls.slice(0, -1).forEach((l) => {
      h = l.forward(h) as Tensor;
      h = this.act === 'tanh' ? F.tanh(h) : this.act === 'relu' ? F.relu(h) : F.sigmoid(h);
      out.push(h);
    });
    return out;
  }
}

function rnnRadius(radius: number): Scenario {
  const build = (): Setup => {
    manualSeed(7);
    const rnn = new nn.RNN(4, 32);
    noGrad(() => {
      nn.init.orthogonal_(rnn.weightsOf(0).wHh);
      rnn.weightsOf(0).wHh.data.forEach((v, i, a) => (a[i] = v * radius));
    });
    const m = new SeqNet(rnn, 32);
    return { ...setup(m, sequences(4, 40, 16, 4), 'sgd', 1e-2), lossFn: mse, steps: 6 };
  };
  const exploding = radius > 1;
  return {
    name: `tanh RNN, recurrent spectral radius ${radius}`,
    healthy: false,
    about: `orthogonal W_hh scaled by ${radius}, 40 time steps; the target needs the first 3 steps`,
    expect: [exploding ? 'exploding-through-time' : 'vanishing-through-time'],
    allow: exploding ? ['exploding-gradients', 'saturation'] : ['vanishing-gradients'],
    needs: ['time'],
    build,
    measure: () => {
      const t = timeSensitivity(build());
      return {
        values: { sensitivityFirstOverLast: t.ratio },
        claim: exploding ? '‖∂L/∂x₀‖/‖∂L/∂x_T‖ > 10' : '‖∂L/∂x₀‖/‖∂L/∂x_T‖ < 1e-3',
        supports: exploding ? t.ratio > 10 : t.ratio < 1e-3,
      };
    },
  };
}

class ConvNet extends Module {
  body: nn.Sequential;
  head: nn.Linear;
  constructor(depth: number, act: () => Module) {
    super();
    const layers: Module[] = [];
    for (let i = 0; i < depth; i++) layers.push(new nn.Conv2d(i === 0 ? 3 : 16, 16, 3, { padding: 1 }), act());
    this.body = new nn.Sequential(...layers);
    this.head = new nn.Linear(16, 10);
  }
  forward(x: Tensor): Tensor {
    const h = this.body.forward(x) as Tensor;
    return this.head.forward(h.mean([2, 3])) as Tensor;
  }
}

const conv = (depth: number, w: (t: Tensor) => void, act: () => Module = () => new nn.ReLU()): Module => {
  manualSeed(9);
  return initWeights(new ConvNet(depth, act), w, (b) => nn.init.zeros_(b));
};

export const BROKEN: Scenario[] = [
  {
    name: 'sigmoid ×10, PyTorch default init, SGD',
    healthy: false,
    about: "sigmoid's derivative is at most ¼: the gradient shrinks ≥ 4× per layer",
    expect: ['vanishing-gradients'],
    allow: ['activation-collapse'],
    build: () => setup(deep('sigmoid', 'default'), DATA(), 'sgd', 0.1),
    measure() { return vanishingClaim(this.build(), 1e-3); },
  },
  {
    name: 'sigmoid ×10, Xavier, SGD',
    healthy: false,
    about: 'Xavier keeps the pre-activation scale but sigmoid still passes ≤ ¼ of the gradient',
    expect: ['vanishing-gradients'],
    allow: ['activation-collapse'],
    build: () => setup(deep('sigmoid', 'xavierNormal'), DATA(), 'sgd', 0.1),
    measure() { return vanishingClaim(this.build(), 1e-3); },
  },
  {
    name: 'sigmoid ×10, N(0, 1)',
    healthy: false,
    about: 'σ√n = 8: most pre-activations far beyond ±4',
    expect: ['saturation'],
    allow: ['vanishing-gradients'],
    build: () => setup(deep('sigmoid', { normal: 1 }), DATA(), 'sgd', 0.1),
    measure() { return saturationClaim(this.build(), 'sigmoid', nn.Sigmoid); },
  },
  {
    name: 'sigmoid ×6, U(−1.5, 1.5)',
    healthy: false,
    about: 'σ√n ≈ 6.9: saturated sigmoids',
    expect: ['saturation'],
    allow: ['vanishing-gradients'],
    build: () => setup(deep('sigmoid', { uniform: 1.5 }, 6), DATA(), 'sgd', 0.1),
    measure() { return saturationClaim(this.build(), 'sigmoid', nn.Sigmoid); },
  },
  {
    name: 'tanh ×10, N(0, 0.01)',
    healthy: false,
    about: 'σ²n = 0.0064: the signal and the gradient shrink every layer',
    expect: ['vanishing-gradients', 'activation-collapse'],
    build: () => setup(deep('tanh', { normal: 0.01 }), DATA(), 'sgd', 0.1),
    measure() { return collapseClaim(this.build()); },
  },
  {
    name: 'tanh ×10, N(0, 0.5)',
    healthy: false,
    about: 'σ√n = 4: tanh saturates',
    expect: ['saturation'],
    allow: ['vanishing-gradients', 'exploding-gradients'],
    build: () => setup(deep('tanh', { normal: 0.5 }), DATA(), 'sgd', 0.01),
    measure() { return saturationClaim(this.build(), 'tanh', nn.Tanh); },
  },
  {
    name: 'tanh ×8, U(−1, 1)',
    healthy: false,
    about: 'σ√n ≈ 4.6: tanh saturates',
    expect: ['saturation'],
    allow: ['vanishing-gradients', 'exploding-gradients'],
    build: () => setup(deep('tanh', { uniform: 1 }, 8), DATA(), 'sgd', 0.01),
    measure() { return saturationClaim(this.build(), 'tanh', nn.Tanh); },
  },
  {
    name: 'tanh ×10, N(0, 0.05)',
    healthy: false,
    about: 'σ²n = 0.16: collapse of the signal and of the gradient',
    expect: ['activation-collapse', 'vanishing-gradients'],
    build: () => setup(deep('tanh', { normal: 0.05 }), DATA(), 'sgd', 0.1),
    measure() { return collapseClaim(this.build()); },
  },
  {
    name: 'ReLU ×12, N(0, 0.01)',
    healthy: false,
    about: 'σ²n/2 = 0.0032 per layer',
    expect: ['activation-collapse', 'vanishing-gradients'],
    allow: ['dead-units'],
    build: () => setup(deep('relu', { normal: 0.01 }, 12), DATA(), 'sgd', 0.1),
    measure() { return collapseClaim(this.build()); },
  },
  {
    name: 'ReLU ×16, Xavier',
    healthy: false,
    about: 'Xavier halves the signal per ReLU layer',
    expect: ['activation-collapse'],
    allow: ['vanishing-gradients'],
    build: () => setup(deep('relu', 'xavierNormal', 16), DATA(), 'sgd', 0.05),
    measure() { return collapseClaim(this.build()); },
  },
  {
    name: 'tanh, constant init 0.05',
    healthy: false,
    about: 'every hidden unit has the same weights',
    expect: ['broken-symmetry'],
    allow: ['vanishing-gradients', 'activation-collapse', 'activation-explosion', 'saturation'],
    build: () => setup(deep('tanh', { constant: 0.05 }, 3), DATA(), 'sgd', 0.1),
    measure() {
      const n = duplicatedLayers(this.build());
      return { values: { duplicatedLayers: n }, claim: '≥ 2 weight matrices with ≥ 50 % duplicated rows', supports: n >= 2 };
    },
  },
  {
    name: 'ReLU, zero init',
    healthy: false,
    about: 'all weights 0: every unit identical (and silent)',
    expect: ['broken-symmetry'],
    allow: ['vanishing-gradients', 'activation-collapse', 'dead-units'],
    build: () => setup(deep('relu', { constant: 0 }, 3), DATA(), 'sgd', 0.1),
    measure() {
      const n = duplicatedLayers(this.build());
      return { values: { duplicatedLayers: n }, claim: '≥ 2 weight matrices with ≥ 50 % duplicated rows', supports: n >= 2 };
    },
  },
  {
    name: 'ReLU ×4, biases −3 (dead)',
    healthy: false,
    about: 'Kaiming weights with biases at −3: most ReLUs never fire',
    expect: ['dead-units'],
    allow: ['vanishing-gradients', 'activation-collapse'],
    build: () => setup(deep('relu', 'kaimingNormal', 4, 64, { initBias: { constant: -3 } }), DATA(), 'sgd', 0.05),
    measure() {
      const shares = activations(this.build(), [nn.ReLU]).map(deadShare);
      const worst = Math.max(...shares);
      return { values: { worstDead: worst }, claim: 'a ReLU layer with > 60 % of its units ≤ 0 on the whole batch', supports: worst > 0.6 };
    },
  },
  {
    name: 'LeakyReLU ×6, Kaiming, biases −1',
    healthy: false,
    about: 'pre-activations below zero: every unit on the 0.01 slope — vanishing, but no unit is dead (LeakyReLU cannot die)',
    expect: ['vanishing-gradients'],
    allow: ['activation-collapse'],
    build: () => setup(deep('leakyRelu', 'kaimingNormal', 6, 64, { initBias: { constant: -1 } }), DATA(), 'adam', 1e-3),
    measure() { return vanishingClaim(this.build(), 1e-3); },
    check: (fs) => (fs.some((f) => f.id === 'dead-units') ? 'LeakyReLU units reported dead' : null),
  },
  {
    name: 'deep linear ×10, orthogonal gain 1.6',
    healthy: false,
    about: 'no nonlinearity, every layer multiplies norms by 1.6',
    expect: ['activation-explosion', 'exploding-gradients'],
    build: () => {
      const m = mlp({ inFeatures: 32, hidden: Array(10).fill(64), outFeatures: 10, activation: 'identity', init: (w) => nn.init.orthogonal_(w, { gain: 1.6 }), initBias: 'zeros' });
      return setup(m, DATA(), 'adam', 1e-3);
    },
    measure() { return explosionClaim(this.build()); },
  },
  {
    name: 'deep linear ×8, Xavier gain 2',
    healthy: false,
    about: 'Xavier with gain 2: variance ×4 per layer',
    expect: ['activation-explosion', 'exploding-gradients'],
    build: () => {
      const m = mlp({ inFeatures: 32, hidden: Array(8).fill(64), outFeatures: 10, activation: 'identity', init: (w) => nn.init.xavierNormal_(w, { gain: 2 }), initBias: 'zeros' });
      return setup(m, DATA(), 'adam', 1e-3);
    },
    measure() { return explosionClaim(this.build()); },
  },
  faulty('nan-forward', 2),
  faulty('inf-forward', 3),
  faulty('nan-backward', 2),
  faulty('inf-backward', 3),
  rnnRadius(3),
  rnnRadius(0.3),
  {
    name: 'LSTM, PyTorch default init (forget-gate bias 0), 12 steps',
    healthy: false,
    about: 'forget gate ≈ ½ at the start: the cell forgets half of itself per step',
    expect: ['vanishing-through-time'],
    needs: ['time', 'lstm'],
    build: () => {
      manualSeed(8);
      const m = new SeqNet(new (nn as unknown as Record<string, new (i: number, h: number) => Module>).LSTM!(4, 32), 32);
      return { ...setup(m, sequences(4, 12, 32, 4), 'adam', 3e-3), lossFn: mse, steps: 6 };
    },
    measure() {
      const t = timeSensitivity(this.build());
      return { values: { sensitivityFirstOverLast: t.ratio }, claim: '‖∂L/∂x₀‖/‖∂L/∂x_T‖ < 1e-2 (the healthy recurrent recipes measure > 1e-2)', supports: t.ratio < 1e-2 };
    },
  },
  {
    name: 'GRU, PyTorch default init (update-gate bias 0), 12 steps',
    healthy: false,
    about: 'update gate ≈ ½ at the start: h_t keeps about half of h_{t−1} per step',
    expect: ['vanishing-through-time'],
    needs: ['time', 'lstm'],
    build: () => {
      manualSeed(8);
      const m = new SeqNet(new (nn as unknown as Record<string, new (i: number, h: number) => Module>).GRU!(4, 32), 32);
      return { ...setup(m, sequences(4, 12, 32, 4), 'adam', 3e-3), lossFn: mse, steps: 6 };
    },
    measure() {
      const t = timeSensitivity(this.build());
      return { values: { sensitivityFirstOverLast: t.ratio }, claim: '‖∂L/∂x₀‖/‖∂L/∂x_T‖ < 1e-2 (the healthy recurrent recipes measure > 1e-2)', supports: t.ratio < 1e-2 };
    },
  },
  {
    name: 'Adam at lr 1 (1000× its default)',
    healthy: false,
    about: 'every step moves each weight by ≈ 1',
    expect: ['update-ratio-high'],
    allow: ['dead-units', 'saturation', 'exploding-gradients', 'vanishing-gradients', 'non-finite'],
    build: () => setup(deep('relu', 'kaimingNormal', 3), DATA(), 'adam', 1),
    measure() {
      const r = updateRatio(this.build());
      return { values: { updateRatio: r }, claim: 'median ‖Δw‖/‖w‖ > 0.1', supports: r > 0.1 };
    },
  },
  {
    name: 'SGD at lr 3 (ReLU MLP)',
    healthy: false,
    about: 'steps far larger than the curvature allows',
    expect: ['update-ratio-high'],
    allow: ['dead-units', 'exploding-gradients', 'non-finite', 'vanishing-gradients', 'activation-explosion'],
    build: () => setup(deep('relu', 'kaimingNormal', 3), DATA(), 'sgd', 3),
    measure() {
      const r = updateRatio(this.build());
      return { values: { updateRatio: r }, claim: 'median ‖Δw‖/‖w‖ > 0.1', supports: r > 0.1 };
    },
  },
  {
    name: 'SGD at lr 1e-6',
    healthy: false,
    about: 'a Kaiming ReLU MLP that does not move',
    expect: ['update-ratio-low'],
    build: () => setup(deep('relu', 'kaimingNormal', 3), DATA(), 'sgd', 1e-6),
    measure() {
      const s = this.build();
      const r = updateRatio(s);
      const st = stalls(this.build());
      return { values: { updateRatio: r, ...st.values }, claim: 'median ‖Δw‖/‖w‖ < 1e-5 and the loss does not fall', supports: r < 1e-5 && st.supports };
    },
  },
  {
    name: 'Adam at lr 1e-7',
    healthy: false,
    about: 'Adam moves each weight by ≈ 1e-7 per step',
    expect: ['update-ratio-low'],
    build: () => setup(deep('tanh', 'xavierNormal', 3), DATA(), 'adam', 1e-7),
    measure() {
      const r = updateRatio(this.build());
      const st = stalls(this.build());
      return { values: { updateRatio: r, ...st.values }, claim: 'median ‖Δw‖/‖w‖ < 1e-5 and the loss does not fall', supports: r < 1e-5 && st.supports };
    },
  },
  {
    name: 'functional tanh ×8, N(0, 0.5)',
    healthy: false,
    about: 'F.tanh in a custom forward, σ√n = 4',
    expect: ['saturation'],
    allow: ['vanishing-gradients', 'exploding-gradients'],
    needs: ['functional'],
    build: () => {
      manualSeed(11);
      const m = initWeights(new FunctionalNet('tanh', 8), (w) => nn.init.normal_(w, 0, 0.5), (b) => nn.init.zeros_(b));
      return setup(m, DATA(), 'sgd', 0.01);
    },
    measure() {
      const s = this.build();
      const shares = (s.model as FunctionalNet).hidden(s.data[0]![0]).map((t) => saturationShare(t, 'tanh'));
      return { values: { worstSaturation: Math.max(...shares) }, claim: 'a hidden F.tanh with > 30 % of its outputs beyond 0.97', supports: Math.max(...shares) > 0.3 };
    },
  },
  {
    name: 'functional ReLU, biases −3',
    healthy: false,
    about: 'F.relu in a custom forward with biases at −3',
    expect: ['dead-units'],
    allow: ['vanishing-gradients', 'activation-collapse'],
    needs: ['functional'],
    build: () => {
      manualSeed(12);
      const m = initWeights(new FunctionalNet('relu', 4), (w) => nn.init.kaimingNormal_(w), (b) => nn.init.constant_(b, -3));
      return setup(m, DATA(), 'sgd', 0.05);
    },
    measure() {
      const s = this.build();
      const shares = (s.model as FunctionalNet).hidden(s.data[0]![0]).map(deadShare);
      return { values: { worstDead: Math.max(...shares) }, claim: 'a hidden F.relu with > 60 % dead units', supports: Math.max(...shares) > 0.6 };
    },
  },
  {
    name: 'CNN ×8 ReLU, N(0, 0.01)',
    healthy: false,
    about: 'fan_in 144: σ²·fan_in/2 ≈ 0.007 per layer',
    expect: ['activation-collapse', 'vanishing-gradients'],
    allow: ['dead-units'],
    build: () => setup(conv(8, (w) => nn.init.normal_(w, 0, 0.01)), images(2, 16, 3, 8, 10), 'sgd', 0.1, { steps: 4 }),
    measure() { return collapseClaim(this.build()); },
  },
  {
    name: 'CNN ×6 ReLU, N(0, 0.3)',
    healthy: false,
    about: 'fan_in 144: σ²·fan_in/2 ≈ 6.5 per layer',
    expect: ['activation-explosion'],
    allow: ['exploding-gradients', 'update-ratio-high', 'non-finite'],
    build: () => setup(conv(6, (w) => nn.init.normal_(w, 0, 0.3)), images(2, 16, 3, 8, 10), 'adam', 1e-3, { steps: 4 }),
    measure() { return explosionClaim(this.build()); },
  },
  {
    name: 'residual MLP ×8 (ReLU), N(0, 0.5)',
    healthy: false,
    about: 'residual blocks x + f(x) whose f multiplies the scale by σ√(n/2) ≈ 2.8',
    expect: ['activation-explosion'],
    allow: ['exploding-gradients', 'update-ratio-high'],
    build: () => setup(deep('relu', { normal: 0.5 }, 8, 64, { residual: true }), DATA(), 'adam', 1e-3),
    measure() { return explosionClaim(this.build()); },
  },
];

export { ce, mse, regression, optim };
