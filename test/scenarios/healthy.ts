/**
 * Healthy standard recipes: the doctor must raise no warning. Each one's health is measured
 * here without the doctor: the loss of a plain training loop falls clearly, and the gradient at
 * the first layer is within a factor 10 of the one at the last.
 */
import { Module, Tensor, manualSeed, nn, noGrad, randn } from '../../src/index.js';
import { ce, images, initWeights, mlp, mse, regression, SeqNet, sequences, setup, teacher } from './data.js';
import { depthProfile, ends, lossCurve, timeSensitivity } from './measure.js';
import type { Measured, Scenario, Setup } from './types.js';

const DATA = () => teacher(4, 64, 32, 10);
const net = (activation: nn.ActivationName, init: nn.WeightInit, depth = 6, extra: Partial<nn.MlpOptions> = {}) =>
  mlp({ inFeatures: 32, hidden: Array(depth).fill(64), outFeatures: 10, activation, init, ...extra });

/** The loss falls to below `frac` of its start within `steps` plain steps, and gradients keep their scale through depth. */
function trains(build: () => Setup, steps = 60, frac = 0.7, gradBand = 10): Measured {
  const c = lossCurve(build(), steps);
  const { first, last } = ends(c);
  const p = depthProfile(build());
  const fine = p.ratio > 1 / gradBand && p.ratio < gradBand;
  return {
    values: { lossFirst: first, lossLast: last, gradRatio: p.ratio },
    claim: `the loss falls below ${frac} × its start in ${steps} steps and ‖∂L/∂h_first‖/‖∂L/∂h_last‖ is within [1/${gradBand}, ${gradBand}]`,
    supports: Number.isFinite(last) && last < frac * first && fine,
  };
}

/** Only the loss curve (recurrent nets, where the depth profile is one layer). */
function lossFalls(build: () => Setup, steps = 60, frac = 0.7): Measured {
  const { first, last } = ends(lossCurve(build(), steps));
  return { values: { lossFirst: first, lossLast: last }, claim: `the loss falls below ${frac} × its start in ${steps} steps`, supports: last < frac * first };
}

/** Recurrent nets: the loss falls, and the first time step still reaches the loss (‖∂L/∂x₀‖/‖∂L/∂x_T‖ > 1e-2). */
function remembers(build: () => Setup, steps = 80, frac = 0.7): Measured {
  const l = lossFalls(build, steps, frac);
  const t = timeSensitivity(build());
  return { values: { ...l.values, sensitivityFirstOverLast: t.ratio }, claim: `${l.claim}, and ‖∂L/∂x₀‖/‖∂L/∂x_T‖ > 1e-2`, supports: l.supports && t.ratio > 1e-2 };
}

function healthy(name: string, about: string, build: () => Setup, measure: (b: () => Setup) => Measured = (b) => trains(b), needs?: Scenario['needs']): Scenario {
  return { name, about, healthy: true, expect: [], build, measure: () => measure(build), ...(needs ? { needs } : {}) };
}

class ConvNet extends Module {
  body: nn.Sequential;
  head: nn.Linear;
  constructor(depth: number, norm: 'none' | 'batch' | 'group') {
    super();
    const layers: Module[] = [];
    for (let i = 0; i < depth; i++) {
      layers.push(new nn.Conv2d(i === 0 ? 3 : 16, 16, 3, { padding: 1 }));
      if (norm === 'batch') layers.push(new nn.BatchNorm2d(16));
      if (norm === 'group') layers.push(new nn.GroupNorm(4, 16));
      layers.push(new nn.ReLU());
    }
    this.body = new nn.Sequential(...layers);
    this.head = new nn.Linear(16, 10);
  }
  forward(x: Tensor): Tensor {
    return this.head.forward((this.body.forward(x) as Tensor).mean([2, 3])) as Tensor;
  }
}

const convNet = (depth: number, norm: 'none' | 'batch' | 'group', kaiming: boolean): Module => {
  manualSeed(13);
  const m = new ConvNet(depth, norm);
  return kaiming ? initWeights(m, (w) => nn.init.kaimingNormal_(w), (b) => nn.init.zeros_(b)) : m;
};

