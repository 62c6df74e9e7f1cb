import { takeStorage } from '../tensor/storage-pool.js';
import type { Conv2dGeometry, ConvGeometry } from '../kernels/backend.js';
import { backend } from '../kernels/backend.js';
import { scratch } from '../kernels/scratch.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { biasGradData, sumBias } from './conv-bias.js';

/**
 * The three linear maps of a 2-D convolution and their wiring on the tape:
 *   convForward      y  = W ⋆ x          (im2col + one GEMM per group over a chunk of images)
 *   convInputGrad    dx = Wᵀ ⋆ dy        (GEMM + col2im; this is also the transposed convolution)
 *   convWeightGrad   dW = dy ⋆ xᵀ        (im2col + GEMM)
 * Each one's backward is expressed with the other two, so convolutions are differentiable to any
 * order. Small images are unfolded a chunk at a time into cols[C·kH·kW, n·L] (L = OH·OW) so
 * that a single GEMM covers several images; large ones go one image per GEMM, straight into the
 * output, so memory stays bounded either way. The work buffers are kernel scratch (allocated once,
 * reused by every call: src/kernels/scratch.ts); only results are fresh arrays.
 * A backend with fused whole-batch kernels (conv2dForward, conv2dInputGrad, conv2dWeightGrad and
 * both gradients at once, conv2dBackward: the wasm one) gets the whole batch in one call instead;
 * the path above is the fallback.
 */
export interface ConvGeo {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
  OH: number;
  OW: number;
  groups: number;
}

/** Upper bound on the unfolded buffer, in floats (16 MB), before the batch is split. */
const COLS_CAP = 1 << 22;

function kernelGeo(g: ConvGeo): ConvGeometry {
  return {
    C: g.C, H: g.H, W: g.W, kH: g.kH, kW: g.kW, strideH: g.sH, strideW: g.sW,
    padH: g.pH, padW: g.pW, dilH: g.dH, dilW: g.dW, outH: g.OH, outW: g.OW,
  };
}

function batchGeo(g: ConvGeo): Conv2dGeometry {
  return { ...kernelGeo(g), N: g.N, O: g.O, groups: g.groups };
}

/** Whether the fused kernels apply (they assume non-empty operands). */
function fusable(g: ConvGeo): boolean {
  return g.N > 0 && g.O > 0 && g.C > 0 && g.OH * g.OW > 0 && g.kH * g.kW > 0;
}

/** Below this many output pixels per image, several images share one GEMM. */
const GEMM_MIN_COLS = 128;

/**
 * Images per GEMM: one when an image alone gives a wide enough GEMM (no re-layout copies), else
 * enough to reach GEMM_MIN_COLS columns, within the memory cap.
 */
function chunkSize(g: ConvGeo): number {
  const L = g.OH * g.OW;
  if (L >= GEMM_MIN_COLS / 4) return 1;
  const per = g.C * g.kH * g.kW * L;
  const want = Math.ceil(GEMM_MIN_COLS / Math.max(L, 1));
  return Math.max(1, Math.min(g.N, want, Math.floor(COLS_CAP / Math.max(per, 1))));
}

/** Sizes and work buffers shared by the three per-chunk (fallback) paths. */
interface Plan {
  kg: ConvGeometry;
  /** output pixels per image */
  L: number;
  /** rows of the unfolded matrix: C·kH·kW, and per group */
  K: number;
  Kg: number;
  /** output channels per group */
  Og: number;
  /** images per GEMM */
  cb: number;
  /** unfolded columns [K, cb·L] */
  cols: Float32Array;
  /** one image's columns [K, L], when cb > 1 */
  work: Float32Array | null;
  /** outputs or output gradients re-laid out as [O, cb·L], when cb > 1 */
  rows: Float32Array | null;
}

function plan(g: ConvGeo): Plan {
  const L = g.OH * g.OW;
  const K = g.C * g.kH * g.kW;
  const cb = chunkSize(g);
  return {
    kg: kernelGeo(g), L, K, Kg: K / g.groups, Og: g.O / g.groups, cb,
    cols: scratch('conv.cols', K * cb * L),
    work: cb > 1 ? scratch('conv.image', K * L) : null,
    rows: cb > 1 ? scratch('conv.rows', g.O * cb * L) : null,
  };
}

