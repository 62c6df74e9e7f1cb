/**
 * How a GEMM on operands already in linear memory is split over T threads: one contiguous range
 * of whole micro-tiles (4 rows or 8 columns) per thread, along whichever side has more tiles.
 * Every element of C is computed the same way whatever range holds it (K-blocking depends on K
 * only), so results are bit-identical for any T. Used by WasmBackend.gemm.
 */
import { PACK_A_BYTES, PACK_BYTES, PACK_OFFSET, TMP_OFFSET } from './instance.js';

/** Micro-tile of the gemm.wat kernel. */
export const MR = 4;
export const NR = 8;

/** Argument lists of the wasm `gemm` export, one per thread (fewer when there are few tiles). */
export function gemmJobs(
  T: number, ta: number, tb: number, M: number, N: number, K: number,
  pA: number, pB: number, pC: number, acc: number,
): number[][] {
  const byCols = Math.ceil(N / NR) >= Math.ceil(M / MR);
  const extent = byCols ? N : M;
  const tile = byCols ? NR : MR;
  const tiles = Math.ceil(extent / tile);
  const t = Math.max(1, Math.min(T, tiles));
  const per = Math.ceil(tiles / t) * tile;
  const jobs: number[][] = [];
  for (let i = 0; i < t; i++) {
    const lo = Math.min(extent, i * per);
    const hi = Math.min(extent, lo + per);
    if (lo >= hi) break;
    const base = PACK_OFFSET + i * PACK_BYTES;
    jobs.push([
      ta, tb, M, N, K, pA, pB, pC, acc,
      byCols ? 0 : lo, byCols ? M : hi, byCols ? lo : 0, byCols ? hi : N,
      base, base + PACK_A_BYTES, TMP_OFFSET + i * 128,
    ]);
  }
  return jobs;
}
