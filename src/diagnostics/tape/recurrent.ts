/**
 * Recurrent layers through time: the hidden states h_t the tape watch collected inside a
 * recurrent module (the outputs of its activation, one per time step, layer and direction), the
 * norms ‖∂L/∂h_t‖ seen by a gradient hook on each, and the time profile written into the layer's
 * record (`timeSteps`, `timeGradNorm`, `timeRms` for cells, `spectralRadius`).
 */
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { registerHook } from '../../autograd/tensor-autograd.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import type { Module } from '../../nn/module.js';
import type { Parameter } from '../../nn/parameter.js';
import type { LayerRecord } from '../record/types.js';
import { spectralRadius } from '../spectral.js';
import { tapeVjp } from './vjp.js';

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

export class HiddenStates {
  private readonly byModule = new Map<Module, HiddenState[]>();
  private handles: { remove(): void }[] = [];

  /** A hidden state computed inside `m`: keep it and watch its gradient. */
  add(m: Module, call: number, h: Tensor): void {
    let list = this.byModule.get(m);
    if (!list) this.byModule.set(m, (list = []));
    const s: HiddenState = { call, h, gradNorm: NaN };
    list.push(s);
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
  }

  /**
   * The sequence through time of `m`: for a multi-layer RNN the first call's hidden states of the
   * last layer, forward direction (the layer the loss sees); for a cell, one per call.
   */
  sequence(m: Module): HiddenState[] {
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
  finish(m: Module, rec: LayerRecord, gen: Generator | null): void {
    const seq = this.sequence(m);
    if (seq.length >= 2) {
      const picks = timePicks(seq.length);
      if (!rec.timeSteps || rec.timeSteps.length !== picks.length) {
        rec.timeSteps = picks;
        rec.timeRms = picks.map((t) => rms(seq[t]!.h.data));
      }
      if (seq.some((s) => !Number.isNaN(s.gradNorm))) rec.timeGradNorm = picks.map((t) => (Number.isNaN(seq[t]!.gradNorm) ? 0 : seq[t]!.gradNorm));
    }
    if (gen) {
      const w = recurrentMatrix(m);
      const rho = w ? spectralRadius(w, gen) : null;
      if (rho !== null) rec.spectralRadius = rho;
    }
  }

  clear(): void {
    for (const h of this.handles) h.remove();
    this.handles = [];
    this.byModule.clear();
  }
}

function picked(logs: Float64Array, T: number): number[] {
  return timePicks(T).map((t) => Math.exp(logs[t]!));
}

function rms(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s / Math.max(1, d.length));
}

/** The recurrent matrix of the layer the profile follows: weight_hh of the last layer (or of the cell). */
export function recurrentMatrix(m: Module): Parameter | null {
  const own = new Map(m._ownParameters());
  const L = Number((m as { numLayers?: unknown }).numLayers ?? 1);
  return own.get(`weight_hh_l${L - 1}`) ?? own.get('weight_hh') ?? [...own].find(([k]) => k.startsWith('weight_hh'))?.[1] ?? null;
}