/** Unfold images [n0, n0+nb) of x into cols[K, nb·L]. */
function unfold(x: Float32Array, g: ConvGeo, kg: ConvGeometry, n0: number, nb: number, cols: Float32Array, work: Float32Array | null): void {
  const be = backend();
  const L = g.OH * g.OW;
  const K = g.C * g.kH * g.kW;
  const img = g.C * g.H * g.W;
  if (nb === 1) {
    be.im2col(x, n0 * img, kg, cols, 0);
    return;
  }
  const NL = nb * L;
  for (let j = 0; j < nb; j++) {
    be.im2col(x, (n0 + j) * img, kg, work!, 0);
    for (let r = 0; r < K; r++) cols.set(work!.subarray(r * L, r * L + L), r * NL + j * L);
  }
}

/** y[N,O,OH,OW] = conv(x, w) (+ bias), raw data. */
export function convForwardData(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeo): Float32Array {
  const be = backend();
  // every path writes every element (the fused kernel, or the GEMMs per group): no zeroing
  const out = takeStorage(g.N * g.O * g.OH * g.OW, false);
  if (out.length === 0) return out;
  if (be.conv2dForward && fusable(g)) {
    be.conv2dForward(x, w, bias, batchGeo(g), out);
    return out;
  }
  const { kg, L, Kg, Og, cb, cols, work, rows: Y } = plan(g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    const NL = nb * L;
    unfold(x, g, kg, n0, nb, cols, work);
    const dst = nb === 1 ? out : Y!;
    const base = nb === 1 ? n0 * g.O * L : 0;
    for (let gi = 0; gi < g.groups; gi++)
      be.gemm(false, false, Og, NL, Kg, w, gi * Og * Kg, cols, gi * Kg * NL, dst, base + gi * Og * NL, false);
    if (nb > 1) {
      for (let j = 0; j < nb; j++)
        for (let o = 0; o < g.O; o++) out.set(Y!.subarray(o * NL + j * L, o * NL + j * L + L), ((n0 + j) * g.O + o) * L);
    }
  }
  if (bias !== null)
    for (let n = 0; n < g.N; n++)
      for (let o = 0; o < g.O; o++) {
        const b = bias[o]!;
        const s = (n * g.O + o) * L;
        for (let l = 0; l < L; l++) out[s + l] += b;
      }
  return out;
}

/** dy[N,O,L] for images [n0, n0+nb) laid out as [O, nb·L]. */
function gatherDy(dy: Float32Array, g: ConvGeo, n0: number, nb: number, buf: Float32Array): void {
  const L = g.OH * g.OW;
  const NL = nb * L;
  for (let j = 0; j < nb; j++)
    for (let o = 0; o < g.O; o++) buf.set(dy.subarray(((n0 + j) * g.O + o) * L, ((n0 + j) * g.O + o + 1) * L), o * NL + j * L);
}

/** dx[N,C,H,W] = convᵀ(dy, w), raw data. */
export function convInputGradData(dy: Float32Array, w: Float32Array, g: ConvGeo): Float32Array {
  const be = backend();
  const img = g.C * g.H * g.W;
  const fused = be.conv2dInputGrad !== undefined && fusable(g);
  // the fused kernel writes every element; the GEMM path adds columns into zeros
  const dx = takeStorage(g.N * img, !fused || g.OH * g.OW === 0);
  if (dx.length === 0 || g.OH * g.OW === 0) return dx;
  if (fused) {
    be.conv2dInputGrad!(dy, w, batchGeo(g), dx);
    return dx;
  }
  const { kg, L, K, Kg, Og, cb, cols: dcols, work, rows: dY } = plan(g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    const NL = nb * L;
    if (nb > 1) gatherDy(dy, g, n0, nb, dY!);
    const src = nb === 1 ? dy : dY!;
    const base = nb === 1 ? n0 * g.O * L : 0;
    for (let gi = 0; gi < g.groups; gi++)
      be.gemm(true, false, Kg, NL, Og, w, gi * Og * Kg, src, base + gi * Og * NL, dcols, gi * Kg * NL, false);
    if (nb === 1) {
      be.col2im(dcols, 0, kg, dx, n0 * img);
      continue;
    }
    for (let j = 0; j < nb; j++) {
      for (let r = 0; r < K; r++) work!.set(dcols.subarray(r * NL + j * L, r * NL + j * L + L), r * L);
      be.col2im(work!, 0, kg, dx, (n0 + j) * img);
    }
  }
  return dx;
}

