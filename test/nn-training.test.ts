import { describe, expect, it } from 'vitest';
import { F, Generator, Tensor, manualSeed, nn, noGrad, optim } from '../src/index.js';

/** Rows of a [out, in] weight as arrays. */
const rows = (w: Tensor): number[][] => {
  const [o, i] = w.shape as [number, number];
  return Array.from({ length: o }, (_, r) => Array.from(w.data.subarray(r * i, (r + 1) * i)));
};

describe('constant init does not break symmetry (the lecture)', () => {
  it('every hidden unit of a layer keeps identical incoming weights under SGD', () => {
    const g = new Generator(0);
    const model = nn.mlp({ inFeatures: 4, hidden: [6, 5], outFeatures: 3, activation: 'tanh', init: { constant: 0.1 }, initBias: { constant: 0 } });
    const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
    const x = new Tensor(Float32Array.from({ length: 32 * 4 }, () => g.normal()), [32, 4]);
    const y = new Tensor(Float32Array.from({ length: 32 }, () => g.randint(0, 3)), [32]);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    const [l0, l1, l2] = nn.linearLayers(model);
    // the weights moved…
    expect(rows(l0!.weight)[0]!.some((v) => Math.abs(v - 0.1) > 1e-3)).toBe(true);
    // …but every hidden unit still has the same incoming weights and bias as unit 0
    for (const l of [l0!, l1!]) {
      const r = rows(l.weight);
      for (const row of r) row.forEach((v, j) => expect(v).toBeCloseTo(r[0]![j]!, 5));
      for (const b of l.bias!.data) expect(b).toBeCloseTo(l.bias!.data[0]!, 5);
    }
    // so the output layer sees copies of one feature: its columns stay equal too
    for (const row of rows(l2!.weight)) for (const v of row) expect(v).toBeCloseTo(row[0]!, 5);
    // the net can still fit a little (one effective unit), but never better than that one unit
    expect(losses.at(-1)!).toBeLessThanOrEqual(losses[0]! + 1e-6);
  });
});

/**
 * A Fashion-MNIST-sized task on synthetic data: 10 classes of 28×28 images, each a class template
 * (a few random Gaussian blobs) plus pixel noise. Chance is 10 %.
 */
function synthetic(n: number, g: Generator, templates: Float32Array[]): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const c = g.randint(0, 10);
    y[s] = c;
    const t = templates[c]!;
    for (let p = 0; p < 784; p++) x[s * 784 + p] = t[p]! + 2 * g.normal();
  }
  return { x: new Tensor(x, [n, 1, 28, 28]), y: new Tensor(y, [n]) };
}

function makeTemplates(g: Generator): Float32Array[] {
  return Array.from({ length: 10 }, () => {
    const t = new Float32Array(784);
    for (let b = 0; b < 4; b++) {
      const cy = 4 + g.random() * 20;
      const cx = 4 + g.random() * 20;
      const s = 2 + g.random() * 3;
      for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) t[i * 28 + j] += Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / (2 * s * s));
    }
    return t;
  });
}

function batches(n: number, size: number, g: Generator): number[][] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return Array.from({ length: Math.ceil(n / size) }, (_, b) => idx.slice(b * size, (b + 1) * size));
}

function take(x: Tensor, ids: number[]): Tensor {
  const per = x.data.length / x.shape[0]!;
  const out = new Float32Array(ids.length * per);
  ids.forEach((id, k) => out.set(x.data.subarray(id * per, (id + 1) * per), k * per));
  return new Tensor(out, [ids.length, ...x.shape.slice(1)]);
}

function accuracy(model: nn.Module, x: Tensor, y: Tensor): number {
  model.eval();
  const logits = noGrad(() => model.forward(x)) as Tensor;
  model.train();
  let ok = 0;
  for (let s = 0; s < y.data.length; s++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits.data[s * 10 + c]! > logits.data[s * 10 + best]!) best = c;
    if (best === y.data[s]) ok++;
  }
  return ok / y.data.length;
}

function train(model: nn.Module, opt: optim.Optimizer, data: { x: Tensor; y: Tensor }, epochs: number, g: Generator): number[] {
  const epochLoss: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    let count = 0;
    for (const ids of batches(data.y.data.length, 50, g)) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(take(data.x, ids)), take(data.y, ids));
      loss.backward();
      opt.step();
      sum += loss.item();
      count++;
    }
    epochLoss.push(sum / count);
  }
  return epochLoss;
}

describe('Fashion-MNIST-sized sanity check on synthetic data', () => {
  const g = new Generator(2024);
  const templates = makeTemplates(g);
  const trainSet = synthetic(1000, g, templates);
  const testSet = synthetic(400, g, templates);

  it('a small MLP learns: loss falls and test accuracy is far above chance', () => {
    manualSeed(1);
    const model = new nn.Sequential(nn.mlp({ inFeatures: 784, hidden: [64], outFeatures: 10, activation: 'relu' }));
    model.insert(0, new nn.Flatten());
    const before = accuracy(model, testSet.x, testSet.y);
    const losses = train(model, new optim.Adam(model.parameters(), { lr: 1e-3 }), trainSet, 3, g);
    const acc = accuracy(model, testSet.x, testSet.y);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    // chance is 10 %: 400 test samples give σ = 1.5 %, so 60 % is far beyond luck
    expect(acc).toBeGreaterThan(0.6);
    expect(acc).toBeGreaterThan(before);
  });

  it('a small CNN (Conv2d–ReLU–MaxPool–Linear) learns too', () => {
    manualSeed(2);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(8 * 14 * 14, 10),
    );
    const losses = train(model, new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), trainSet, 3, g);
    const acc = accuracy(model, testSet.x, testSet.y);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    expect(acc).toBeGreaterThan(0.6);
  });
});
