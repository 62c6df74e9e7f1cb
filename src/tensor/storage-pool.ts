/**
 * The engine's storage allocator: every op output of the hot paths, every gradient of a backward
 * pass and the kernels' scratch are taken here, so this is where allocations are counted
 * (`storageStats`) and where storage is recycled.
 *
 * Two lifetimes are known without help from the user:
 * - gradients of a backward pass that nothing else can see (autograd/engine.ts gives them back as
 *   soon as they are used);
 * - everything taken inside `storageScope(fn)` and not returned from it, nor kept (`keepStorage`,
 *   a leaf's adopted `.grad`): it goes back to the pool when fn returns (see storage-scope.ts).
 *
 * Outside a scope, storage that is not a dead gradient is left to the garbage collector: correct
 * whatever the user holds, only slower (a fresh array per op output).
 *
 * Every array handed out is stamped with the current epoch (`storageEpoch`): the engine starts one
 * per backward pass and recycles only gradients born in it, so nothing that existed before the
 * pass (activations, parameters, a user's tensors) is recycled by it. An array is never handed out
 * twice without being given back in between.
 */

import { ValueError } from './errors.js';

/** Outside a scope, smaller arrays are cheap to allocate and are not pooled. */
export const MIN_FLOATS = 4096;
/** Most bytes kept in the pool. */
const LIMIT_BYTES = 256 * 1024 * 1024;

const free = new Map<number, Float32Array[]>();
/** Arrays currently in `free` (so that giving one back twice is a no-op). */
const inPool = new WeakSet<Float32Array>();
/** Arrays this allocator handed out (only those may be pooled whatever their size or memory). */
const ours = new WeakSet<Float32Array>();
let pooledBytes = 0;
let enabled = true;
let epoch = 0;
const born = new WeakMap<Float32Array, number>();

/** Counters of the allocator (see storageStats). */
const stats = { allocations: 0, allocatedBytes: 0, reused: 0 };

export interface StorageStats {
  /** New storage created: typed arrays, resident blocks, scratch growth and wasm memory growth. */
  allocations: number;
  /** Bytes of that new storage. */
  allocatedBytes: number;
  /** Requests served from the pool instead. */
  reused: number;
  /** Bytes held for reuse now. */
  pooledBytes: number;
}

/** The allocator's counters since the last `resetStorageStats()`. */
export function storageStats(): StorageStats {
  return { ...stats, pooledBytes };
}

export function resetStorageStats(): void {
  stats.allocations = 0;
  stats.allocatedBytes = 0;
  stats.reused = 0;
}

/** Count storage created elsewhere in the engine (kernels' scratch, wasm memory growth). */
export function countAllocation(bytes: number): void {
  stats.allocations++;
  stats.allocatedBytes += bytes;
}

/**
 * Where new storage comes from while a scope is open: the wasm backend installs one that hands out
 * blocks of its linear memory (kernels then read and write them in place); null: a plain array.
 */
export type StorageSource = (n: number) => Float32Array | null;
let source: StorageSource | null = null;

export function setStorageSource(s: StorageSource | null): void {
  source = s;
}

/** The open scope's bookkeeping (storage-scope.ts installs it); null outside a scope. */
export interface ScopeSink {
  taken(a: Float32Array): void;
}
let sink: ScopeSink | null = null;

/** @internal storage-scope.ts: set the scope that sees every array taken (null: none). */
export function setScopeSink(s: ScopeSink | null): ScopeSink | null {
  const old = sink;
  sink = s;
  return old;
}

/** Whether this allocator handed `a` out (a whole storage, wherever it lies). */
export function ownStorage(a: Float32Array): boolean {
  return ours.has(a);
}

/** Start a new epoch (one per backward pass) and return it. */
export function newStorageEpoch(): number {
  return ++epoch;
}

/** Whether `a` was handed out by takeStorage during epoch `e`. */
export function bornIn(a: Float32Array, e: number): boolean {
  return born.get(a) === e;
}

/**
 * A Float32Array of n floats: recycled when the pool has one of that length, else new. Zero-filled
 * unless `zero` is false (for outputs the op overwrites entirely).
 */
export function takeStorage(n: number, zero = true): Float32Array {
  const scoped = sink !== null;
  let a: Float32Array | undefined;
  if (enabled && (scoped || n >= MIN_FLOATS)) a = free.get(n)?.pop();
  if (a !== undefined) {
    inPool.delete(a);
    pooledBytes -= a.byteLength;
    stats.reused++;
    if (zero) a.fill(0);
  } else {
    a = (scoped && n > 0 ? source?.(n) : null) ?? new Float32Array(n);
    stats.allocations++;
    stats.allocatedBytes += n * 4;
    ours.add(a);
  }
  born.set(a, epoch);
  sink?.taken(a);
  return a;
}

/** One float of storage holding `v` (a scalar result: a loss, a norm). */
export function takeScalar(v: number): Float32Array {
  const a = takeStorage(1, false);
  a[0] = v;
  return a;
}

/** Storage holding a copy of `src` (float64 accumulators rounded to float32). */
export function takeCopy(src: ArrayLike<number>): Float32Array {
  const a = takeStorage(src.length, false);
  for (let i = 0; i < src.length; i++) a[i] = src[i]!;
  return a;
}

/**
 * Give back storage nothing references any more (the caller guarantees it: the engine does so only
 * for gradients it owns, a scope for storage it saw born and not escape). Arrays this allocator did
 * not hand out are kept only when they are whole, unshared and of a pooled size; anything beyond
 * the pool's limit is left to the garbage collector.
 */
export function giveStorage(a: Float32Array, fromScope = false): void {
  if (!enabled || inPool.has(a) || pooledBytes + a.byteLength > LIMIT_BYTES) return;
  // small arrays are taken from the pool only inside a scope: outside one they would pile up
  if (a.length < MIN_FLOATS && sink === null && !fromScope) return;
  if (!ours.has(a)) {
    if (a.length < MIN_FLOATS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
    if (!(a.buffer instanceof ArrayBuffer)) return;
  }
  let list = free.get(a.length);
  if (list === undefined) free.set(a.length, (list = []));
  list.push(a);
  inPool.add(a);
  pooledBytes += a.byteLength;
}

/** Bytes currently held for reuse. */
export function pooledStorageBytes(): number {
  return pooledBytes;
}

/** Turn recycling on or off (off: every take allocates); empties the pool. Returns the old setting. */
export function setStoragePool(on: boolean): boolean {
  if (typeof on !== 'boolean') throw new ValueError('setStoragePool', `expects true or false, got ${typeof on}`);
  const old = enabled;
  enabled = on;
  for (const l of free.values()) for (const a of l) inPool.delete(a);
  free.clear();
  pooledBytes = 0;
  return old;
}