/**
 * dW[O, C/groups, kH, kW] = Σ_images dy ⋆ unfold(x), raw data; with `db` ([O]) also the bias
 * gradient (from the operands the fused kernel already holds, or by biasGradData).
 */
export function convWeightGradData(dy: Float32Array, x: Float32Array, g: ConvGeo, db: Float32Array | null = null): Float32Array {
  const be = backend();
  const dw = takeStorage((g.O * g.C * g.kH * g.kW) / g.groups);
  if (be.conv2dWeightGrad && fusable(g) && dw.length > 0) {
    be.conv2dWeightGrad(dy, x, batchGeo(g), dw, db);
    return dw;
  }
  if (db !== null) biasGradData(dy, g, db);
  if (dw.length === 0 || g.N * g.OH * g.OW === 0) return dw;
  const { kg, L, Kg, Og, cb, cols, work, rows: dY } = plan(g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    const NL = nb * L;
    unfold(x, g, kg, n0, nb, cols, work);
    if (nb > 1) gatherDy(dy, g, n0, nb, dY!);
    const src = nb === 1 ? dy : dY!;
    const base = nb === 1 ? n0 * g.O * L : 0;
    for (let gi = 0; gi < g.groups; gi++)
      be.gemm(false, true, Og, Kg, NL, src, base + gi * Og * NL, cols, gi * Kg * NL, dw, gi * Og * Kg, n0 > 0);
  }
  return dw;
}

/** conv2d on 4-D tensors with a validated geometry (weight [O, C/groups, kH, kW]). */
export function convOp(x: Tensor, w: Tensor, b: Tensor | null, geo: ConvGeo): Tensor {
  const out = new Tensor(convForwardData(x.data, w.data, b ? b.data : null, geo), [geo.N, geo.O, geo.OH, geo.OW]);
  const inputs = b ? [x, w, b] : [x, w];
  return record(out, 'conv2d', inputs, (g) => {
    const wantB = b !== null && b.requiresGrad;
    // the bias gradient comes with the weight one (dy is read once)
    const db = wantB && w.requiresGrad ? takeStorage(geo.O) : null;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    const be = backend();
    const nx = geo.N * geo.C * geo.H * geo.W;
    if (x.requiresGrad && w.requiresGrad && be.conv2dBackward && fusable(geo) && nx > 0) {
      // both from one backend call (one copy of dy, one pass of the work queue)
      const dx = takeStorage(nx, false); // written whole by the fused kernel
      const dw = takeStorage((geo.O * geo.C * geo.kH * geo.kW) / geo.groups);
      be.conv2dBackward(g.data, x.data, w.data, batchGeo(geo), dx, dw, db);
      gx = convInputGrad(g, w, geo, dx);
      gw = convWeightGrad(g, x, geo, null, dw);
    } else {
      gx = x.requiresGrad ? convInputGrad(g, w, geo) : null;
      gw = w.requiresGrad ? convWeightGrad(g, x, geo, db) : null;
    }
    return [gx, gw, wantB ? sumBias(g, geo, db) : null];
  });
}

/**
 * dx = Wᵀ ⋆ dy: the gradient of conv2d with respect to its input, and the transposed convolution
 * (`pre`: its data, already computed).
 */
export function convInputGrad(dy: Tensor, w: Tensor, geo: ConvGeo, pre: Float32Array | null = null): Tensor {
  const out = new Tensor(pre ?? convInputGradData(dy.data, w.data, geo), [geo.N, geo.C, geo.H, geo.W]);
  return record(out, 'convInputGrad', [dy, w], (gg) => [
    dy.requiresGrad ? convOp(gg, w, null, geo) : null,
    w.requiresGrad ? convWeightGrad(dy, gg, geo) : null,
  ]);
}

/**
 * dW = dy ⋆ xᵀ: the gradient of conv2d with respect to its weight (and into `db` the bias's;
 * `pre`: its data, already computed).
 */
export function convWeightGrad(dy: Tensor, x: Tensor, geo: ConvGeo, db: Float32Array | null = null, pre: Float32Array | null = null): Tensor {
  const Cg = geo.C / geo.groups;
  const out = new Tensor(pre ?? convWeightGradData(dy.data, x.data, geo, db), [geo.O, Cg, geo.kH, geo.kW]);
  return record(out, 'convWeightGrad', [dy, x], (gw) => [
    dy.requiresGrad ? convOp(x, gw, null, geo) : null,
    x.requiresGrad ? convInputGrad(dy, gw, geo) : null,
  ]);
}
