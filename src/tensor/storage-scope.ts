/**
 * `storageScope(fn)`: the optional way to tell the engine the lifetime JavaScript cannot see.
 *
 * Inside a scope, every array the allocator hands out (storage-pool.ts) is recorded together with
 * the tensors built on it. When `fn` returns, that storage goes back to the pool for the next step,
 * except what must outlive the scope:
 * - storage reachable from fn's return value (a tensor, or arrays / plain objects of them);
 * - storage kept with `keepStorage(t)`, and a parameter's `.grad` adopted by backward;
 * - storage a tensor shares with something the scope cannot see (a view made by `subarray`).
 * The tensors on released storage are marked released: reading them (`.data`, any op) throws an
 * error that names the fix, so reused memory is never visible through a tensor someone still
 * holds. Arrays read through `.data` inside the scope are the storage itself, valid until it ends.
 *
 * Code without a scope is correct as before, only slower: storage it takes is left to the garbage
 * collector (apart from the dead gradients the engine recycles on its own).
 */
import { ValueError } from './errors.js';
import { giveStorage, ownStorage, setScopeSink, type ScopeSink } from './storage-pool.js';
import type { Tensor } from './tensor.js';

interface Rec {
  tensors: Tensor[];
  /** false, 'returned' (belongs to the outer scope next) or 'forever' (never released by a scope) */
  kept: false | 'returned' | 'forever';
}

class Scope implements ScopeSink {
  readonly storages = new Map<Float32Array, Rec>();
  /** Storage by buffer, for arrays that own a whole ArrayBuffer (finds views of them). */
  readonly byBuffer = new Map<ArrayBufferLike, Float32Array>();
  constructor(readonly parent: Scope | null) {}
  taken(a: Float32Array): void {
    this.storages.set(a, { tensors: [], kept: false });
    if (!isShared(a)) this.byBuffer.set(a.buffer, a);
  }
}

const isShared = (a: Float32Array): boolean => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

let current: Scope | null = null;

/** Whether a scope is open. */
export function inStorageScope(): boolean {
  return current !== null;
}

/** The record of the scope storage `data` lies in (exactly or as a view), or null. */
function find(data: Float32Array): { rec: Rec; exact: boolean } | null {
  for (let s = current; s !== null; s = s.parent) {
    const r = s.storages.get(data);
    if (r !== undefined) return { rec: r, exact: true };
  }
  for (let s = current; s !== null; s = s.parent) {
    if (!isShared(data)) {
      const base = s.byBuffer.get(data.buffer);
      if (base !== undefined) return { rec: s.storages.get(base)!, exact: false };
      continue;
    }
    // a view into the wasm memory: look for the block that contains it (a whole block the
    // allocator made, or an array seen outside every block before — a layer's weight — is none)
    if (ownStorage(data) || outside.has(data)) return null;
    const lo = data.byteOffset;
    for (const [a, r] of s.storages)
      if (a.buffer === data.buffer && lo >= a.byteOffset && lo < a.byteOffset + a.byteLength) return { rec: r, exact: false };
  }
  if (isShared(data) && !ownStorage(data)) outside.add(data);
  return null;
}

/** Arrays in the wasm memory found in no scope's block (weights and their views): not searched again. */
const outside = new WeakSet<Float32Array>();

/** @internal Tensor's constructor and data setter: `t` now lives on `data`. */
export function registerTensor(t: Tensor, data: Float32Array): void {
  if (current === null) return;
  const f = find(data);
  if (f === null) return;
  // a tensor on part of a block cannot be followed: the block stays
  if (f.exact) f.rec.tensors.push(t);
  else f.rec.kept = 'forever';
}

/** Keep the storage of `t` (or the array itself) beyond every scope it was taken in. */
export function keepStorage(t: Tensor | Float32Array, how: 'returned' | 'forever' = 'forever'): void {
  if (!(t instanceof Float32Array) && !(t !== null && typeof t === 'object' && 'shape' in t && 'gradFn' in t))
    throw new ValueError('keepStorage', `expects a Tensor (or its Float32Array), got ${t === null ? 'null' : typeof t}`);
  if (current === null) return;
  const data = t instanceof Float32Array ? t : t.data;
  const f = find(data);
  if (f !== null && f.rec.kept !== 'forever') f.rec.kept = how;
}

function keepValue(v: unknown, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 4) return;
  if (v instanceof Float32Array) return keepStorage(v, 'returned');
  if ('shape' in v && 'data' in v && 'gradFn' in v) {
    const t = v as Tensor;
    if (!t._released) keepStorage(t, 'returned');
    return;
  }
  if (Array.isArray(v)) for (const x of v) keepValue(x, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) keepValue(x, depth + 1);
}

/**
 * Run `fn` (one training step, say) and give the storage it took back to the pool when it returns,
 * apart from what it returns and what is kept (see the file comment). Scopes nest: what an inner
 * scope returns belongs to the outer one. Synchronous only.
 */
export function storageScope<T>(fn: () => T): T {
  if (typeof fn !== 'function')
    throw new ValueError('storageScope', `expects the function to run, e.g. storageScope(() => step()), got ${fn === null ? 'null' : typeof fn}`);
  const s = new Scope(current);
  const prevSink = setScopeSink(s);
  current = s;
  let out: T;
  try {
    out = fn();
  } finally {
    current = s.parent;
    setScopeSink(prevSink);
  }
  if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function')
    throw new ValueError('storageScope', 'the function returned a Promise; a scope covers synchronous code only: await outside it');
  // mark what the caller gets (looked up while the scope's records are still reachable)
  current = s;
  try {
    keepValue(out, 0);
  } finally {
    current = s.parent;
  }
  for (const [a, rec] of s.storages) {
    if (rec.kept !== false) {
      if (rec.kept === 'returned' && s.parent !== null) {
        s.parent.storages.set(a, { tensors: rec.tensors, kept: false });
        if (!isShared(a)) s.parent.byBuffer.set(a.buffer, a);
      }
      continue;
    }
    for (const t of rec.tensors) t._releaseFrom(a);
    giveStorage(a, true);
  }
  return out;
}
