/**
 * Portable cache-blocked GEMM (GotoBLAS layout, in TypeScript).
 *
 * The K×N block of op(B) is packed into column panels NR wide and the M×K block of op(A) into row
 * panels MR tall, so the micro-kernel reads both operands sequentially whatever the transposes.
 * The 4×4 micro-kernel keeps its 16 accumulators in registers (float64 JS numbers) for a whole
 * KC-long strip. The panels are packed as Float64Array, so the inner loop reads doubles directly
 * instead of widening a float32 on every load (the conversion happens once, while packing). Blocks: KC×NC of B (~512 KiB) stays in L2, MC×KC of A (~64 KiB) in L1/L2.
 */
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 512;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

export function gemmPortable(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, cOff, cOff + M * N);
  if (M === 0 || N === 0 || K === 0) return;
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  if (packB.length < KC * NC) packB = new Float64Array(KC * NC);
  const Ap = packA;
  const Bp = packB;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    const nPanels = Math.ceil(nc / NR);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      // pack op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: Bp[(jp*kc + p)*NR + c]
      for (let jp = 0; jp < nPanels; jp++) {
        const j0 = jc + jp * NR;
        const w = Math.min(NR, N - j0);
        let o = jp * kc * NR;
        if (w === NR && !transB) {
          let r = bOff + pc * N + j0;
          for (let p = 0; p < kc; p++, r += N, o += NR) {
            Bp[o] = B[r]!;
            Bp[o + 1] = B[r + 1]!;
            Bp[o + 2] = B[r + 2]!;
            Bp[o + 3] = B[r + 3]!;
          }
          continue;
        }
        if (w === NR) {
          const r0 = bOff + j0 * K + pc;
          const r1 = r0 + K;
          const r2 = r1 + K;
          const r3 = r2 + K;
          for (let p = 0; p < kc; p++, o += NR) {
            Bp[o] = B[r0 + p]!;
            Bp[o + 1] = B[r1 + p]!;
            Bp[o + 2] = B[r2 + p]!;
            Bp[o + 3] = B[r3 + p]!;
          }
          continue;
        }
        for (let p = 0; p < kc; p++) {
          const k = pc + p;
          for (let c = 0; c < NR; c++) {
            if (c < w) {
              const j = j0 + c;
              Bp[o + c] = transB ? B[bOff + j * K + k]! : B[bOff + k * N + j]!;
            } else Bp[o + c] = 0;
          }
          o += NR;
        }
      }
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        const mPanels = Math.ceil(mc / MR);
        // pack op(A)[ic:ic+mc, pc:pc+kc] into panels of MR rows: Ap[(ip*kc + p)*MR + r]
        for (let ip = 0; ip < mPanels; ip++) {
          const i0 = ic + ip * MR;
          const h = Math.min(MR, M - i0);
          let o = ip * kc * MR;
          if (transA && h === MR) {
            let r = aOff + pc * M + i0;
            for (let p = 0; p < kc; p++, r += M, o += MR) {
              Ap[o] = A[r]!;
              Ap[o + 1] = A[r + 1]!;
              Ap[o + 2] = A[r + 2]!;
              Ap[o + 3] = A[r + 3]!;
            }
          } else if (!transA && h === MR) {
            const r0 = aOff + i0 * K + pc;
            const r1 = r0 + K;
            const r2 = r1 + K;
            const r3 = r2 + K;
            for (let p = 0; p < kc; p++) {
              Ap[o] = A[r0 + p]!;
              Ap[o + 1] = A[r1 + p]!;
              Ap[o + 2] = A[r2 + p]!;
              Ap[o + 3] = A[r3 + p]!;
              o += MR;
            }
          } else {
            for (let p = 0; p < kc; p++) {
              const k = pc + p;
              for (let r = 0; r < MR; r++) {
                if (r < h) {
                  const i = i0 + r;
                  Ap[o + r] = transA ? A[aOff + k * M + i]! : A[aOff + i * K + k]!;
                } else Ap[o + r] = 0;
              }
              o += MR;
            }
          }
        }
        for (let jp = 0; jp < nPanels; jp++) {
          const j0 = jc + jp * NR;
          const w = Math.min(NR, N - j0);
          const bBase = jp * kc * NR;
          for (let ip = 0; ip < mPanels; ip++) {
            const i0 = ic + ip * MR;
            const h = Math.min(MR, M - i0);
            micro(Ap, ip * kc * MR, Bp, bBase, kc, C, cOff + i0 * N + j0, N, h, w);
          }
        }
      }
    }
  }
}

function micro(
  Ap: Float64Array,
  a: number,
  Bp: Float64Array,
  b: number,
  kc: number,
  C: Float32Array,
  c: number,
  ldc: number,
  h: number,
  w: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = Ap[a]!, a1 = Ap[a + 1]!, a2 = Ap[a + 2]!, a3 = Ap[a + 3]!;
    const b0 = Bp[b]!, b1 = Bp[b + 1]!, b2 = Bp[b + 2]!, b3 = Bp[b + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    a += 4;
    b += 4;
  }
  if (h === 4 && w === 4) {
    C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03;
    c += ldc;
    C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13;
    c += ldc;
    C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23;
    c += ldc;
    C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    return;
  }
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) C[c + r * ldc + q] += acc[r * 4 + q]!;
}
