/**
 * Reusable temporaries for kernels and ops: a grow-only Float32Array per named slot, so that an
 * op's internal work buffers (im2col columns, re-laid-out gradients…) are allocated once and not
 * on every call. A scratch buffer is valid only until the next request for the same slot, its
 * contents are undefined (callers overwrite every element they read), and it must never escape
 * into a tensor. `releaseScratch()` frees them all.
 */
import { countAllocation } from '../tensor/storage-pool.js';

const slots = new Map<string, Float32Array>();

export function scratch(slot: string, n: number): Float32Array {
  let b = slots.get(slot);
  if (b === undefined || b.length < n) {
    // grow geometrically so that slowly increasing sizes do not reallocate every call
    b = new Float32Array(Math.max(n, Math.min(2 * (b?.length ?? 0), n * 2)));
    countAllocation(b.byteLength);
    slots.set(slot, b);
  }
  return b.subarray(0, n);
}

/** Drop every scratch buffer (they are re-created on demand). */
export function releaseScratch(): void {
  slots.clear();
}

/** Total floats held by scratch buffers (for memory tests). */
export function scratchFloats(): number {
  let s = 0;
  for (const b of slots.values()) s += b.length;
  return s;
}
