/**
 * Fused whole-batch convolution on the wasm backend: each call copies its operands into linear
 * memory once, computes there and copies the result out (image ranges as soon as they are done,
 * while other threads still compute). Threads take ranges of images from the pool's work queue
 * and run conv-image.wat on them: per group of images (one image when it has GROUP_MIN_COLS or
 * more output pixels), the columns [C·kH·kW, k·L] (L = outH·outW) are unfolded into the thread's
 * small work area, which stays in cache, and multiplied with the weights; a single image's
 * [O, L] slice of NCHW is the GEMM's own layout, a group's result is re-laid out. Every element
 * of the forward and the input gradient is computed by the same GEMM instruction sequence
 * whatever the grouping or the thread (K-blocking depends on K only); the weight gradient sums
 * fixed ranges of images into partials added in order. Batches whose buffers would exceed
 * CHUNK_FLOATS are processed a fixed number of images at a time, a number that depends on the
 * geometry only. So results are bit-identical for any thread count.
 *
 * Memory: [scratchBase, base) is the per-thread GEMM packing scratch of the threads in use; the
 * operands, the per-thread work areas and the partials of this call follow from `base` (kernels
 * run one at a time).
 */
import type { Conv2dGeometry } from '../backend.js';
import type { WasmBackend } from './backend.js';
import { GEOM_OFFSET, PACK_BYTES, TMP_OFFSET, writeGeometry } from './instance.js';
import { MAX_JOBS, type Job } from './pool.js';
import { JOB_FORWARD_IMAGES, JOB_INPUT_IMAGES, JOB_WEIGHT_IMAGES } from './worker-source.js';

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

/** Bump allocator over linear memory from the end of T threads' packing scratch. */
function layout(T: number, sizes: number[], op: string, be: WasmBackend): number[] {
  let p = be.kernels.scratchBase + T * PACK_BYTES;
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

/**
 * The address of a[0..n) in linear memory: where it lies if it is resident (a layer's weight:
 * resident.ts), else `slot`, after copying it there.
 */
function inMemory(be: WasmBackend, a: Float32Array, n: number, slot: number): number {
  const at = be.kernels.addressOf(a, 0);
  if (at >= 0) return at;
  be.kernels.heapF32.set(a.subarray(0, n), slot >> 2);
  return slot;
}

/**
 * A pool job (pool.ts) running a conv-image.wat kernel with its first 13 arguments; the last three
 * (the GEMM scratch) are the taking thread's.
 */
function imageJob(be: WasmBackend, kind: number, args: number[]): Job {
  return [kind, be.kernels.scratchBase, ...args, 0, 0, 0];
}

/** Image ranges per thread in the work queue (a slow thread then takes fewer of them). */
const CHUNKS_PER_THREAD = 4;
/**
 * Run a conv-image.wat kernel (a JOB_* kind of worker-source.ts) over images [0, nb) on at most T
 * threads taking ranges of images from the work queue; `args(n0, n1)` gives the export's
 * arguments. Images are independent and write disjoint memory (work areas are per thread), so
 * the result does not depend on T. `finished(n0, n1)` is called on this thread once for every
 * range, as soon as this thread sees it done (results can be copied out while others compute).
 */
function imageJobs(
  be: WasmBackend, T: number, nb: number, kind: number, args: (n0: number, n1: number) => number[],
  finished?: (n0: number, n1: number) => void,
): void {
  const per = Math.ceil(nb / Math.max(1, Math.min(T > 1 ? CHUNKS_PER_THREAD * T : 1, nb, MAX_JOBS)));
  const jobs: Job[] = [];
  for (let n0 = 0; n0 < nb; n0 += per) {
    jobs.push(imageJob(be, kind, args(n0, Math.min(nb, n0 + per))));
  }
  if (finished === undefined) {
    be.runJobs(jobs, T);
    return;
  }
  const handed = new Uint8Array(jobs.length);
  const hand = (i: number): void => {
    handed[i] = 1;
    finished(i * per, Math.min(nb, (i + 1) * per));
  };
  be.runJobs(jobs, T, undefined, undefined, (done) => {
    for (let i = 0; i < jobs.length; i++) if (handed[i] === 0 && done(i)) hand(i);
  });
  for (let i = 0; i < jobs.length; i++) if (handed[i] === 0) hand(i);
}

/**
 * Images go one at a time when they have at least this many output pixels (their [O, L] slice is
 * the GEMM's own layout); smaller ones in groups of ceil(GROUP_MIN_COLS / L), whose GEMM of
 * k·L columns is wide enough (re-laid out in the thread's work area).
 */
const GROUP_MIN_COLS = 128;

/** Images per GEMM in conv-image.wat for L output pixels per image (at most `cb`). */
function imagesPerGemm(L: number, cb: number): number {
  return Math.max(1, Math.min(cb, Math.ceil(GROUP_MIN_COLS / Math.max(1, L))));
}

/** Bytes of one thread's work area: columns [K, k·L] and an [O, k·L] block. */
function areaBytes(g: Conv2dGeometry, K: number, L: number, kk: number): number {
  return align((K + g.O) * kk * L * 4);
}

/** y[N,O,outH,outW] = conv(x, w) (+ bias). */
export function conv2dForward(
  be: WasmBackend, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, y: Float32Array,
): void {
  const { L, K, Kg, Og, img, outImg } = dims(g);
  const cb = chunkOf(g, img + outImg);
  const T = be.gemmThreads(Og, cb * L, Kg);
  const kk = imagesPerGemm(L, cb);
  const area = areaBytes(g, K, L, kk);
  const [px, pw0, pb0, pwork, py] = layout(T, [cb * img, g.O * Kg, g.O, (T * area) / 4, cb * outImg], 'conv2d', be);
  const k = be.kernels;
  const pw = inMemory(be, w, g.O * Kg, pw0!);
  const pb = bias !== null ? inMemory(be, bias, g.O, pb0!) : 0;
  writeGeometry(be.kernels, g);
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    k.heapF32.set(x.subarray(n0 * img, (n0 + nb) * img), px! >> 2);
    imageJobs(be, T, nb, JOB_FORWARD_IMAGES, (a, b) =>
      [px!, GEOM_OFFSET, pw, pb, py!, a, b, pwork!, g.O, g.groups, area, TMP_OFFSET, kk],
      (a, b) => y.set(k.heapF32.subarray((py! >> 2) + a * outImg, (py! >> 2) + b * outImg), (n0 + a) * outImg));
  }
}

