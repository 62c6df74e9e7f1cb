/**
 * Recycled tensor storage. A training step allocates the same sizes of temporaries every step;
 * fresh typed arrays of hundreds of kilobytes cost page faults and garbage collection far above
 * the arithmetic done on them. The autograd engine gives back the storage of gradients it knows
 * are dead (intermediate gradients no hook, retainGrad, leaf or other tensor can see: see
 * autograd/engine.ts), and hot ops take their outputs from here.
 *
 * Only whole, unshared ArrayBuffers of at least MIN_FLOATS floats are kept, at most LIMIT_BYTES
 * in all; an array is never handed out twice without being given back in between. Every array
 * handed out is stamped with the current epoch (`storageEpoch`): the engine starts one per
 * backward pass and recycles only storage born in it, so nothing that existed before the pass
 * (activations, parameters, a user's tensors) can ever be recycled.
 */

/** Smaller arrays are cheap to allocate: not pooled. */
export const MIN_FLOATS = 4096;
/** Most bytes kept in the pool. */
const LIMIT_BYTES = 128 * 1024 * 1024;
/** Most arrays kept per length. */
const PER_LENGTH = 32;

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let enabled = true;
let epoch = 0;
const born = new WeakMap<ArrayBufferLike, number>();

/** Start a new epoch (one per backward pass) and return it. */
export function newStorageEpoch(): number {
  return ++epoch;
}

/** Whether `a` was handed out by takeStorage during epoch `e`. */
export function bornIn(a: Float32Array, e: number): boolean {
  return born.get(a.buffer) === e;
}

/**
 * A Float32Array of n floats: recycled when the pool has one of that length, else new. Zero-filled
 * unless `zero` is false (for outputs the op overwrites entirely).
 */
export function takeStorage(n: number, zero = true): Float32Array {
  if (n < MIN_FLOATS) return new Float32Array(n);
  let a = free.get(n)?.pop();
  if (a !== undefined) {
    pooledBytes -= a.byteLength;
    if (zero) a.fill(0);
  } else a = new Float32Array(n);
  born.set(a.buffer, epoch);
  return a;
}

/**
 * Give back storage nothing references any more (the caller guarantees it: the engine does so only
 * for gradients it owns). Arrays that are views, shared, small, or beyond the pool's limits are
 * left to the garbage collector.
 */
export function giveStorage(a: Float32Array): void {
  if (!enabled || a.length < MIN_FLOATS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (!(a.buffer instanceof ArrayBuffer) || pooledBytes + a.byteLength > LIMIT_BYTES) return;
  let list = free.get(a.length);
  if (list === undefined) free.set(a.length, (list = []));
  if (list.length >= PER_LENGTH || list.includes(a)) return;
  list.push(a);
  pooledBytes += a.byteLength;
}

/** Bytes currently held for reuse. */
export function pooledStorageBytes(): number {
  return pooledBytes;
}

/** Turn recycling on or off (off: every take allocates); empties the pool. Returns the old setting. */
export function setStoragePool(on: boolean): boolean {
  const old = enabled;
  enabled = on;
  free.clear();
  pooledBytes = 0;
  return old;
}
