/**
 * Statistics of a forward pass at initialization, measured directly on a model (no training, no
 * probe): the outputs of every module of a given class, in forward order, through forward hooks.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface OutputStats {
  /** Population standard deviation over every element (float64 sums). */
  std: number;
  mean: number;
  /** Root mean square. */
  rms: number;
  /** Share of elements with |y| > threshold (when asked for). */
  beyond: number;
}

export function stats(data: Float32Array, threshold = Infinity): OutputStats {
  let s = 0;
  let s2 = 0;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    s += v;
    s2 += v * v;
    if (Math.abs(v) > threshold) b++;
  }
  const n = data.length;
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)), rms: Math.sqrt(s2 / n), beyond: b / n };
}

/** Run `model` on `x` without recording the tape; return the statistics of each output of modules matching `pick`, in forward order. */
export function outputsOf(model: Module, x: Tensor, pick: (m: Module) => boolean, threshold = Infinity): OutputStats[] {
  const out: OutputStats[] = [];
  const handles = [...model.modules()]
    .filter(pick)
    .map((m) => m.registerForwardHook((_mod, _inputs, y) => void out.push(stats((y as Tensor).data, threshold))));
  try {
    noGrad(() => model.forward(x));
  } finally {
    for (const h of handles) h.remove();
  }
  return out;
}
