/**
 * Measurements made without the doctor, on a fresh copy of a scenario (its `build()` is
 * deterministic): gradient norms at the weight layers from `retainGrad`, saturation and dead
 * shares computed here from the activations, the loss curve of a plain training loop, the
 * update-to-weight ratio of one optimizer step, the first step that goes non-finite.
 */
import { Module, Tensor, nn, noGrad } from '../../src/index.js';
import type { Setup } from './types.js';

const WEIGHT = (m: Module): boolean => m instanceof nn.Linear || m instanceof nn.Conv2d || m instanceof nn.RNN;

function firstTensor(v: unknown): Tensor | null {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) return x;
  return null;
}

function l2(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** One forward/backward on the first batch; outputs of the weight layers kept with retainGrad. */
export function depthProfile(s: Setup): { gradNorms: number[]; meanSquares: number[]; ratio: number; factor: number; msRatio: number } {
  const outs: Tensor[] = [];
  const handles = [...s.model.modules()].filter(WEIGHT).map((m) =>
    m.registerForwardHook((_m, _i, o) => {
      const t = firstTensor(o);
      if (t && t.requiresGrad) outs.push(t.retainGrad());
    }),
  );
  const [x, y] = s.data[0]!;
  const loss = s.lossFn(s.model.forward(x), y);
  loss.backward();
  for (const h of handles) h.remove();
  const gradNorms = outs.map((t) => (t.grad ? l2(t.grad.data) : 0));
  const meanSquares = outs.map((t) => {
    const d = t.data;
    let q = 0;
    for (let i = 0; i < d.length; i++) q += d[i]! * d[i]!;
    return q / d.length;
  });
  const back: number[] = [];
  for (let i = 0; i + 1 < gradNorms.length; i++) back.push(gradNorms[i]! / gradNorms[i + 1]!);
  return {
    gradNorms,
    meanSquares,
    ratio: gradNorms[0]! / gradNorms[gradNorms.length - 1]!,
    factor: median(back),
    msRatio: meanSquares[meanSquares.length - 1]! / meanSquares[0]!,
  };
}

/** Activations of the given module classes on the first batch (forward hooks, no grad). */
export function activations(s: Setup, classes: (abstract new (...a: any[]) => Module)[]): Tensor[] {
  const acts: Tensor[] = [];
  const handles = [...s.model.modules()].filter((m) => classes.some((c) => m instanceof c)).map((m) =>
    m.registerForwardHook((_m, _i, o) => {
      const t = firstTensor(o);
      if (t) acts.push(t);
    }),
  );
  noGrad(() => s.model.forward(s.data[0]![0]));
  for (const h of handles) h.remove();
  return acts;
}

/** Share of outputs with |y| > 0.97 (tanh) or y outside [0.03, 0.97] (sigmoid). */
export function saturationShare(t: Tensor, kind: 'tanh' | 'sigmoid'): number {
  const d = t.data;
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (kind === 'tanh' ? Math.abs(v) > 0.97 : v < 0.03 || v > 0.97) n++;
  }
  return n / d.length;
}

/** Share of units (dim 1; channels for images) that are ≤ 0 for every sample and position. */
export function deadShare(t: Tensor): number {
  const [N, C] = t.shape as [number, number];
  const inner = t.data.length / (N * C);
  let dead = 0;
  for (let c = 0; c < C; c++) {
    let alive = false;
    for (let n = 0; n < N && !alive; n++) for (let k = 0; k < inner && !alive; k++) if (t.data[(n * C + c) * inner + k]! > 0) alive = true;
    if (!alive) dead++;
  }
  return dead / C;
}

/** A plain training loop (no probe): the loss at every step. */
export function lossCurve(s: Setup, steps: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    const [x, y] = s.data[k % s.data.length]!;
    s.optimizer.zeroGrad();
    const loss = s.lossFn(s.model.forward(x), y);
    out.push(loss.item());
    if (!Number.isFinite(loss.item())) break;
    loss.backward();
    if (s.clipGradNorm !== undefined) nn.utils.clipGradNorm_(s.model.parameters(), s.clipGradNorm);
    s.optimizer.step();
  }
  return out;
}

/** Mean of the first and last `k` losses. */
export function ends(curve: readonly number[], k = 5): { first: number; last: number } {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(curve.slice(0, k)), last: mean(curve.slice(-k)) };
}

