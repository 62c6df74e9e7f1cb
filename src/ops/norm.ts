import { takeCopy, takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { add, mul, sub } from './binary.js';
import { exp, log } from './unary.js';
import { mean, sum } from './reduce.js';
import { reshape } from './view.js';
import { checkTensor } from './util.js';

/**
 * Normalization ops (PyTorch: F.batch_norm, F.layer_norm, F.group_norm, F.instance_norm), each one
 * dedicated op with its own forward and analytic backward. Statistics accumulate in float64.
 *
 * All four share one core: x is seen as [P, C, Q] and normalised per c over the P·Q values; the
 * affine weight/bias (shape [A, Q/D]) applies to element (p, c, q) at index (c mod A)·(Q/D) + ⌊q/D⌋.
 * - batch norm   [N, C, L]:       P=N, C=C,   Q=L,      A=C, D=L   (one weight per channel)
 * - layer norm   [R, M]:          P=1, C=R,   Q=M,      A=1, D=1   (one weight per element of M)
 * - group norm   [N, C, L]:       P=1, C=N·G, Q=C/G·L,  A=G, D=L
 * - instance norm[N, C, L]:       P=1, C=N·C, Q=L,      A=C, D=L
 *
 * The backward rule runs fused typed-array loops; when the backward pass itself is recorded
 * (createGraph) it is written with differentiable tensor ops instead, so higher-order gradients work.
 */
interface Layout {
  P: number;
  C: number;
  Q: number;
  A: number;
  D: number;
}

/** Fixed per-c statistics (running statistics in eval mode), length C. */
interface FixedStats {
  mean: Float64Array;
  invstd: Float64Array;
}

interface CoreResult {
  out: Tensor;
  /** Per-c mean and biased variance (the fixed ones when given). */
  mean: Float64Array;
  varBiased: Float64Array;
}

function core(name: string, x: Tensor, L: Layout, w: Tensor | null, b: Tensor | null, eps: number, fixed: FixedStats | null): CoreResult {
  const { P, C, Q, A, D } = L;
  const B = Q / D;
  const n = P * Q;
  const xd = x.data;
  let meanA: Float64Array;
  let invstd: Float64Array;
  let varB: Float64Array;
  if (fixed) {
    meanA = fixed.mean;
    invstd = fixed.invstd;
    varB = new Float64Array(C);
    for (let c = 0; c < C; c++) varB[c] = 1 / (invstd[c]! * invstd[c]!) - eps;
  } else {
    meanA = new Float64Array(C);
    varB = new Float64Array(C);
    invstd = new Float64Array(C);
    for (let p = 0; p < P; p++)
      for (let c = 0; c < C; c++) {
        const base = (p * C + c) * Q;
        let s = 0;
        for (let q = 0; q < Q; q++) s += xd[base + q]!;
        meanA[c] += s;
      }
    for (let c = 0; c < C; c++) meanA[c] /= n;
    for (let p = 0; p < P; p++)
      for (let c = 0; c < C; c++) {
        const base = (p * C + c) * Q;
        const m = meanA[c]!;
        let s = 0;
        for (let q = 0; q < Q; q++) {
          const d = xd[base + q]! - m;
          s += d * d;
        }
        varB[c] += s;
      }
    for (let c = 0; c < C; c++) {
      varB[c] /= n;
      invstd[c] = 1 / Math.sqrt(varB[c]! + eps);
    }
  }
  const out = new Tensor(takeStorage(xd.length), x.shape);
  const od = out.data;
  const wd = w?.data;
  const bd = b?.data;
  for (let p = 0; p < P; p++)
    for (let c = 0; c < C; c++) {
      const m = meanA[c]!;
      const is = invstd[c]!;
      const wBase = (c % A) * B;
      let i = (p * C + c) * Q;
      for (let k = 0; k < B; k++) {
        const wv = wd ? wd[wBase + k]! : 1;
        const bv = bd ? bd[wBase + k]! : 0;
        for (let r = 0; r < D; r++, i++) od[i] = (xd[i]! - m) * is * wv + bv;
      }
    }
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  record(out, name, inputs, (g) => {
    const [dx, dw, db] = isGradEnabled() ? compositeBackward(x, w, b, g, L, eps, fixed) : fusedBackward(x, w, b, g, L, meanA, invstd, !!fixed);
    return [x.requiresGrad ? dx : null, ...(w ? [dw] : []), ...(b ? [db] : [])];
  });
  return { out, mean: meanA, varBiased: varB };
}

function fusedBackward(
  x: Tensor,
  w: Tensor | null,
  b: Tensor | null,
  g: Tensor,
  L: Layout,
  meanA: Float64Array,
  invstd: Float64Array,
  fixedStats: boolean,
): [Tensor, Tensor | null, Tensor | null] {
  const { P, C, Q, A, D } = L;
  const B = Q / D;
  const n = P * Q;
  const xd = x.data;
  const gd = g.data;
  const wd = w?.data;
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  const dw = new Float64Array(A * B);
  const db = new Float64Array(A * B);
  for (let p = 0; p < P; p++)
    for (let c = 0; c < C; c++) {
      const m = meanA[c]!;
      const is = invstd[c]!;
      const wBase = (c % A) * B;
      let i = (p * C + c) * Q;
      let a1 = 0;
      let a2 = 0;
      for (let k = 0; k < B; k++) {
        const wv = wd ? wd[wBase + k]! : 1;
        let gw = 0;
        let gs = 0;
        for (let r = 0; r < D; r++, i++) {
          const gy = gd[i]!;
          const xh = (xd[i]! - m) * is;
          gw += gy * xh;
          gs += gy;
        }
        dw[wBase + k] += gw;
        db[wBase + k] += gs;
        a1 += gs * wv;
        a2 += gw * wv;
      }
      s1[c] += a1;
      s2[c] += a2;
    }
  const dx = new Tensor(takeStorage(xd.length), x.shape);
  const dd = dx.data;
  for (let p = 0; p < P; p++)
    for (let c = 0; c < C; c++) {
      const m = meanA[c]!;
      const is = invstd[c]!;
      const m1 = fixedStats ? 0 : s1[c]! / n;
      const m2 = fixedStats ? 0 : s2[c]! / n;
      const wBase = (c % A) * B;
      let i = (p * C + c) * Q;
      for (let k = 0; k < B; k++) {
        const wv = wd ? wd[wBase + k]! : 1;
        for (let r = 0; r < D; r++, i++) {
          const xh = (xd[i]! - m) * is;
          dd[i] = is * (gd[i]! * wv - m1 - xh * m2);
        }
      }
    }
  return [dx, w ? new Tensor(takeCopy(dw), w.shape) : null, b ? new Tensor(takeCopy(db), b.shape) : null];
}

/** The same gradients as tensor ops on the tape (used when the backward pass is recorded). */
function compositeBackward(
  x: Tensor,
  w: Tensor | null,
  b: Tensor | null,
  g: Tensor,
  L: Layout,
  eps: number,
  fixed: FixedStats | null,
): [Tensor, Tensor | null, Tensor | null] {
  const { P, C, Q, A, D } = L;
  const s5 = [P, C / A, A, Q / D, D];
  const x3 = reshape(x, [P, C, Q]);
  let xhat: Tensor;
  let invstd: Tensor;
  if (fixed) {
    const m = new Tensor(Float32Array.from(fixed.mean), [1, C, 1]);
    invstd = new Tensor(Float32Array.from(fixed.invstd), [1, C, 1]);
    xhat = mul(sub(x3, m), invstd);
  } else {
    const xc = sub(x3, mean(x3, [0, 2], { keepdim: true }));
    const v = mean(mul(xc, xc), [0, 2], { keepdim: true });
    invstd = exp(mul(log(add(v, eps)), -0.5));
    xhat = mul(xc, invstd);
  }
  const g5 = reshape(g, s5);
  const gw5 = w ? mul(g5, reshape(w, [1, 1, A, Q / D, 1])) : g5;
  const dw = w ? reshape(sum(mul(g5, reshape(xhat, s5)), [0, 1, 4]), w.shape) : null;
  const db = b ? reshape(sum(g5, [0, 1, 4]), b.shape) : null;
  const gw3 = reshape(gw5, [P, C, Q]);
  const dx = fixed
    ? mul(gw3, invstd)
    : mul(invstd, sub(sub(gw3, mean(gw3, [0, 2], { keepdim: true })), mul(xhat, mean(mul(gw3, xhat), [0, 2], { keepdim: true }))));
  return [reshape(dx, x.shape), dw, db];
}

function checkAffine(op: string, t: Tensor | null | undefined, size: number, what: string, expected: string): Tensor | null {
  if (t === null || t === undefined) return null;
  checkTensor(t, op, what);
  if (t.data.length !== size)
    throw new ShapeError(op, `${what} has shape ${fmtShape(t.shape)} but ${expected}; pass a tensor with ${size} elements`);
  return t;
}

function checkEps(op: string, eps: number): void {
  if (!(eps >= 0)) throw new ValueError(op, `eps must be a non-negative number, got ${eps}`);
}

/**
 * Batch normalization over the channel dim 1 of x [N, C, *] (PyTorch: `F.batch_norm`).
 * Training: normalise with the batch statistics (biased variance) and, when running buffers are
 * given, update them in place: r ← (1−momentum)·r + momentum·stat, with the UNBIASED variance for
 * runningVar. Eval: normalise with the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const op = 'batchNorm';
  checkTensor(x, op);
  if (x.ndim < 2) throw new ShapeError(op, `expects input [N, C, *] with at least 2 dims, got ${fmtShape(x.shape)}`);
  checkEps(op, eps);
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  const Lq = x.data.length / Math.max(N * C, 1);
  const what = `the input has C=${C} channels (dim 1 of ${fmtShape(x.shape)})`;
  checkAffine(op, weight, C, 'weight', what);
  checkAffine(op, bias, C, 'bias', what);
  checkAffine(op, runningMean, C, 'runningMean', what);
  checkAffine(op, runningVar, C, 'runningVar', what);
  const layout: Layout = { P: N, C, Q: Lq, A: C, D: Lq };
  if (!training) {
    if (!runningMean || !runningVar)
      throw new ValueError(op, 'eval mode (training=false) needs runningMean and runningVar; pass them, or training=true to use batch statistics');
    const m = Float64Array.from(runningMean.data);
    const is = Float64Array.from(runningVar.data, (v) => 1 / Math.sqrt(v + eps));
    return core(op, x, layout, weight, bias, eps, { mean: m, invstd: is }).out;
  }
  const n = N * Lq;
  if (n <= 1)
    throw new ValueError(op, `expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}; use a batch of at least 2 or call eval()`);
  if (!(momentum >= 0 && momentum <= 1)) throw new ValueError(op, `momentum must be in [0, 1], got ${momentum}`);
  const r = core(op, x, layout, weight, bias, eps, null);
  updateRunning(runningMean, runningVar, r.mean, r.varBiased, n, momentum, 1);
  return r.out;
}

/** r ← (1−m)·r + m·stat for per-c stats folded onto the buffers' channels (averaged over groups). */
function updateRunning(
  rm: Tensor | null,
  rv: Tensor | null,
  meanA: Float64Array,
  varB: Float64Array,
  n: number,
  m: number,
  groups: number,
): void {
  noGrad(() => {
    const C = meanA.length / groups;
    const unbias = n > 1 ? n / (n - 1) : 1;
    for (let c = 0; c < C; c++) {
      let sm = 0;
      let sv = 0;
      for (let k = 0; k < groups; k++) {
        sm += meanA[k * C + c]!;
        sv += varB[k * C + c]! * unbias;
      }
      if (rm) rm.data[c] = (1 - m) * rm.data[c]! + (m * sm) / groups;
      if (rv) rv.data[c] = (1 - m) * rv.data[c]! + (m * sv) / groups;
    }
    if (rm) rm._version++;
    if (rv) rv._version++;
  });
}

/** Layer normalization over the trailing `normalizedShape` dims (PyTorch: `F.layer_norm`). */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = 'layerNorm';
  checkTensor(x, op);
  checkEps(op, eps);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = x.shape.slice(x.ndim - ns.length);
  if (ns.length === 0 || ns.length > x.ndim || ns.some((d, i) => d !== tail[i]))
    throw new ShapeError(
      op,
      `normalizedShape ${fmtShape(ns)} must equal the trailing dims of the input ${fmtShape(x.shape)}; ` +
        `e.g. for input [N, ${x.shape[x.ndim - 1] ?? 'M'}] use normalizedShape [${x.shape[x.ndim - 1] ?? 'M'}]`,
    );
  const M = ns.reduce((a, d) => a * d, 1);
  const R = x.data.length / Math.max(M, 1);
  const what = `normalizedShape is ${fmtShape(ns)}`;
  checkAffine(op, weight, M, 'weight', what);
  checkAffine(op, bias, M, 'bias', what);
  return core(op, x, { P: 1, C: R, Q: M, A: 1, D: 1 }, weight, bias, eps, null).out;
}