const rnnNet = (kind: 'RNN' | 'LSTM' | 'GRU', orthogonal: boolean): Module => {
  manualSeed(14);
  const ctor = (nn as unknown as Record<string, new (i: number, h: number) => Module>)[kind]!;
  const rnn = new ctor(4, 32);
  if (orthogonal && rnn instanceof nn.RNN) nn.init.orthogonal_(rnn.weightsOf(0).wHh);
  // the usual practice for gated layers: open the memory gate at the start (LSTM: forget-gate
  // bias 1, Jozefowicz et al. 2015; GRU: update-gate bias 1, so h_t keeps most of h_{t-1})
  const bias = (rnn as unknown as Record<string, Tensor | undefined>).bias_hh_l0;
  if (kind !== 'RNN' && bias) noGrad(() => bias.data.fill(1, 32, 64));
  return new SeqNet(rnn, 32);
};
const seqSetup = (m: Module, opt: 'adam' | 'sgd' = 'adam', lr = 3e-3): Setup => ({ ...setup(m, sequences(4, 12, 32, 4), opt, lr), lossFn: mse });

/** The README's training example, exactly (its doctor section probes this loop). */
function readme(): Setup {
  manualSeed(0);
  const x = randn([256, 20]);
  const y = x.narrow(1, 0, 4).argmax(1);
  const model = nn.mlp({ inFeatures: 20, hidden: [64, 64, 64, 64, 64, 64], outFeatures: 4, activation: 'tanh', init: 'xavierNormal' });
  return { ...setup(model, [[x, y]], 'adam', 1e-3, { steps: 60, clipGradNorm: 1 }) };
}

