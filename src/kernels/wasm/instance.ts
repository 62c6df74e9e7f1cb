/**
 * Loads the inlined WebAssembly SIMD kernels and owns their linear memory.
 *
 * Feature detection: a tiny SIMD module is validated first; without SIMD the wasm backend is not
 * registered and the portable one stays in charge. A shared memory (and so the worker pool) is used
 * where SharedArrayBuffer exists (Node; cross-origin-isolated pages); otherwise a plain memory.
 *
 * Layout of the linear memory (bytes):
 *   [0, 16 KiB)          control block of the worker pool (Int32 words)
 *   [16 KiB, 17 KiB)     conv geometry for im2col/col2im (13 i32)
 *   [32 KiB, 40 KiB)     per-thread 128-byte edge-tile scratch
 *   [64 KiB, …)          per-thread packing scratch (PACK_BYTES each), then the operands
 */
import { WASM_MAX_PAGES, WASM_PLAIN, WASM_SHARED } from './module.generated.js';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

export const CTRL_OFFSET = 0;
export const CTRL_WORDS = 4096;
export const GEOM_OFFSET = 16384;
export const TMP_OFFSET = 32768;
export const PACK_OFFSET = 65536;
/** Block sizes of gemm.wat: MC×KC floats of A and KC×NC of B per thread. */
export const MC = 128;
export const KC = 256;
export const NC = 2048;
export const PACK_A_BYTES = MC * KC * 4;
export const PACK_BYTES = PACK_A_BYTES + KC * NC * 4;
export const MAX_THREADS = 64;
const PAGE = 65536;

export interface KernelExports {
  gemm(
    ta: number, tb: number, M: number, N: number, K: number,
    A: number, B: number, C: number, acc: number,
    i0: number, i1: number, j0: number, j1: number,
    pA: number, pB: number, tmp: number,
  ): void;
  im2col(x: number, g: number, cols: number): void;
  col2im(cols: number, g: number, x: number): void;
  /** conv.wat, conv-batch.wat: im2col/col2im on one image's columns of cols[K, ld], and [N,O,L] ↔ [O,N·L]. */
  conv_im2col(x: number, g: number, cols: number, ld: number): void;
  conv_col2im(cols: number, g: number, x: number, ld: number): void;
  conv_gather(src: number, dst: number, N: number, O: number, L: number, n0: number, n1: number): void;
  conv_scatter(src: number, dst: number, N: number, O: number, L: number, bias: number, n0: number, n1: number): void;
  /** conv-image.wat: forward / input gradient of images [n0, n1), GEMM scratch last (see there). */
  conv_forward_images(...args: number[]): void;
  conv_input_images(...args: number[]): void;
  conv_weight_images(...args: number[]): void;
  /** dst[i] = Σ_j src[j·len + i] for j < k, in order (conv-image.wat). */
  sum_arrays(src: number, k: number, len: number, dst: number): void;
  /** acc[o] (f64) += Σ over N images and L pixels of src[N,O,L], summed as ops' biasGradData. */
  conv_bias_grad(src: number, N: number, O: number, L: number, acc: number): void;
}

/** `wasm-feature-detect`'s SIMD probe: (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported(): boolean {
  try {
    return wasmApi()?.validate(SIMD_PROBE) ?? false;
  } catch {
    return false;
  }
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The instantiated kernels plus views on their memory, grown on demand and reused. */
export class WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly shared: boolean;
  private f32: Float32Array;
  private i32: Int32Array;

  private constructor(module: WasmModule, memory: WasmMemory, shared: boolean) {
    this.module = module;
    this.memory = memory;
    this.shared = shared;
    const inst = new (wasmApi()!.Instance)(module, { env: { memory } });
    this.exports = inst.exports as unknown as KernelExports;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /** Compile and instantiate synchronously; null when WASM SIMD is unavailable. */
  static create(): WasmKernels | null {
    const api = wasmApi();
    if (api === null || !simdSupported()) return null;
    let memory: WasmMemory | null = null;
    if (typeof SharedArrayBuffer !== 'undefined') {
      try {
        memory = new api.Memory({ initial: 2, maximum: WASM_MAX_PAGES, shared: true });
      } catch {
        memory = null;
      }
    }
    const shared = memory !== null;
    memory ??= new api.Memory({ initial: 2, maximum: WASM_MAX_PAGES });
    try {
      const module = new api.Module(decodeBase64(shared ? WASM_SHARED : WASM_PLAIN));
      return new WasmKernels(module, memory, shared);
    } catch {
      return null;
    }
  }

  /** Make the memory at least `bytes` long; false when that exceeds the module's maximum. */
  ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > WASM_MAX_PAGES) return false;
      this.memory.grow(pages);
    }
    if (this.f32.buffer !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    return true;
  }

  get heapF32(): Float32Array {
    if (this.f32.length * 4 !== this.memory.buffer.byteLength) this.ensure(0);
    return this.f32;
  }

  get heapI32(): Int32Array {
    if (this.i32.length * 4 !== this.memory.buffer.byteLength) this.ensure(0);
    return this.i32;
  }
}
