/** The probe's per-parameter statistics and the recurrent time profile (helpers of probe.ts). */
import type { Tensor } from '../tensor/tensor.js';
import type { Parameter } from '../nn/parameter.js';
import type { ParamRecord } from './record/types.js';
import { duplicateRows } from './unit-stats.js';

/**
 * One fused pass per parameter: weight norm, non-finite counts, gradient norm, ‖Δw‖/‖w‖ against
 * the snapshot `before`, and the global squared norms after clipping (`postSq`) and before
 * (`preSq`, from the parameter hooks' `preClip`: a squared norm, or the gradient tensor as it
 * arrived — equal to `.grad` unless something modified `.grad` since, i.e. clipping).
 */
export function paramRecords(
  list: readonly { name: string; layer: string; p: Parameter }[],
  before: Map<Parameter, Float32Array> | null,
  preClip: Map<Parameter, number | Tensor>,
  measurePreClip: boolean,
  symmetry: boolean,
  weightLayers: Set<string>,
): { params: ParamRecord[]; postSq: number; preSq: number; anyGrad: boolean } {
  let postSq = 0;
  let preSq = 0;
  let anyGrad = false;
  const params: ParamRecord[] = list.map(({ name, layer, p }) => {
    // one fused pass: weight norm, non-finite counts, gradient norm, update
    const d = p.data;
    const g = p.grad && p.grad.data.length === d.length ? p.grad.data : null;
    const b = before?.get(p);
    const prev = b && b.length === d.length ? b : null;
    const { ww, bad, gg, gbad, dd, bb } = fusedPass(d, g, prev);
    const r: ParamRecord = { name, layer, shape: [...p.shape], norm: Math.sqrt(ww), gradNorm: null, update: null, nonFinite: bad, gradNonFinite: 0 };
    if (g) {
      r.gradNorm = Math.sqrt(gg);
      r.gradNonFinite = gbad;
      postSq += gg;
      anyGrad = true;
      if (measurePreClip) {
        const pc = preClip.get(p);
        if (typeof pc === 'number') preSq += pc;
        else if (pc && p.grad!._version !== 0) preSq += sumSq(pc.data); // modified since backward (clipped)
        else preSq += gg; // untouched since backward: before = after
      }
    }
    if (prev) r.update = bb > 0 ? Math.sqrt(dd / bb) : dd > 0 ? Infinity : 0;
    if (symmetry && p.ndim >= 2 && p.shape[0]! >= 2 && weightLayers.has(layer)) r.duplicateRows = duplicateRows(p).share;
    return r;
  });
  return { params, postSq, preSq, anyGrad };
}

interface PassSums { ww: number; bad: number; gg: number; gbad: number; dd: number; bb: number }

/**
 * Σw², Σg², Σ(w − w₀)², Σw₀² in one branch-free pass (the common case: every value finite), then,
 * only if a sum came out non-finite, a slow pass that counts the non-finite values and leaves
 * them out of Σw² (the gradient norm keeps them, as the global norm does).
 */
function fusedPass(d: Float32Array, g: Float32Array | null, prev: Float32Array | null): PassSums {
  const n = d.length;
  let ww = 0;
  let gg = 0;
  let dd = 0;
  let bb = 0;
  if (g && prev) {
    // two elements per iteration into separate sums: each add then waits on the one two
    // elements back, which halves the time of these latency-bound chains
    let ww1 = 0;
    let gg1 = 0;
    let dd1 = 0;
    let bb1 = 0;
    const n2 = n - (n % 2);
    for (let i = 0; i < n2; i += 2) {
      const v = d[i]!;
      const q = g[i]!;
      const w0 = prev[i]!;
      const e = v - w0;
      const v1 = d[i + 1]!;
      const q1 = g[i + 1]!;
      const w1 = prev[i + 1]!;
      const e1 = v1 - w1;
      ww += v * v;
      gg += q * q;
      dd += e * e;
      bb += w0 * w0;
      ww1 += v1 * v1;
      gg1 += q1 * q1;
      dd1 += e1 * e1;
      bb1 += w1 * w1;
    }
    if (n2 < n) {
      const v = d[n2]!;
      const q = g[n2]!;
      const w0 = prev[n2]!;
      ww += v * v;
      gg += q * q;
      dd += (v - w0) * (v - w0);
      bb += w0 * w0;
    }
    ww += ww1;
    gg += gg1;
    dd += dd1;
    bb += bb1;
  } else {
    for (let i = 0; i < n; i++) ww += d[i]! * d[i]!;
    if (g) for (let i = 0; i < n; i++) gg += g[i]! * g[i]!;
    if (prev)
      for (let i = 0; i < n; i++) {
        const e = d[i]! - prev[i]!;
        dd += e * e;
        bb += prev[i]! * prev[i]!;
      }
  }
  let bad = 0;
  let gbad = 0;
  if (ww - ww !== 0) {
    ww = 0;
    for (let i = 0; i < n; i++) {
      const v = d[i]!;
      if (v - v !== 0) bad++;
      else ww += v * v;
    }
  }
  if (g && gg - gg !== 0) for (let i = 0; i < n; i++) if (g[i]! - g[i]! !== 0) gbad++;
  return { ww, bad, gg, gbad, dd, bb };
}

function sumSq(d: Float32Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return s;
}

/** RMS of a [T, N, H] (or batch-first [N, T, H]) sequence at up to 64 evenly spaced time steps. */
export function timeProfile(out: Tensor, batchFirst: boolean): { timeRms: number[]; timeSteps: number[] } {
  const [a, b, h] = out.shape as [number, number, number];
  const T = batchFirst ? b : a;
  const N = batchFirst ? a : b;
  const picks = T <= 64 ? Array.from({ length: T }, (_, t) => t) : Array.from({ length: 64 }, (_, i) => Math.round((i * (T - 1)) / 63));
  const d = out.data;
  const timeRms = picks.map((t) => {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const o = batchFirst ? (n * T + t) * h : (t * N + n) * h;
      for (let k = 0; k < h; k++) s += d[o + k]! * d[o + k]!;
    }
    return Math.sqrt(s / Math.max(1, N * h));
  });
  return { timeRms, timeSteps: picks };
}
