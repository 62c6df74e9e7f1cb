/**
 * Fused whole-batch convolution on the wasm backend: each call copies its operands into linear
 * memory once, computes there and copies the result out once. Threads take chunks of the work
 * (ranges of images, or of a GEMM's micro-tiles) from the pool's work queue.
 *   - Images with at least IMAGE_MIN_PIXELS output pixels (forward, input gradient) and every
 *     weight gradient go one image at a time (conv-image.wat): its columns [C·kH·kW, L] (L =
 *     outH·outW) are unfolded into a small work area that stays in cache, and its NCHW slice is
 *     the GEMM's own layout. The weight gradient sums fixed ranges of images into partials.
 *   - Smaller images share one wide GEMM: every image is unfolded into cols[C·kH·kW, n·L], one
 *     GEMM per group runs over all of them and the result is re-laid out (NCHW ↔ [O, n·L],
 *     adding the bias on the way).
 * Batches whose buffers would exceed CHUNK_FLOATS are processed a fixed number of images at a
 * time; that number depends on the geometry only, so results are bit-identical for any thread
 * count.
 *
 * Memory: [PACK_OFFSET, base) is the per-thread GEMM packing scratch of the threads in use; the
 * operands and work buffers of this call follow from `base` (kernels run one at a time).
 */
import type { Conv2dGeometry } from '../backend.js';
import type { WasmBackend } from './backend.js';
import { GEOM_OFFSET, PACK_BYTES, PACK_OFFSET, TMP_OFFSET } from './instance.js';
import { MR, NR, gemmJobs } from './gemm-jobs.js';
import {
  JOB_COL2IM, JOB_FORWARD_IMAGES, JOB_GATHER, JOB_IM2COL, JOB_INPUT_IMAGES, JOB_SCATTER, JOB_WEIGHT_IMAGES, QUEUE_MAX,
} from './worker-source.js';

/** Work buffers of one chunk of images stay under this many floats (64 MB) where possible. */
let CHUNK_FLOATS = 1 << 24;

/** Change the chunk budget (tests use a small one to exercise chunking); returns the old one. */
export function setConvChunkFloats(n: number): number {
  const old = CHUNK_FLOATS;
  CHUNK_FLOATS = n;
  return old;
}

const align = (n: number): number => (n + 63) & ~63;

interface Dims {
  L: number;
  K: number;
  Kg: number;
  Og: number;
  img: number;
  outImg: number;
}

function dims(g: Conv2dGeometry): Dims {
  const L = g.outH * g.outW;
  const K = g.C * g.kH * g.kW;
  return { L, K, Kg: K / g.groups, Og: g.O / g.groups, img: g.C * g.H * g.W, outImg: g.O * L };
}

/** Images per chunk: as many as fit in CHUNK_FLOATS given `perImage` floats each (at least 1). */
function chunkOf(g: Conv2dGeometry, perImage: number): number {
  return Math.max(1, Math.min(g.N, Math.floor(CHUNK_FLOATS / Math.max(1, perImage))));
}

function writeGeometry(be: WasmBackend, g: Conv2dGeometry): void {
  const i = be.kernels.heapI32;
  const o = GEOM_OFFSET >> 2;
  i[o] = g.C; i[o + 1] = g.H; i[o + 2] = g.W; i[o + 3] = g.kH; i[o + 4] = g.kW;
  i[o + 5] = g.strideH; i[o + 6] = g.strideW; i[o + 7] = g.padH; i[o + 8] = g.padW;
  i[o + 9] = g.dilH; i[o + 10] = g.dilW; i[o + 11] = g.outH; i[o + 12] = g.outW;
}

/** Bump allocator over linear memory from the end of T threads' packing scratch. */
function layout(T: number, sizes: number[], op: string, be: WasmBackend): number[] {
  let p = PACK_OFFSET + T * PACK_BYTES;
  const out: number[] = [];
  for (const s of sizes) {
    out.push(p);
    p += align(s * 4);
  }
  // slack after the last operand: the stride-2 and stride-1 paths of conv.wat read a few floats
  // past a row (and before the first: an earlier buffer or the packing scratch)
  if (!be.kernels.ensure(p + 64))
    throw new RangeError(`${op}: the batch exceeds the WebAssembly memory limit; use setBackend('portable')`);
  return out;
}

