/** The benchmark models on gradlab's public API (nn, F, optim), and the same in TF.js. */
import * as gl from '../src/index.js';
import type { Tf } from './tfjs.js';

export interface StepCase {
  name: string;
  kind: 'mlp' | 'cnn';
  width: number;
  batch: number;
  /** hidden layers (Linear + tanh) of an MLP: 6 unless given */
  depth?: number;
  /** input features of an MLP: 784 unless given */
  inFeatures?: number;
}

export const STEP_CASES: StepCase[] = [
  { name: 'MLP 784→512×6→10 b128', kind: 'mlp', width: 512, batch: 128 },
  { name: 'MLP 784→64×6→10 b32', kind: 'mlp', width: 64, batch: 32 },
  { name: 'CNN 28×28 b64', kind: 'cnn', width: 0, batch: 64 },
  // the issue-13 workload: 20 hidden layers of width 128 with tanh, batch 64
  { name: 'MLP 128→128×20→10 tanh b64', kind: 'mlp', width: 128, batch: 64, depth: 20, inFeatures: 128 },
];

const DEPTH = 6;

/** MLP 784→width×6 (tanh)→10, or the CNN: conv3×3 1→16, 16→32 /2, 32→64 /2 (ReLU), GAP, 64→10. */
export function glModel(c: StepCase): gl.nn.Module {
  const { nn } = gl;
  if (c.kind === 'mlp') {
    const layers: gl.nn.Module[] = [new nn.Linear(c.inFeatures ?? 784, c.width), new nn.Tanh()];
    for (let i = 1; i < (c.depth ?? DEPTH); i++) layers.push(new nn.Linear(c.width, c.width), new nn.Tanh());
    layers.push(new nn.Linear(c.width, 10));
    return new nn.Sequential(...layers);
  }
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(16, 32, 3, { stride: 2, padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(32, 64, 3, { stride: 2, padding: 1 }), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(64, 10),
  );
}

/** One SGD step (zero grads, forward, softmax cross-entropy, backward, update) as a closure. */
export function glStep(c: StepCase): () => number {
  gl.manualSeed(0);
  const model = glModel(c);
  const x = c.kind === 'mlp' ? gl.randn([c.batch, c.inFeatures ?? 784]) : gl.randn([c.batch, 1, 28, 28]);
  const y = gl.randint(0, 10, [c.batch]);
  const opt = new gl.optim.SGD(model.parameters(), { lr: 0.01 });
  // the recommended loop: a storage scope per step (storage goes back to the pool when it ends)
  // and gradients zeroed in place, so that a step allocates nothing after warm-up
  const step = (): number => {
    opt.zeroGrad({ setToNone: false });
    const loss = gl.F.crossEntropy(model.forward(x) as gl.Tensor, y);
    loss.backward();
    opt.step();
    return loss.item();
  };
  return () => gl.storageScope(step);
}

/** The same step in TF.js (NHWC for the CNN); throws where the backend lacks a kernel. */
export function tfStep(tf: Tf, c: StepCase): () => void {
  const vars: Tf[] = [];
  const dense = (i: number, o: number) => {
    const lim = 1 / Math.sqrt(i);
    const w = tf.variable(tf.randomUniform([i, o], -lim, lim));
    const b = tf.variable(tf.randomUniform([o], -lim, lim));
    vars.push(w, b);
    return (h: Tf) => tf.add(tf.matMul(h, w), b);
  };
  const conv = (ci: number, co: number, stride: number) => {
    const lim = 1 / Math.sqrt(ci * 9);
    const w = tf.variable(tf.randomUniform([3, 3, ci, co], -lim, lim));
    const b = tf.variable(tf.randomUniform([co], -lim, lim));
    vars.push(w, b);
    return (h: Tf) => tf.relu(tf.add(tf.conv2d(h, w, stride, 'same'), b));
  };
  let forward: (h: Tf) => Tf;
  let x: Tf;
  if (c.kind === 'mlp') {
    const layers = [dense(c.inFeatures ?? 784, c.width)];
    for (let i = 1; i < (c.depth ?? DEPTH); i++) layers.push(dense(c.width, c.width));
    const last = dense(c.width, 10);
    forward = (h) => last(layers.reduce((a, l) => tf.tanh(l(a)), h));
    x = tf.randomNormal([c.batch, c.inFeatures ?? 784]);
  } else {
    const c1 = conv(1, 16, 1), c2 = conv(16, 32, 2), c3 = conv(32, 64, 2);
    const fc = dense(64, 10);
    forward = (h) => fc(tf.mean(c3(c2(c1(h))), [1, 2]));
    x = tf.randomNormal([c.batch, 28, 28, 1]);
  }
  const labels = tf.oneHot(tf.randomUniform([c.batch], 0, 10, 'int32'), 10);
  const opt = tf.train.sgd(0.01);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, forward(x)), true, vars);
    loss.dataSync();
    loss.dispose();
  };
}
