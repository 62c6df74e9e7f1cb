/**
 * The two builds of the wasm kernels: with fused multiply-add (relaxed SIMD) and without. Both
 * must compute every GEMM variant to float32 accuracy against a float64 reference, differ from
 * each other only by rounding, and stay bit-identical for any thread count. Also covers the
 * build's `f32x4.madd` expansion, its table of v128 constants, and the Node corner that enables
 * relaxed SIMD on Node 20.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script without declarations
import { CONST_TABLE_OFFSET, expandMadd, tableConstants } from '../scripts/build-wasm.mjs';
import { WasmBackend } from '../src/kernels/wasm/backend.js';
import { WasmKernels, relaxedSimdSupported } from '../src/kernels/wasm/instance.js';
import { enableNodeWasmFeatures } from '../src/node/wasm-features.js';
import { uniformArray } from './helpers.js';

const expand = expandMadd as (text: string, fma: boolean) => string;
const table = tableConstants as (text: string) => { text: string; table: Uint8Array };
const TABLE = CONST_TABLE_OFFSET as number;

describe('f32x4.madd expansion', () => {
  it('expands to relaxed_madd or to add(mul(a, b), c), operands kept whole', () => {
    const src = '(local.set $c (f32x4.madd (local.get $a) (v128.load offset=16 (local.get $p)) (local.get $c)))';
    expect(expand(src, true)).toBe(
      '(local.set $c (f32x4.relaxed_madd (local.get $a) (v128.load offset=16 (local.get $p)) (local.get $c)))',
    );
    expect(expand(src, false)).toBe(
      '(local.set $c (f32x4.add (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $p))) (local.get $c)))',
    );
  });

  it('expands nested uses and leaves other text alone', () => {
    const src = ';; f32x4.mul stays\n(f32x4.madd (f32x4.madd x y z) $b\n  (local.get $c))';
    expect(expand(src, false)).toBe(';; f32x4.mul stays\n(f32x4.add (f32x4.mul (f32x4.add (f32x4.mul x y) z) $b) (local.get $c))');
  });

  it('rejects a use without exactly three operands', () => {
    expect(() => expand('(f32x4.madd (a) (b))', true)).toThrow(/expected three operands|expected '\)'/);
    expect(() => expand('(f32x4.madd a b c d)', true)).toThrow(/expected '\)' after three operands/);
  });
});

describe('v128 constant table', () => {
  it('moves constants into the table, one entry per distinct value, with their exact bytes', () => {
    const src =
      '(f32x4.mul (v128.const f32x4 0x1.8p+23 0x1.8p+23 0x1.8p+23 0x1.8p+23) (v128.const f32x4 -0x1.bd0106p-13 0.5 2 9.5))\n' +
      '(f32x4.add (v128.const f32x4 0x1.8p+23 0x1.8p+23 0x1.8p+23 0x1.8p+23) (v128.const i32x4 0x80000000 -1 7 0))\n' +
      '(f64x2.sub (v128.const f64x2 1 -0.25) (v128.const i64x2 -1 3))';
    const { text, table: bytes } = table(src);
    expect(text).toBe(
      `(f32x4.mul (v128.load (i32.const ${TABLE})) (v128.load (i32.const ${TABLE + 16})))\n` +
        `(f32x4.add (v128.load (i32.const ${TABLE})) (v128.load (i32.const ${TABLE + 32})))\n` +
        `(f64x2.sub (v128.load (i32.const ${TABLE + 48})) (v128.load (i32.const ${TABLE + 64})))`,
    );
    expect(bytes.length).toBe(80);
    const f32 = new Float32Array(bytes.buffer, 0, 8);
    expect(Array.from(f32.subarray(0, 4))).toEqual([12582912, 12582912, 12582912, 12582912]);
    expect(Array.from(f32.subarray(4, 8))).toEqual([Math.fround(-0x1bd0106 / 2 ** 37), 0.5, 2, 9.5]);
    expect(Array.from(new Uint32Array(bytes.buffer, 32, 4))).toEqual([0x80000000, 0xffffffff, 7, 0]);
    expect(Array.from(new Float64Array(bytes.buffer, 48, 2))).toEqual([1, -0.25]);
    expect(Array.from(new BigUint64Array(bytes.buffer, 64, 2))).toEqual([2n ** 64n - 1n, 3n]);
  });

  it('keeps all-zero and all-ones constants inline (one instruction either way)', () => {
    const src = '(v128.const i64x2 0 0) (v128.const f32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1)';
    expect(table(src)).toEqual({ text: src, table: new Uint8Array(0) });
  });
});

function refGemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ta ? k * M + i : i * K + k]! * B[tb ? j * K + k : k * N + j]!;
      C[i * N + j] = s;
    }
  return C;
}

describe('the fused and unfused kernels', () => {
  const relaxed = enableNodeWasmFeatures();

  it('enables relaxed SIMD on this Node (V8 11.3 has it behind a flag, later versions by default)', () => {
    if (process.env.GRADLAB_WASM_FMA === '0') return;
    expect(relaxed).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
  });

  const builds = [false, true].map((fma) => ({ fma, k: WasmKernels.create({ fma }) }));

  it('loads the variant asked for (fma only where relaxed SIMD runs)', () => {
    for (const { fma, k } of builds) {
      expect(k).not.toBeNull();
      expect(k!.fma).toBe(fma && relaxedSimdSupported());
    }
  });

  // sizes around the 4×8 tile and the 256-step K blocks, every transpose variant, accumulate
  const cases: [number, number, number][] = [[1, 1, 1], [5, 9, 3], [33, 17, 70], [64, 40, 300], [13, 130, 513]];
  for (const [M, N, K] of cases)
    for (const ta of [false, true])
      for (const tb of [false, true])
        it(`${M}×${N}×${K} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}: both builds within float32 accuracy, differing only by rounding`, () => {
          const A = uniformArray(M * K, 1);
          const B = uniformArray(K * N, 2);
          const C0 = uniformArray(M * N, 3);
          const ref = refGemm(ta, tb, M, N, K, A, B);
          const outs = builds.map(({ k }) => {
            const be = new WasmBackend(k!);
            const C = C0.slice();
            be.gemm(ta, tb, M, N, K, A, 0, B, 0, C, 0, true);
            return C;
          });
          // |error| ≤ K·ε·Σ|a·b| bounds both roundings; inputs in [-1, 1) so Σ|a·b| ≤ K
          const tol = K * 2 ** -23 * K + 1e-6;
          for (const C of outs)
            for (let i = 0; i < M * N; i++) expect(Math.abs(C[i]! - (ref[i]! + C0[i]!))).toBeLessThanOrEqual(tol);
          for (let i = 0; i < M * N; i++) expect(Math.abs(outs[0]![i]! - outs[1]![i]!)).toBeLessThanOrEqual(2 * tol);
          // the fused build really is fused: with hundreds of products per element, single
          // rounding changes some last bits
          if (builds[1]!.k!.fma && M * N * K > 100_000) expect(outs[0]!.some((v, i) => v !== outs[1]![i])).toBe(true);
        });

  it('the fused build is bit-identical for 1 and 2 threads', async () => {
    const { setWorkerHost, setNumThreads, getNumThreads } = await import('../src/kernels/wasm/pool.js');
    const { nodeWorkerHost } = await import('../src/node/threads.js');
    setWorkerHost(nodeWorkerHost());
    const k = builds[1]!.k!;
    const be = new WasmBackend(k);
    const [M, N, K] = [96, 200, 300];
    const A = uniformArray(M * K, 4);
    const B = uniformArray(K * N, 5);
    const before = getNumThreads();
    try {
      setNumThreads(1);
      const one = new Float32Array(M * N);
      be.gemm(false, true, M, N, K, A, 0, B, 0, one, 0, false);
      setNumThreads(2);
      const got = await be.initThreads();
      const two = new Float32Array(M * N);
      be.gemm(false, true, M, N, K, A, 0, B, 0, two, 0, false);
      expect(got).toBeGreaterThanOrEqual(1);
      expect(two.every((v, i) => Object.is(v, one[i]))).toBe(true);
    } finally {
      setNumThreads(before);
      be.shutdownThreads();
    }
  });
});