/** Chunks of work per thread in the work queue (a slow thread then takes fewer of them). */
const CHUNKS_PER_THREAD = 4;
/** A GEMM chunk spans at least this many micro-tiles (it re-packs its share of op(A) or op(B)). */
const MIN_CHUNK_TILES = 16;

/**
 * C = op(A)·op(B) (+ C) on operands already in linear memory (byte addresses), on at most T
 * threads taking ranges of whole micro-tiles from the work queue (any split gives the same bits).
 */
function residentGemm(
  be: WasmBackend, T: number, ta: number, tb: number, M: number, N: number, K: number,
  pA: number, pB: number, pC: number, acc: number,
): void {
  if (M === 0 || N === 0) return;
  let pieces = 1;
  if (T > 1) {
    const tiles = Math.max(Math.ceil(N / NR), Math.ceil(M / MR));
    pieces = Math.min(QUEUE_MAX, Math.max(T, Math.min(CHUNKS_PER_THREAD * T, Math.floor(tiles / MIN_CHUNK_TILES))));
  }
  be.runQueue(gemmJobs(pieces, ta, tb, M, N, K, pA, pB, pC, acc), T);
}

/**
 * Run a per-image kernel (a JOB_* kind of worker-source.ts) over images [0, nb) on at most T
 * threads taking ranges of images from the work queue; `args(n0, n1)` gives the export's
 * arguments. Images are independent and write disjoint memory (work areas are per thread), so
 * the result does not depend on T. `finished(n0, n1)` is called on this thread once for every
 * range, as soon as this thread sees it done (results can be copied out while others compute).
 */
function imageJobs(
  be: WasmBackend, T: number, nb: number, kind: number, args: (n0: number, n1: number) => number[],
  finished?: (n0: number, n1: number) => void,
): void {
  const per = Math.ceil(nb / Math.max(1, Math.min(T > 1 ? CHUNKS_PER_THREAD * T : 1, nb, QUEUE_MAX)));
  const jobs: number[][] = [];
  for (let n0 = 0; n0 < nb; n0 += per) {
    const a = args(n0, Math.min(nb, n0 + per));
    while (a.length < 16) a.push(0);
    a.push(kind);
    jobs.push(a);
  }
  if (finished === undefined) {
    be.runQueue(jobs, T);
    return;
  }
  const handed = new Uint8Array(jobs.length);
  const hand = (i: number): void => {
    handed[i] = 1;
    finished(i * per, Math.min(nb, (i + 1) * per));
  };
  be.runQueue(jobs, T, (done) => {
    for (let i = 0; i < jobs.length; i++) if (handed[i] === 0 && done(i)) hand(i);
  });
  for (let i = 0; i < jobs.length; i++) if (handed[i] === 0) hand(i);
}

/**
 * From this many output pixels per image on, the forward and the input gradient run one image at
 * a time (conv-image.wat): one image's GEMM is wide enough, its columns stay in cache, and no
 * re-layout between [N,O,L] and [O, N·L] is needed. Below it, several images share one GEMM.
 */
const IMAGE_MIN_PIXELS = 128;

