/**
 * Loads the inlined WebAssembly SIMD kernels and owns their linear memory.
 *
 * Feature detection: a tiny SIMD module is validated first; without SIMD the wasm backend is not
 * registered and the portable one stays in charge. Where relaxed SIMD validates too (Chromium ≥ 114,
 * Node ≥ 22; Node 20 once the package entry has enabled it, see src/node/wasm-features.ts), the
 * variant whose GEMM micro-kernel uses fused multiply-add is loaded: about 1.3× the GEMM
 * throughput here. Its products are rounded once instead of twice, so results differ from the
 * other variant in the last bits; on one machine they stay bit-identical for any thread count. A shared memory (and so the worker pool) is used
 * where SharedArrayBuffer exists (Node; cross-origin-isolated pages); otherwise a plain memory.
 *
 * Layout of the linear memory (bytes):
 *   [0, 16 KiB)          control block of the worker pool (Int32 words)
 *   [16 KiB, 17 KiB)     conv geometry for im2col/col2im (13 i32)
 *   [32 KiB, 40 KiB)     per-thread 128-byte edge-tile scratch
 *   [60 KiB, 64 KiB)     the kernels' v128 constants (a data segment: scripts/build-wasm.mjs)
 *   [64 KiB, R)          resident blocks: layer weights kept in linear memory (resident.ts)
 *   [R, …)               per-call scratch (`scratchBase`): per-thread packing scratch
 *                        (PACK_BYTES each), then the operands of the call
 */
import {
  WASM_CONST_TABLE_BYTES, WASM_CONST_TABLE_OFFSET, WASM_MAX_PAGES, WASM_PLAIN, WASM_PLAIN_FMA, WASM_SHARED, WASM_SHARED_FMA,
} from './module.generated.js';
import type { ConvGeometry } from '../backend.js';
import { ResidentHeap } from './resident.js';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';
import { countAllocation } from '../../tensor/storage-pool.js';

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
/** The constant table must lie after the last thread's edge tile and before the packing scratch. */
if (WASM_CONST_TABLE_OFFSET < TMP_OFFSET + 128 * MAX_THREADS || WASM_CONST_TABLE_OFFSET + WASM_CONST_TABLE_BYTES > PACK_OFFSET)
  throw new Error('wasm kernels: the constant table overlaps the edge tiles or the packing scratch (scripts/build-wasm.mjs)');
/** Most bytes of resident weights by default (the memory's maximum is 2 GiB). */
export const RESIDENT_LIMIT = 512 * 1024 * 1024;
const PAGE = 65536;

export interface KernelExports {
  gemm(
    ta: number, tb: number, M: number, N: number, K: number,
    A: number, B: number, C: number, acc: number,
    i0: number, i1: number, j0: number, j1: number,
    pA: number, pB: number, tmp: number, qA: number, qB: number,
  ): void;
  /** gemm.wat: pack all `count` lanes of an operand for every K block (the layout of gemm's qA/qB). */
  prepack(src: number, dst: number, width: number, count: number, K: number, sl: number, sk: number): void;
  im2col(x: number, g: number, cols: number): void;
  col2im(cols: number, g: number, x: number): void;
  /** conv-image.wat: forward / input gradient of images [n0, n1), GEMM scratch last (see there). */
  conv_forward_images(...args: number[]): void;
  conv_input_images(...args: number[]): void;
  conv_weight_images(...args: number[]): void;
  /** dst[i] = Σ_j src[j·len + i] for j < k, in order (conv-image.wat). */
  sum_arrays(src: number, k: number, len: number, dst: number): void;
  /** acc[o] (f64) += Σ over N images and L pixels of src[N,O,L], summed as ops' biasGradData. */
  conv_bias_grad(src: number, N: number, O: number, L: number, acc: number): void;
}

/** Write a convolution's geometry (13 i32, the layout conv.wat and im2col.wat read) at GEOM_OFFSET. */
export function writeGeometry(k: WasmKernels, g: ConvGeometry): void {
  const i = k.heapI32;
  const o = GEOM_OFFSET >> 2;
  i[o] = g.C; i[o + 1] = g.H; i[o + 2] = g.W; i[o + 3] = g.kH; i[o + 4] = g.kW;
  i[o + 5] = g.strideH; i[o + 6] = g.strideW; i[o + 7] = g.padH; i[o + 8] = g.padW;
  i[o + 9] = g.dilH; i[o + 10] = g.dilW; i[o + 11] = g.outH; i[o + 12] = g.outW;
}

