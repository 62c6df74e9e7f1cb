/**
 * Recurrent layers through time: the hidden states h_t of a recurrent module — for Elman cells
 * (nn.RNN, nn.RNNCell) the outputs of its activation, which the tape watch collects (one per time
 * step, layer and direction); for gated layers (nn.LSTM, nn.GRU) the sequence their output is
 * stacked from (`outputSequence`), and for gated cells (nn.LSTMCell, nn.GRUCell) the output of
 * each call — the norms ‖∂L/∂h_t‖ seen by a gradient hook on each, and the time profile written
 * into the layer's record (`timeSteps`, `timeGradNorm`, `timeRms` for cells, `timeJacobian`,
 * `spectralRadius`).
 */
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { registerHook } from '../../autograd/tensor-autograd.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import type { Module } from '../../nn/module.js';
import type { Parameter } from '../../nn/parameter.js';
import type { LayerRecord } from '../record/types.js';
import { spectralRadius } from '../spectral.js';
import { tapeVjp, tapeVjpAll } from './vjp.js';

export interface HiddenState {
  call: number;
  h: Tensor;
  /** ‖∂L/∂h_t‖ once the backward pass reached it (NaN before). */
  gradNorm: number;
}

/** Evenly spaced picks of at most 64 of T time steps (the same as the output profile's). */
export function timePicks(T: number): number[] {
  return T <= 64 ? Array.from({ length: T }, (_, t) => t) : Array.from({ length: 64 }, (_, i) => Math.round((i * (T - 1)) / 63));
}

/**
 * The hidden states h_0 … h_{T−1} a sequence layer's output was stacked from, read off the tape:
 * through the views that lay it out (batch-first permute, unbatched reshape), the `cat` of one
 * unsqueezed h_t per time step (`stack`); for a bidirectional layer, the forward direction (the
 * first half of the last `cat`). Null when the output was not made that way (or not recorded).
 */
export function outputSequence(out: Tensor): Tensor[] | null {
  let t = out;
  for (let hops = 0; hops < 8; hops++) {
    const n = t.gradFn as { name: string; inputs: readonly Tensor[]; freed?: boolean } | null;
    if (!n || n.freed) return null;
    if ((n.name === 'permute' || n.name === 'reshape') && n.inputs.length === 1) {
      t = n.inputs[0]!;
      continue;
    }
    if (n.name !== 'cat' || n.inputs.length === 0) return null;
    const hs = n.inputs.map(unsqueezed);
    if (hs.every((h): h is Tensor => h !== null)) return hs;
    // bidirectional: cat(forward, backward) along the features
    t = n.inputs[0]!;
  }
  return null;
}

/** The tensor `u` when `x` is u with a leading axis of size 1 inserted (stack's unsqueeze), else null. */
function unsqueezed(x: Tensor): Tensor | null {
  const n = x.gradFn as { name: string; inputs: readonly Tensor[] } | null;
  if (!n || n.name !== 'reshape' || n.inputs.length !== 1) return null;
  const u = n.inputs[0]!;
  return x.ndim === u.ndim + 1 && x.shape[0] === 1 && u.shape.every((d, i) => d === x.shape[i + 1]) ? u : null;
}

export class HiddenStates {
  private readonly byModule = new Map<Module, HiddenState[]>();
  /** Gated layers: the sequence their output was stacked from (chosen already: the last layer's, forward). */
  private readonly gated = new Map<Module, HiddenState[]>();
  private handles: { remove(): void }[] = [];

  /** A hidden state computed inside `m` (an Elman activation, or a gated cell's output): keep it and watch its gradient. */
  add(m: Module, call: number, h: Tensor): void {
    let list = this.byModule.get(m);
    if (!list) this.byModule.set(m, (list = []));
    list.push(this.watch(call, h));
  }

  /** The hidden-state sequence of a gated layer's call (see `outputSequence`); the first call of the step is kept. */
  addSequence(m: Module, call: number, hs: readonly Tensor[]): void {
    if (this.gated.has(m)) return;
    this.gated.set(m, hs.map((h) => this.watch(call, h)));
  }

  private watch(call: number, h: Tensor): HiddenState {
    const s: HiddenState = { call, h, gradNorm: NaN };
    if (h.requiresGrad && isGradEnabled()) {
      // the hook only measures: it keeps nothing, so the engine may still reuse the storage
      const hook = Object.assign(
        (g: Tensor) => {
          const d = g.data;
          let q = 0;
          for (let i = 0; i < d.length; i++) q += d[i]! * d[i]!;
          s.gradNorm = Math.sqrt(q);
        },
        { keepsGradient: () => false },
      );
      this.handles.push(registerHook(h, hook));
    }
    return s;
  }