/** y[N,O,outH,outW] = conv(x, w) (+ bias). */
export function conv2dForward(
  be: WasmBackend, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, y: Float32Array,
): void {
  const { L, K, Kg, Og, img, outImg } = dims(g);
  if (L >= IMAGE_MIN_PIXELS) {
    const cb = chunkOf(g, img + outImg);
    const T = be.gemmThreads(Og, cb * L, Kg);
    const [px, pw, pb, pcols, py] = layout(T, [cb * img, g.O * Kg, g.O, T * align(K * L * 4) / 4, cb * outImg], 'conv2d', be);
    const k = be.kernels;
    k.heapF32.set(w.subarray(0, g.O * Kg), pw! >> 2);
    if (bias !== null) k.heapF32.set(bias.subarray(0, g.O), pb! >> 2);
    writeGeometry(be, g);
    for (let n0 = 0; n0 < g.N; n0 += cb) {
      const nb = Math.min(cb, g.N - n0);
      k.heapF32.set(x.subarray(n0 * img, (n0 + nb) * img), px! >> 2);
      imageJobs(be, T, nb, JOB_FORWARD_IMAGES, (a, b) =>
        [px!, GEOM_OFFSET, pw!, bias !== null ? pb! : 0, py!, a, b, pcols!, g.O, g.groups, align(K * L * 4), TMP_OFFSET],
        (a, b) => y.set(k.heapF32.subarray((py! >> 2) + a * outImg, (py! >> 2) + b * outImg), (n0 + a) * outImg));
    }
    return;
  }
  const cb = chunkOf(g, img + K * L + 2 * outImg);
  const T = be.gemmThreads(Og, cb * L, Kg);
  const [px, pw, pb, pcols, pY, pout] = layout(T, [cb * img, g.O * Kg, g.O, K * cb * L, g.O * cb * L, cb * outImg], 'conv2d', be);
  const k = be.kernels;
  k.heapF32.set(w.subarray(0, g.O * Kg), pw! >> 2);
  if (bias !== null) k.heapF32.set(bias.subarray(0, g.O), pb! >> 2);
  writeGeometry(be, g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    const NL = nb * L;
    k.heapF32.set(x.subarray(n0 * img, (n0 + nb) * img), px! >> 2);
    imageJobs(be, T, nb, JOB_IM2COL, (a, b) => [px!, GEOM_OFFSET, pcols!, NL, a, b]);
    for (let gi = 0; gi < g.groups; gi++)
      residentGemm(be, T, 0, 0, Og, NL, Kg, pw! + gi * Og * Kg * 4, pcols! + gi * Kg * NL * 4, pY! + gi * Og * NL * 4, 0);
    imageJobs(be, T, nb, JOB_SCATTER, (a, b) => [pY!, pout!, nb, g.O, L, bias !== null ? pb! : 0, a, b],
      (a, b) => y.set(k.heapF32.subarray((pout! >> 2) + a * outImg, (pout! >> 2) + b * outImg), (n0 + a) * outImg));
  }
}

/** dx[N,C,H,W] = convᵀ(dy, w): the input gradient (and the transposed convolution). */
export function conv2dInputGrad(be: WasmBackend, dy: Float32Array, w: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  const { L, K, Kg, Og, img, outImg } = dims(g);
  if (L >= IMAGE_MIN_PIXELS) {
    const cb = chunkOf(g, img + outImg);
    const T = be.gemmThreads(Kg, cb * L, Og);
    const [pdy, pw, pcols, pdx] = layout(T, [cb * outImg, g.O * Kg, T * align(K * L * 4) / 4, cb * img], 'conv2d backward', be);
    const k = be.kernels;
    k.heapF32.set(w.subarray(0, g.O * Kg), pw! >> 2);
    writeGeometry(be, g);
    for (let n0 = 0; n0 < g.N; n0 += cb) {
      const nb = Math.min(cb, g.N - n0);
      k.heapF32.set(dy.subarray(n0 * outImg, (n0 + nb) * outImg), pdy! >> 2);
      imageJobs(be, T, nb, JOB_INPUT_IMAGES, (a, b) => [pdy!, GEOM_OFFSET, pw!, pdx!, a, b, pcols!, g.O, g.groups, align(K * L * 4), TMP_OFFSET],
        (a, b) => dx.set(k.heapF32.subarray((pdx! >> 2) + a * img, (pdx! >> 2) + b * img), (n0 + a) * img));
    }
    return;
  }
  const cb = chunkOf(g, img + K * L + 2 * outImg);
  const T = be.gemmThreads(Kg, cb * L, Og);
  const [pdy, pdyT, pw, pcols, pdx] = layout(T, [cb * outImg, cb * outImg, g.O * Kg, K * cb * L, cb * img], 'conv2d backward', be);
  const k = be.kernels;
  k.heapF32.set(w.subarray(0, g.O * Kg), pw! >> 2);
  writeGeometry(be, g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    const NL = nb * L;
    const heap = k.heapF32;
    heap.set(dy.subarray(n0 * outImg, (n0 + nb) * outImg), pdy! >> 2);
    // one image's [O, L] already is the GEMM's layout
    const src = nb === 1 ? pdy! : pdyT!;
    if (nb > 1) imageJobs(be, T, nb, JOB_GATHER, (a, b) => [pdy!, pdyT!, nb, g.O, L, a, b]);
    for (let gi = 0; gi < g.groups; gi++)
      residentGemm(be, T, 1, 0, Kg, NL, Og, pw! + gi * Og * Kg * 4, src + gi * Og * NL * 4, pcols! + gi * Kg * NL * 4, 0);
    imageJobs(be, T, nb, JOB_COL2IM, (a, b) => [pcols!, GEOM_OFFSET, pdx!, NL, a, b],
      (a, b) => dx.set(k.heapF32.subarray((pdx! >> 2) + a * img, (pdx! >> 2) + b * img), (n0 + a) * img));
  }
}