/** `wasm-feature-detect`'s SIMD probe: (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))). */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11,
]);

function validates(bytes: Uint8Array): boolean {
  try {
    return wasmApi()?.validate(bytes) ?? false;
  } catch {
    return false;
  }
}

export function simdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/** Whether this engine runs relaxed SIMD (and so the fused multiply-add kernels). */
export function relaxedSimdSupported(): boolean {
  return validates(RELAXED_PROBE);
}

export interface KernelOptions {
  /** Load the fused multiply-add variant (default: where relaxed SIMD is supported). */
  fma?: boolean;
  /** Use a shared memory where possible (default: true). */
  shared?: boolean;
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
  /** Whether the GEMM micro-kernel uses fused multiply-add (relaxed SIMD). */
  readonly fma: boolean;
  /** Storage for weights inside this memory; only a shared memory qualifies (see resident.ts). */
  readonly resident: ResidentHeap | null;
  private f32: Float32Array;
  private i32: Int32Array;

  private constructor(module: WasmModule, memory: WasmMemory, shared: boolean, fma: boolean) {
    this.module = module;
    this.memory = memory;
    this.shared = shared;
    this.fma = fma;
    this.resident = shared ? new ResidentHeap(PACK_OFFSET, RESIDENT_LIMIT) : null;
    const inst = new (wasmApi()!.Instance)(module, { env: { memory } });
    this.exports = inst.exports as unknown as KernelExports;
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /** Compile and instantiate synchronously; null when WASM SIMD is unavailable. */
  static create(opts: KernelOptions = {}): WasmKernels | null {
    const api = wasmApi();
    if (api === null || !simdSupported()) return null;
    const fma = (opts.fma ?? true) && relaxedSimdSupported();
    let memory: WasmMemory | null = null;
    if ((opts.shared ?? true) && typeof SharedArrayBuffer !== 'undefined') {
      try {
        memory = new api.Memory({ initial: 2, maximum: WASM_MAX_PAGES, shared: true });
      } catch {
        memory = null;
      }
    }
    const shared = memory !== null;
    memory ??= new api.Memory({ initial: 2, maximum: WASM_MAX_PAGES });
    try {
      const bytes = shared ? (fma ? WASM_SHARED_FMA : WASM_SHARED) : fma ? WASM_PLAIN_FMA : WASM_PLAIN;
      const module = new api.Module(decodeBase64(bytes));
      return new WasmKernels(module, memory, shared, fma);
    } catch {
      return null;
    }
  }

  /** First byte of the per-call scratch: packing buffers, then a call's operands. */
  get scratchBase(): number {
    return this.resident?.end ?? PACK_OFFSET;
  }

  /** Byte address of a[off] when `a` is resident in this memory, else −1. */
  addressOf(a: Float32Array, off: number): number {
    if (this.resident === null) return -1;
    const at = this.resident.addressOf(a);
    return at < 0 ? -1 : at + off * 4;
  }

  /** A zero-filled resident array of n floats, or null (plain memory, or over the limit). */
  allocResident(n: number): Float32Array | null {
    return this.resident?.alloc(this.memory, n, (b) => this.ensure(b)) ?? null;
  }

  /** Make the memory at least `bytes` long; false when that exceeds the module's maximum. */
  ensure(bytes: number): boolean {
    // only this object grows the memory, so the size seen at the last growth is current
    if (bytes <= this.f32.length * 4) return true;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > WASM_MAX_PAGES) return false;
      this.memory.grow(pages);
      // memory growth is an allocation like any other (storageStats counts it)
      countAllocation(pages * PAGE);
    }
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    return true;
  }

  /** A view of the whole memory (renewed by `ensure` when it grows). */
  get heapF32(): Float32Array {
    return this.f32;
  }

  get heapI32(): Int32Array {
    return this.i32;
  }
}