/**
 * The weight gradient sums the batch into this many partials, each over a fixed range of images
 * whatever the thread count, added in order at the end.
 */
const WEIGHT_PARTIALS = 16;

/**
 * The backward of conv2d from dy[N,O,outH,outW], each result computed when its array is given:
 *   dx[N,C,H,W] = convᵀ(dy, w) (the input gradient, also the transposed convolution);
 *   dw[O, C/groups, kH, kW] = Σ over images of dy ⋆ unfold(x), summed into WEIGHT_PARTIALS
 *     partials over fixed ranges of images, added in order;
 *   db[O] = Σ dy over images and pixels (float64 sums in ops' biasGradData order), with dw.
 * dy is copied in once; the input gradient's image ranges and the weight gradient's partials go
 * to the work queue together, and finished ranges of dx are copied out while the rest compute.
 */
export function conv2dBackward(
  be: WasmBackend, dy: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
  dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
): void {
  const { L, K, Kg, Og, img, outImg } = dims(g);
  const cb = chunkOf(g, 2 * img + outImg);
  const T = be.gemmThreads(Og, cb * L, Kg);
  const G = dw !== null ? Math.min(cb, WEIGHT_PARTIALS) : 0;
  const W = g.O * Kg;
  const kk = imagesPerGemm(L, cb);
  const area = areaBytes(g, K, L, kk);
  const wantX = dw !== null ? cb * img : 0;
  const wantDx = dx !== null ? cb * img : 0;
  const [pdy, px, pw0, pwork, ppart, pdw, pdb, pdx] = layout(
    T, [cb * outImg, wantX, dx !== null ? W : 0, (T * area) / 4, G * W, W, 2 * g.O, wantDx], 'conv2d backward', be);
  const k = be.kernels;
  const pw = dx !== null ? inMemory(be, w!, W, pw0!) : 0;
  if (db !== null) k.heapF32.fill(0, pdb! >> 2, (pdb! >> 2) + 2 * g.O);
  writeGeometry(be.kernels, g);
  let used = 0;
  for (let n0 = 0; n0 < g.N; n0 += cb) {
    const nb = Math.min(cb, g.N - n0);
    k.heapF32.set(dy.subarray(n0 * outImg, (n0 + nb) * outImg), pdy! >> 2);
    if (dw !== null) k.heapF32.set(x!.subarray(n0 * img, (n0 + nb) * img), px! >> 2);
    const jobs: Job[] = [];
    // input gradient: ranges of images, first in the queue (so their results go out early)
    const perX = dx !== null ? Math.ceil(nb / Math.max(1, Math.min(T > 1 ? CHUNKS_PER_THREAD * T : 1, nb, MAX_JOBS - G))) : nb;
    if (dx !== null)
      for (let a = 0; a < nb; a += perX)
        jobs.push(imageJob(be, JOB_INPUT_IMAGES, [pdy!, GEOM_OFFSET, pw, pdx!, a, Math.min(nb, a + perX), pwork!, g.O, g.groups, area, TMP_OFFSET, kk, 0]));
    const nx = jobs.length;
    // weight gradient: partial i sums images [i·per, (i+1)·per) of every chunk of the batch
    if (dw !== null) {
      const per = Math.ceil(nb / G);
      for (let a = 0, i = 0; a < nb; a += per, i++)
        jobs.push(imageJob(be, JOB_WEIGHT_IMAGES, [px!, GEOM_OFFSET, pdy!, ppart! + i * W * 4, a, Math.min(nb, a + per), pwork!, g.O, g.groups,
          n0 > 0 ? 1 : 0, area, TMP_OFFSET, kk]));
      if (n0 === 0) used = jobs.length - nx;
    }
    const handed = new Uint8Array(nx);
    const hand = (i: number): void => {
      handed[i] = 1;
      const a = i * perX;
      const b = Math.min(nb, a + perX);
      dx!.set(k.heapF32.subarray((pdx! >> 2) + a * img, (pdx! >> 2) + b * img), (n0 + a) * img);
    };
    be.runJobs(jobs, T, undefined, undefined, nx > 0 ? (done) => { for (let i = 0; i < nx; i++) if (handed[i] === 0 && done(i)) hand(i); } : undefined);
    for (let i = 0; i < nx; i++) if (handed[i] === 0) hand(i);
    if (db !== null) k.exports.conv_bias_grad(pdy!, nb, g.O, L, pdb!);
  }
  if (dw !== null) {
    k.exports.sum_arrays(ppart!, used, W, pdw!);
    dw.set(k.heapF32.subarray(pdw! >> 2, (pdw! >> 2) + W));
  }
  if (db !== null) db.set(new Float64Array(k.memory.buffer, pdb!, g.O));
}