/**
 * The weight gradient sums the batch into this many partials, each over a fixed range of images
 * whatever the thread count, added in order at the end.
 */
const WEIGHT_PARTIALS = 16;

/**
 * dw[O, C/groups, kH, kW] = Σ over images of dy ⋆ unfold(x), one image at a time (conv-image.wat:
 * the image's columns stay in cache, its dy slice already is the GEMM's layout), threads taking
 * the partials' ranges; with `db`, also the bias gradient db[O] = Σ dy over images and pixels
 * (float64 sums in ops' biasGradData order, from dy in memory).
 */
export function conv2dWeightGrad(
  be: WasmBackend, dy: Float32Array, x: Float32Array, g: Conv2dGeometry, dw: Float32Array, db: Float32Array | null,
): void {
  const { L, K, Kg, Og, img, outImg } = dims(g);
  const cb = chunkOf(g, img + outImg);
  const T = be.gemmThreads(Og, Kg, cb * L);
  const G = Math.min(cb, WEIGHT_PARTIALS);
  const W = g.O * Kg;
  const [px, pdy, pcols, ppart, pdw, pdb] = layout(T, [cb * img, cb * outImg, T * align(K * L * 4) / 4, G * W, W, 2 * g.O], 'conv2d backward', be);
  const k = be.kernels;
  writeGeometry(be, g);
  if (db !== null) k.heapF32.fill(0, pdb! >> 2, (pdb! >> 2) + 2 * g.O);
  let used = 0;
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    k.heapF32.set(x.subarray(n0 * img, (n0 + nb) * img), px! >> 2);
    k.heapF32.set(dy.subarray(n0 * outImg, (n0 + nb) * outImg), pdy! >> 2);
    // partial i sums images [i·per, (i+1)·per) of every chunk of the batch (the first has the most)
    const per = Math.ceil(nb / G);
    const jobs: number[][] = [];
    for (let a = 0; a < nb; a += per) {
      const i = jobs.length;
      jobs.push([px!, GEOM_OFFSET, pdy!, ppart! + i * W * 4, a, Math.min(nb, a + per), pcols!, g.O, g.groups, n0 > 0 ? 1 : 0,
        align(K * L * 4), TMP_OFFSET, 0, 0, 0, 0, JOB_WEIGHT_IMAGES]);
    }
    if (n0 === 0) used = jobs.length;
    be.runQueue(jobs, T);
    if (db !== null) k.exports.conv_bias_grad(pdy!, nb, g.O, L, pdb!);
  }
  k.exports.sum_arrays(ppart!, used, W, pdw!);
  dw.set(k.heapF32.subarray(pdw! >> 2, (pdw! >> 2) + W));
  if (db !== null) db.set(new Float64Array(k.memory.buffer, pdb!, g.O));
}