  /**
   * The sequence through time of `m`: for a multi-layer RNN the first call's hidden states of the
   * last layer, forward direction (the layer the loss sees); for a cell, one per call.
   */
  sequence(m: Module): HiddenState[] {
    const seq = this.gated.get(m);
    if (seq) return seq;
    const list = this.byModule.get(m) ?? [];
    if (list.length === 0) return [];
    const first = list.filter((s) => s.call === list[0]!.call);
    const L = Number((m as { numLayers?: unknown }).numLayers ?? 1);
    const D = (m as { bidirectional?: unknown }).bidirectional === true ? 2 : 1;
    const chunks = Number.isInteger(L) && L >= 1 ? L * D : 1;
    if (first.length > 1 && first.length % chunks === 0) {
      const T = first.length / chunks;
      return first.slice((chunks - D) * T, (chunks - D) * T + T);
    }
    return list;
  }

  /**
   * The through-time factor of `m`'s latest sequence, read off the tape before the backward pass
   * frees it: a random unit vector at the last hidden state carried back to each h_t through the
   * recurrent Jacobians ∂h_{t+1}/∂h_t, its norm at each of the time picks (1 at the last step).
   * Unlike ‖∂L/∂h_t‖ it does not depend on where the loss reads the sequence. At most the last
   * `maxSteps` steps are followed (earlier picks are NaN); null when the tape has no path.
   */
  throughTime(m: Module, normal: () => number, maxSteps = 256): number[] | null {
    const seq = this.sequence(m);
    const T = seq.length;
    if (T < 2) return null;
    const start = Math.max(0, T - maxSteps);
    const logs = new Float64Array(T).fill(NaN);
    logs[T - 1] = 0;
    const last = seq[T - 1]!.h;
    const vd = new Float32Array(last.data.length);
    let n = 0;
    for (let i = 0; i < vd.length; i++) {
      vd[i] = normal();
      n += vd[i]! * vd[i]!;
    }
    n = Math.sqrt(n);
    for (let i = 0; i < vd.length; i++) vd[i]! /= n;
    let v = new Tensor(vd, last.shape);
    if (this.gated.has(m)) {
      // A gated cell carries a second state (LSTM: c_t), so ∂h_{t+1}/∂h_t alone misses the
      // path the gates are there for: the total derivative ∂h_T/∂h_t through every path, in one
      // walk of the tape (float32: a product below ~1e-38 reads 0, far past every threshold).
      const gs = tapeVjpAll(last, seq.slice(start, T - 1).map((s) => s.h), v);
      if (gs === null) return null;
      gs.forEach((g, i) => {
        logs[start + i] = g === null ? -Infinity : Math.log(norm2(g.data));
      });
      return picked(logs, T);
    }
    let acc = 0;
    for (let t = T - 2; t >= start; t--) {
      const g = tapeVjp(seq[t + 1]!.h, seq[t]!.h, v);
      if (g === null) return t === T - 2 ? null : picked(logs, T);
      let q = 0;
      for (let i = 0; i < g.data.length; i++) q += g.data[i]! * g.data[i]!;
      const norm = Math.sqrt(q);
      acc += Math.log(norm);
      logs[t] = acc;
      if (!(norm > 0) || !Number.isFinite(norm)) {
        for (let u = t - 1; u >= start; u--) logs[u] = acc;
        break;
      }
      // renormalized each step so that a long product neither underflows nor overflows float32
      const d = new Float32Array(g.data.length);
      for (let i = 0; i < d.length; i++) d[i] = g.data[i]! / norm;
      v = new Tensor(d, g.shape);
    }
    return picked(logs, T);
  }

  /** Write the time profile of `m` into its record. */
  finish(m: Module, rec: LayerRecord): void {
    const seq = this.sequence(m);
    if (seq.length >= 2) {
      const picks = timePicks(seq.length);
      if (!rec.timeSteps || rec.timeSteps.length !== picks.length) {
        rec.timeSteps = picks;
        rec.timeRms = picks.map((t) => rms(seq[t]!.h.data));
      }
      if (seq.some((s) => !Number.isNaN(s.gradNorm))) rec.timeGradNorm = picks.map((t) => (Number.isNaN(seq[t]!.gradNorm) ? 0 : seq[t]!.gradNorm));
    }
  }

  clear(): void {
    for (const h of this.handles) h.remove();
    this.handles = [];
    this.byModule.clear();
    this.gated.clear();
  }
}

function picked(logs: Float64Array, T: number): number[] {
  return timePicks(T).map((t) => Math.exp(logs[t]!));
}

function norm2(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

function rms(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s / Math.max(1, d.length));
}

/**
 * The spectral radius of `m`'s recurrent matrix (null when it has none or it is not square — a
 * gated layer stacks its gates' matrices). Measured when the layer runs, on the weights that
 * forward pass used (at the end of the step the optimizer has already changed them).
 */
export function recurrentSpectralRadius(m: Module, gen: Generator): number | null {
  const w = recurrentMatrix(m);
  return w ? spectralRadius(w, gen) : null;
}

/** The recurrent matrix of the layer the profile follows: weight_hh of the last layer (or of the cell). */
export function recurrentMatrix(m: Module): Parameter | null {
  const own = new Map(m._ownParameters());
  const L = Number((m as { numLayers?: unknown }).numLayers ?? 1);
  return own.get(`weight_hh_l${L - 1}`) ?? own.get('weight_hh') ?? [...own].find(([k]) => k.startsWith('weight_hh'))?.[1] ?? null;
}