/** Group normalization of x [N, C, *] over groups of C/numGroups channels (PyTorch: `F.group_norm`). */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  checkTensor(x, op);
  checkEps(op, eps);
  if (x.ndim < 2) throw new ShapeError(op, `expects input [N, C, *] with at least 2 dims, got ${fmtShape(x.shape)}`);
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || C % numGroups !== 0)
    throw new ValueError(op, `the ${C} channels of input ${fmtShape(x.shape)} cannot be split into ${numGroups} groups; numGroups must divide C`);
  const Lq = x.data.length / Math.max(N * C, 1);
  const what = `the input has C=${C} channels`;
  checkAffine(op, weight, C, 'weight', what);
  checkAffine(op, bias, C, 'bias', what);
  return core(op, x, { P: 1, C: N * numGroups, Q: (C / numGroups) * Lq, A: numGroups, D: Lq }, weight, bias, eps, null).out;
}

/**
 * Instance normalization of x [N, C, *]: each sample's channel normalised over its own spatial
 * values (PyTorch: `F.instance_norm`). With `useInputStats` and running buffers, these are updated
 * with the batch average of the per-instance statistics (unbiased variance); with
 * `useInputStats=false` the running statistics normalise instead.
 */
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  useInputStats = true,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const op = 'instanceNorm';
  checkTensor(x, op);
  checkEps(op, eps);
  if (x.ndim < 3) throw new ShapeError(op, `expects input [N, C, *] with at least one spatial dim, got ${fmtShape(x.shape)}`);
  const N = x.shape[0]!;
  const C = x.shape[1]!;
  const Lq = x.data.length / Math.max(N * C, 1);
  const what = `the input has C=${C} channels`;
  checkAffine(op, weight, C, 'weight', what);
  checkAffine(op, bias, C, 'bias', what);
  checkAffine(op, runningMean, C, 'runningMean', what);
  checkAffine(op, runningVar, C, 'runningVar', what);
  const layout: Layout = { P: 1, C: N * C, Q: Lq, A: C, D: Lq };
  if (!useInputStats) {
    if (!runningMean || !runningVar)
      throw new ValueError(op, 'useInputStats=false needs runningMean and runningVar; pass them or use the input statistics');
    const m = new Float64Array(N * C);
    const is = new Float64Array(N * C);
    for (let i = 0; i < N * C; i++) {
      m[i] = runningMean.data[i % C]!;
      is[i] = 1 / Math.sqrt(runningVar.data[i % C]! + eps);
    }
    return core(op, x, layout, weight, bias, eps, { mean: m, invstd: is }).out;
  }
  if (Lq <= 1)
    throw new ValueError(op, `expected more than 1 spatial element per channel when using input statistics, got input of shape ${fmtShape(x.shape)}`);
  const r = core(op, x, layout, weight, bias, eps, null);
  if (runningMean || runningVar) {
    if (!(momentum >= 0 && momentum <= 1)) throw new ValueError(op, `momentum must be in [0, 1], got ${momentum}`);
    updateRunning(runningMean, runningVar, r.mean, r.varBiased, Lq, momentum, N);
  }
  return r.out;
}
