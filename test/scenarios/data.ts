/** Seeded data and models for the scenarios (small, so that the whole suite runs in seconds). */
import { Generator, Module, Tensor, crossEntropy, manualSeed, mseLoss, nn, noGrad, optim, randn } from '../../src/index.js';
import type { Batch, Setup } from './types.js';

/** Classification by a fixed linear teacher: y = argmax(x·T); batches of N samples with F features. */
export function teacher(batches: number, N: number, F: number, classes: number, seed = 1): Batch[] {
  const g = new Generator(seed);
  const T = randn([F, classes], { generator: g });
  return Array.from({ length: batches }, () => {
    const x = randn([N, F], { generator: g });
    return [x, x.matmul(T).argmax(1)] as Batch;
  });
}

/** Regression on a fixed random linear map plus a little noise: y = x·a + 0.1·ε, [N, 1]. */
export function regression(batches: number, N: number, F: number, seed = 1): Batch[] {
  const g = new Generator(seed);
  const a = randn([F, 1], { generator: g }).mul(1 / Math.sqrt(F));
  return Array.from({ length: batches }, () => {
    const x = randn([N, F], { generator: g });
    return [x, x.matmul(a).add(randn([N, 1], { generator: g }).mul(0.1))] as Batch;
  });
}

/** Images [N, C, H, W] labelled by a linear teacher on their pixels. */
export function images(batches: number, N: number, C: number, H: number, classes: number, seed = 1): Batch[] {
  const g = new Generator(seed);
  const T = randn([C * H * H, classes], { generator: g });
  return Array.from({ length: batches }, () => {
    const x = randn([N, C, H, H], { generator: g });
    return [x, x.reshape([N, C * H * H]).matmul(T).argmax(1)] as Batch;
  });
}

/** Sequences [T, N, F]; target: the sum of the first feature over the first 3 steps (memory task). */
export function sequences(batches: number, T: number, N: number, F: number, seed = 1): Batch[] {
  const g = new Generator(seed);
  return Array.from({ length: batches }, () => {
    const x = randn([T, N, F], { generator: g });
    return [x, x.narrow(0, 0, 3).narrow(2, 0, 1).sum(0)] as Batch;
  });
}

export const ce = (o: Tensor, y: Tensor): Tensor => crossEntropy(o, y);
export const mse = (o: Tensor, y: Tensor): Tensor => mseLoss(o, y);

/** Every Linear/Conv2d weight (and bias) set by `f`, under noGrad. */
export function initWeights(m: Module, w: (t: Tensor) => void, b?: (t: Tensor) => void): Module {
  noGrad(() =>
    m.apply((x) => {
      if (x instanceof nn.Linear || x instanceof nn.Conv2d) {
        w(x.weight);
        if (b && x.bias) b(x.bias);
      }
    }),
  );
  return m;
}

export function mlp(opts: nn.MlpOptions, seed = 0): Module {
  manualSeed(seed);
  return nn.mlp(opts);
}

export function setup(model: Module, data: Batch[], opt: 'sgd' | 'momentum' | 'adam' | 'adamw', lr: number, extra: Partial<Setup> & { weightDecay?: number } = {}): Setup {
  const params = model.parameters();
  const wd = extra.weightDecay ?? 0;
  const optimizer =
    opt === 'adam'
      ? new optim.Adam(params, { lr, weightDecay: wd })
      : opt === 'adamw'
        ? new optim.AdamW(params, { lr, weightDecay: wd })
        : new optim.SGD(params, { lr, momentum: opt === 'momentum' ? 0.9 : 0, weightDecay: wd });
  const { weightDecay: _w, ...rest } = extra;
  return { model, data, lossFn: ce, optimizer, steps: 12, ...rest };
}

/** A sequence model: an RNN (or LSTM/GRU), its last output through a linear head. */
export class SeqNet extends Module {
  rnn: Module;
  head: nn.Linear;
  constructor(rnn: Module, hidden: number) {
    super();
    this.rnn = rnn;
    this.head = new nn.Linear(hidden, 1);
  }
  forward(x: Tensor): Tensor {
    const out = (this.rnn.forward(x) as Tensor[])[0]!;
    const T = out.shape[0]!;
    return this.head.forward(out.select(0, T - 1)) as Tensor;
  }
}