/** Median over weight matrices of ‖Δw‖/‖w‖ over the first `steps` optimizer steps. */
export function updateRatio(s: Setup, steps = 3): number {
  const ws = s.model.parameters().filter((p) => p.ndim >= 2);
  const ratios: number[] = [];
  for (let k = 0; k < steps; k++) {
    const before = ws.map((p) => p.data.slice());
    const [x, y] = s.data[k % s.data.length]!;
    s.optimizer.zeroGrad();
    s.lossFn(s.model.forward(x), y).backward();
    if (s.clipGradNorm !== undefined) nn.utils.clipGradNorm_(s.model.parameters(), s.clipGradNorm);
    s.optimizer.step();
    ws.forEach((p, i) => {
      const b = before[i]!;
      let dd = 0;
      let ww = 0;
      for (let j = 0; j < b.length; j++) {
        dd += (p.data[j]! - b[j]!) ** 2;
        ww += b[j]! ** 2;
      }
      if (ww > 0) ratios.push(Math.sqrt(dd / ww));
    });
  }
  return median(ratios);
}

/** The first training step whose loss, weights or gradients are not finite (-1: none within `steps`). */
export function firstNonFinite(s: Setup, steps: number): { step: number; inLoss: boolean; inGrads: boolean } {
  const finite = (d: Float32Array | undefined) => !d || d.every((v) => Number.isFinite(v));
  for (let k = 0; k < steps; k++) {
    const [x, y] = s.data[k % s.data.length]!;
    s.optimizer.zeroGrad();
    const loss = s.lossFn(s.model.forward(x), y);
    loss.backward();
    const inLoss = !Number.isFinite(loss.item());
    const inGrads = !s.model.parameters().every((p) => finite(p.grad?.data));
    if (inLoss || inGrads) return { step: k, inLoss, inGrads };
    s.optimizer.step();
  }
  return { step: -1, inLoss: false, inGrads: false };
}

/** Weight matrices in which at least half the rows duplicate another row. */
export function duplicatedLayers(s: Setup): number {
  let n = 0;
  for (const p of s.model.parameters()) {
    if (p.ndim < 2) continue;
    const rows = p.shape[0]!;
    const w = p.data.length / rows;
    const keys = new Map<string, number>();
    for (let r = 0; r < rows; r++) {
      const k = Array.from(p.data.subarray(r * w, (r + 1) * w)).join(',');
      keys.set(k, (keys.get(k) ?? 0) + 1);
    }
    const dup = [...keys.values()].filter((c) => c > 1).reduce((a, b) => a + b, 0);
    if (dup / rows >= 0.5) n++;
  }
  return n;
}

/** ‖∂L/∂x_t‖ at the first and last time step of a sequence input [T, N, F] (loss on the last output). */
export function timeSensitivity(s: Setup): { first: number; last: number; ratio: number } {
  const [x0, y] = s.data[0]!;
  const x = x0.detach().requiresGrad_(true);
  s.lossFn(s.model.forward(x), y).backward();
  const [T] = x.shape as [number];
  const per = x.grad!.data.length / T;
  const first = l2(x.grad!.data.subarray(0, per));
  const last = l2(x.grad!.data.subarray((T - 1) * per, T * per));
  return { first, last, ratio: first / last };
}

/**
 * An independent measurement behind a finding the doctor may also raise in a scenario (a
 * consequence of the same cause): the same quantity, measured here at initialization. Null when
 * there is nothing to measure at initialization (learning-rate consequences, non-finite values).
 */
export function backs(s: () => Setup, id: string): { value: number; holds: boolean } | null {
  switch (id) {
    case 'vanishing-gradients': {
      const r = depthProfile(s()).ratio;
      return { value: r, holds: r < 0.2 };
    }
    case 'exploding-gradients': {
      const r = depthProfile(s()).ratio;
      return { value: r, holds: r > 5 };
    }
    case 'activation-collapse': {
      const r = depthProfile(s()).msRatio;
      return { value: r, holds: r < 0.01 };
    }
    case 'activation-explosion': {
      const r = depthProfile(s()).msRatio;
      return { value: r, holds: r > 100 };
    }
    case 'saturation': {
      const su = s();
      // the RNN's own tanh: its outputs are the hidden states
      const h = activations(su, [nn.RNN]).map((x) => saturationShare(x, 'tanh'));
      const t = [...h, ...activations(su, [nn.Tanh]).map((x) => saturationShare(x, 'tanh'))];
      const g = activations(su, [nn.Sigmoid]).map((x) => saturationShare(x, 'sigmoid'));
      const v = Math.max(0, ...t, ...g);
      return { value: v, holds: v > 0.2 };
    }
    case 'dead-units': {
      // at initialization, and after the scenario's own number of plain training steps
      const a = Math.max(0, ...activations(s(), [nn.ReLU]).map(deadShare));
      const su = s();
      lossCurve(su, su.steps);
      const b = Math.max(0, ...activations(su, [nn.ReLU]).map(deadShare));
      return { value: Math.max(a, b), holds: Math.max(a, b) > 0.5 };
    }
    default:
      return null;
  }
}