export const HEALTHY: Scenario[] = [
  healthy('ReLU MLP ×4, PyTorch default init, Adam', 'the issue’s case: trains 2.3 → 0.01', () => setup(net('relu', 'default', 4), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100, 0.3, 100)),
  healthy('ReLU MLP ×4, PyTorch default init, SGD momentum', 'lr 0.05, momentum 0.9', () => setup(net('relu', 'default', 4), DATA(), 'momentum', 0.05, { steps: 20 }), (b) => trains(b, 100, 0.7, 100)),
  healthy('tanh MLP ×6, PyTorch default init, SGD', 'the lecture’s MLP, shallow enough', () => setup(net('tanh', 'default', 6), DATA(), 'momentum', 0.05, { steps: 20 }), (b) => trains(b, 100, 0.7, 100)),
  healthy('tanh MLP ×6, Xavier, SGD', 'Xavier with gain 1', () => setup(net('tanh', 'xavierNormal'), DATA(), 'momentum', 0.05, { steps: 20 }), (b) => trains(b, 100)),
  healthy('tanh MLP ×6, Xavier, Adam + clipping (README)', 'the README example', () => setup(net('tanh', 'xavierNormal'), DATA(), 'adam', 1e-3, { steps: 30, clipGradNorm: 1 }), (b) => trains(b, 100)),
  healthy('ReLU MLP ×6, Kaiming, SGD', 'He init', () => setup(net('relu', 'kaimingNormal'), DATA(), 'momentum', 0.02, { steps: 20 }), (b) => trains(b, 100)),
  healthy('ReLU MLP ×6, Kaiming, Adam', 'He init, Adam', () => setup(net('relu', 'kaimingNormal'), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('ReLU MLP ×6, Kaiming, dropout 0.2 (train mode)', 'dropout scales survivors by 1/(1−p)', () => setup(net('relu', 'kaimingNormal', 6, { dropout: 0.2 }), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('ReLU MLP ×6, Kaiming, dropout 0.5 (train mode)', 'dropout 0.5 doubles the mean square per layer', () => setup(net('relu', 'kaimingNormal', 6, { dropout: 0.5 }), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100, 0.8)),
  healthy('ReLU MLP ×4, AdamW weight decay 0.05', 'decoupled weight decay', () => setup(net('relu', 'kaimingNormal', 4), DATA(), 'adamw', 1e-3, { steps: 20, weightDecay: 0.05 }), (b) => trains(b, 100)),
  healthy('tanh MLP ×4, SGD weight decay 5e-4', 'L2 weight decay', () => setup(net('tanh', 'xavierNormal', 4), DATA(), 'momentum', 0.05, { steps: 20, weightDecay: 5e-4 }), (b) => trains(b, 100)),
  healthy('ReLU MLP ×8 + BatchNorm, default init, SGD', 'mlp norm batch', () => setup(net('relu', 'default', 8, { norm: 'batch' }), DATA(), 'momentum', 0.05, { steps: 20 }), (b) => trains(b, 100)),
  healthy('tanh MLP ×8 + LayerNorm, default init, Adam', 'mlp norm layer', () => setup(net('tanh', 'default', 8, { norm: 'layer' }), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('GELU MLP ×6 + LayerNorm, Adam', 'transformer-style MLP', () => setup(net('gelu', 'default', 6, { norm: 'layer' }), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('GELU MLP ×6 + LayerNorm, AdamW, residual', 'pre-transformer residual MLP', () => setup(net('gelu', 'default', 6, { norm: 'layer', residual: true }), DATA(), 'adamw', 1e-3, { steps: 20, weightDecay: 0.01 }), (b) => trains(b, 100)),
  healthy('residual ReLU MLP ×8, default init, Adam', 'x + f(x) blocks', () => setup(net('relu', 'default', 8, { residual: true }), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('ELU MLP ×6, Kaiming, Adam', 'ELU outputs ≤ 0 on the negative side but never die', () => setup(net('elu', 'kaimingNormal'), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('LeakyReLU MLP ×6, Kaiming, Adam', 'LeakyReLU with its Kaiming gain', () => setup(net('leakyRelu', 'kaimingNormal', 6), DATA(), 'adam', 1e-3, { steps: 20 }), (b) => trains(b, 100)),
  healthy('README doctor example (tanh ×6, Xavier, Adam, clipping)', 'README: 256 samples, 20 features, 4 classes, 80 steps', readme, (b) => trains(b, 100, 0.5)),
  healthy('ReLU MLP ×3, MSE regression, Adam', 'regression, not classification', () => ({ ...setup(net('relu', 'kaimingNormal', 3), regression(4, 64, 32), 'adam', 1e-3, { steps: 20 }), lossFn: mse }), (b) => lossFalls(b, 100, 0.5)),
  healthy('CNN ×4 ReLU, Kaiming, SGD', 'a small plain CNN', () => setup(convNet(4, 'none', true), images(2, 16, 3, 8, 10), 'momentum', 0.02, { steps: 8 }), (b) => trains(b, 60, 0.8, 100)),
  healthy('CNN ×4 + BatchNorm2d, default init, SGD', 'conv–BN–ReLU', () => setup(convNet(4, 'batch', false), images(2, 16, 3, 8, 10), 'momentum', 0.05, { steps: 8 }), (b) => trains(b, 60, 0.8, 100)),
  healthy('CNN ×4 + GroupNorm, default init, Adam', 'conv–GN–ReLU', () => setup(convNet(4, 'group', false), images(2, 16, 3, 8, 10), 'adam', 3e-3, { steps: 12 }), (b) => trains(b, 60, 0.8, 100)),
  healthy('resnet20, 8×8 inputs, SGD', 'the library’s resnet20 on small images', () => { manualSeed(15); return setup(nn.resnet20(), images(2, 8, 3, 8, 10), 'momentum', 0.02, { steps: 4 }); }, (b) => trains(b, 30, 0.8, 100)),
  healthy('tanh RNN, orthogonal W_hh, Adam', 'orthogonal recurrent matrix, 12 steps', () => seqSetup(rnnNet('RNN', true)), (b) => remembers(b)),
  healthy('tanh RNN, orthogonal W_hh, SGD + clipping', 'orthogonal recurrent matrix, SGD momentum, clipped at 1', () => ({ ...seqSetup(rnnNet('RNN', true), 'sgd', 0.05), clipGradNorm: 1 }), (b) => remembers(b)),
  healthy('LSTM, forget-gate bias 1, Adam', 'nn.LSTM, 12 steps', () => seqSetup(rnnNet('LSTM', false)), (b) => remembers(b), ['lstm']),
  healthy('GRU, update-gate bias 1, Adam', 'nn.GRU, 12 steps', () => seqSetup(rnnNet('GRU', false)), (b) => remembers(b), ['lstm']),
];
