/**
 * How a GEMM on operands already in linear memory is cut into jobs for the worker pool: ranges of
 * whole micro-tiles (4 rows or 8 columns) along whichever side has more tiles, a few per thread,
 * so that the threads can balance the load (pool.ts: each takes the next job when done with one).
 * Every element of C is computed the same way whatever range and thread hold it (K-blocking
 * depends on K only), so results are bit-identical for any thread count and any cut.
 *
 * Column ranges all read the whole of op(A), row ranges the whole of op(B): that operand is
 * packed once (`prepack`, by the calling thread once the operands are in place) instead of once
 * per job. Used by the GEMM and the fused convolutions.
 */
import { JOB_GEMM } from './worker-source.js';
import { MAX_JOBS, type Job } from './pool.js';
import type { KernelExports } from './instance.js';

/** Micro-tile of the gemm.wat kernel. */
export const MR = 4;
export const NR = 8;
/**
 * Jobs per thread at most: enough to even out a late or slowed thread, few enough to keep claiming
 * cheap. The calling thread waits, on average, half a job at the end of every product for the
 * last worker job: in the 512-wide MLP step that wait was 1.6 ms with 4 jobs per thread, 0.8 ms
 * with 8 and 0.5 ms with 16 (which costs as much again in per-job packing and calls).
 */
export const JOBS_PER_THREAD = 8;
/** Multiply-adds per job at least (about 15 µs of work), so that claiming a job stays negligible. */
export const JOB_MIN_WORK = 1 << 19;

export interface GemmPlan {
  jobs: Job[];
  /** Bytes needed at `q` for the pre-packed operand (0 when nothing is pre-packed). */
  prepackBytes: number;
  /** Pack the shared operand into `q`; a no-op when nothing is pre-packed. */
  prepack(e: KernelExports): void;
}

/**
 * The jobs for T threads (pool.ts: kind JOB_GEMM, the start of the per-thread packing scratch,
 * then the gemm export's 18 arguments, its scratch left to the taking thread). With several jobs
 * the operand they share is pre-packed at `q` (0: never pre-pack).
 */
export function gemmJobs(
  T: number, ta: number, tb: number, M: number, N: number, K: number,
  pA: number, pB: number, pC: number, acc: number, scratch: number, q: number,
): GemmPlan {
  const byCols = Math.ceil(N / NR) >= Math.ceil(M / MR);
  const extent = byCols ? N : M;
  const tile = byCols ? NR : MR;
  const tiles = Math.ceil(extent / tile);
  const want = Math.min(T * JOBS_PER_THREAD, Math.floor((M * N * K) / JOB_MIN_WORK));
  const n = Math.max(1, Math.min(tiles, MAX_JOBS, Math.max(T, want)));
  const shared = n > 1 && q !== 0 && K > 0;
  const qA = shared && byCols ? q : 0;
  const qB = shared && !byCols ? q : 0;
  const jobs: Job[] = [];
  for (let i = 0; i < n; i++) {
    // tiles spread as evenly as possible: job i gets tiles [⌊i·tiles/n⌋, ⌊(i+1)·tiles/n⌋)
    const lo = Math.floor((i * tiles) / n) * tile;
    const hi = Math.min(extent, Math.floor(((i + 1) * tiles) / n) * tile);
    if (lo >= hi) continue;
    jobs.push([
      JOB_GEMM, scratch, ta, tb, M, N, K, pA, pB, pC, acc,
      byCols ? 0 : lo, byCols ? M : hi, byCols ? lo : 0, byCols ? hi : N, 0, 0, 0, qA, qB,
    ]);
  }
  if (!shared) return { jobs, prepackBytes: 0, prepack: () => {} };
  // lanes: rows of op(A) (width 4) or columns of op(B) (width 8), with their element strides
  const width = byCols ? MR : NR;
  const count = byCols ? M : N;
  const sl = byCols ? (ta ? 1 : K) : tb ? K : 1;
  const sk = byCols ? (ta ? M : 1) : tb ? 1 : N;
  const src = byCols ? pA : pB;
  return {
    jobs,
    prepackBytes: Math.ceil(count / width) * width * K * 4,
    prepack: (e) => e.prepack(src, q, width, count, K, sl, sk),
  };
}
