/**
 * Long-lived storage inside the kernels' linear memory: the weights of Linear and Conv2d layers
 * live here (nn/layers ask for it through `persistentZeros`), so the kernels read them in place
 * instead of copying them in at every forward, backward and optimizer step.
 *
 * Only a shared memory qualifies: growing it never detaches its buffer, so a Float32Array view
 * made before a grow stays valid forever (a plain memory's buffer is replaced on grow and old
 * views go dead). Blocks sit in [PACK_OFFSET, end) below the per-call scratch, which starts at
 * `end` and so moves up when the region grows; nothing outlives a kernel call up there.
 *
 * A block is freed when its Float32Array is garbage-collected (FinalizationRegistry). Tensors that
 * share the storage (reshape, Parameter) hold that same array object, so the block stays while
 * any of them is reachable. Finalizers run between tasks, not inside a synchronous loop, so the
 * region is capped (`setResidentLimit`); beyond it allocation returns null and callers use an
 * ordinary array, which the kernels copy as before.
 */
import type { WasmMemory } from './wasm-api.js';

const ALIGN = 64;
const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class ResidentHeap {
  /** Byte address one past the region (64-byte aligned). */
  end: number;
  /** Bytes in live blocks. */
  used = 0;
  /** Most bytes the region may span. */
  limit: number;
  private readonly start: number;
  /** Free blocks, sorted by address, never adjacent (coalesced). */
  private free: { at: number; size: number }[] = [];
  /** Every buffer object a view was made on (a shared memory hands out a new one after grow). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly registry: FinalizationRegistry<{ at: number; size: number }> | null;

  constructor(start: number, limit: number) {
    this.start = start;
    this.end = start;
    this.limit = limit;
    this.registry =
      typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((b) => this.release(b.at, b.size)) : null;
  }

  /**
   * A zero-filled view of n floats in `memory`, or null when the region would exceed its limit.
   * `grow(bytes)` must make the memory at least that long (it returns false when it cannot).
   */
  alloc(memory: WasmMemory, n: number, grow: (bytes: number) => boolean): Float32Array | null {
    if (this.registry === null) return null;
    const size = alignUp(Math.max(n, 1) * 4);
    let at = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.size < size) continue;
      at = b.at;
      if (b.size === size) this.free.splice(i, 1);
      else {
        b.at += size;
        b.size -= size;
      }
      break;
    }
    if (at < 0) {
      if (this.end + size - this.start > this.limit || !grow(this.end + size)) return null;
      at = this.end;
      this.end += size;
    }
    const view = new Float32Array(memory.buffer, at, n);
    view.fill(0);
    this.buffers.add(view.buffer);
    this.used += size;
    this.registry.register(view, { at, size }, view);
    return view;
  }

  /** Byte address of a[0] if `a` lies in this region, else −1. */
  addressOf(a: Float32Array): number {
    return this.buffers.has(a.buffer) && a.byteOffset >= this.start && a.byteOffset < this.end ? a.byteOffset : -1;
  }

  /** Return a block to the free list, merging it with free neighbours; the region's tail shrinks. */
  private release(at: number, size: number): void {
    this.used -= size;
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i]!.at < at) i++;
    f.splice(i, 0, { at, size });
    if (i + 1 < f.length && f[i]!.at + f[i]!.size === f[i + 1]!.at) {
      f[i]!.size += f[i + 1]!.size;
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1]!.at + f[i - 1]!.size === f[i]!.at) {
      f[i - 1]!.size += f[i]!.size;
      f.splice(i, 1);
      i--;
    }
    const last = f[f.length - 1];
    if (last !== undefined && last.at + last.size === this.end) {
      this.end = last.at;
      f.pop();
    }
  }

  /** For tests: free a block now, as its finalizer would. */
  releaseForTest(a: Float32Array): void {
    const at = this.addressOf(a);
    if (at < 0) return;
    this.registry?.unregister(a);
    this.release(at, alignUp(Math.max(a.length, 1) * 4));
  }
}
