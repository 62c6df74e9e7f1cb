/**
 * How a GEMM on operands already in linear memory is cut into jobs for the worker pool: ranges of
 * whole micro-tiles (4 rows or 8 columns) along whichever side has more tiles, a few per thread,
 * so that the threads can balance the load (pool.ts: each takes the next job when done with one).
 * Every element of C is computed the same way whatever range and thread hold it (K-blocking
 * depends on K only), so results are bit-identical for any thread count and any cut. Used by the
 * GEMM and the fused convolutions.
 */
import { JOB_GEMM } from './worker-source.js';
import type { Job } from './pool.js';

/** Micro-tile of the gemm.wat kernel. */
export const MR = 4;
export const NR = 8;
/** Jobs per thread at most: enough to even out a late or slowed thread, few enough to keep packing cheap. */
export const JOBS_PER_THREAD = 4;
/** Multiply-adds per job at least (about 15 µs of work), so that claiming a job stays negligible. */
export const JOB_MIN_WORK = 1 << 19;

/**
 * The jobs for T threads: kind JOB_GEMM, the gemm export's first 13 arguments, and the start of
 * the per-thread packing scratch (thread t packs at scratch + t·PACK_BYTES).
 */
export function gemmJobs(
  T: number, ta: number, tb: number, M: number, N: number, K: number,
  pA: number, pB: number, pC: number, acc: number, scratch: number,
): Job[] {
  const byCols = Math.ceil(N / NR) >= Math.ceil(M / MR);
  const extent = byCols ? N : M;
  const tile = byCols ? NR : MR;
  const tiles = Math.ceil(extent / tile);
  const want = Math.min(T * JOBS_PER_THREAD, Math.floor((M * N * K) / JOB_MIN_WORK));
  const n = Math.max(1, Math.min(tiles, Math.max(T, want)));
  const jobs: Job[] = [];
  for (let i = 0; i < n; i++) {
    // tiles spread as evenly as possible: job i gets tiles [⌊i·tiles/n⌋, ⌊(i+1)·tiles/n⌋)
    const lo = Math.floor((i * tiles) / n) * tile;
    const hi = Math.min(extent, Math.floor(((i + 1) * tiles) / n) * tile);
    if (lo >= hi) continue;
    jobs.push([
      JOB_GEMM, ta, tb, M, N, K, pA, pB, pC, acc,
      byCols ? 0 : lo, byCols ? M : hi, byCols ? lo : 0, byCols ? hi : N, scratch,
    ]);
  }
  return jobs;
}
