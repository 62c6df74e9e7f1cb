/**
 * Bit-exact snapshots of mutable state — a model's parameters, gradients, buffers and modes, an
 * optimizer's state and hyper-parameters, the default generator — restored in place, so that
 * objects the user holds (the parameter tensors, the optimizer's state map) stay the same
 * objects with the same bits.
 */
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator } from '../tensor/rng.js';
import type { Module } from '../nn/module.js';

type Snap =
  | { k: 'tensor'; ref: Tensor; arr: Float32Array; copy: Float32Array; version: number; requiresGrad: boolean; grad: Snap | null }
  | { k: 'array'; ref: unknown[]; items: Snap[] }
  | { k: 'map'; ref: Map<unknown, unknown>; entries: [unknown, Snap][] }
  | { k: 'object'; ref: Record<string, unknown>; props: [string, Snap][] }
  | { k: 'value'; v: unknown };

function isPlain(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function take(v: unknown, memo: Map<unknown, Snap>): Snap {
  if (v === null || typeof v !== 'object') return { k: 'value', v };
  const seen = memo.get(v);
  if (seen) return seen;
  if (v instanceof Tensor) {
    const s: Snap = { k: 'tensor', ref: v, arr: v.data, copy: v.data.slice(), version: v._version, requiresGrad: v.requiresGrad, grad: null };
    memo.set(v, s);
    s.grad = v.grad ? take(v.grad, memo) : null;
    return s;
  }
  if (Array.isArray(v)) {
    const s: Snap = { k: 'array', ref: v, items: [] };
    memo.set(v, s);
    s.items = v.map((x) => take(x, memo));
    return s;
  }
  if (v instanceof Map) {
    const s: Snap = { k: 'map', ref: v, entries: [] };
    memo.set(v, s);
    s.entries = [...v.entries()].map(([a, b]) => [a, take(b, memo)]);
    return s;
  }
  if (isPlain(v)) {
    const s: Snap = { k: 'object', ref: v as Record<string, unknown>, props: [] };
    memo.set(v, s);
    s.props = Object.keys(v).map((key) => [key, take((v as Record<string, unknown>)[key], memo)]);
    return s;
  }
  return { k: 'value', v }; // class instances other than tensors (modules, generators…) are kept by reference
}

function put(s: Snap, done: Set<Snap>): unknown {
  if (s.k === 'value') return s.v;
  if (done.has(s)) return s.ref;
  done.add(s);
  switch (s.k) {
    case 'tensor': {
      const t = s.ref;
      t.data = s.arr;
      s.arr.set(s.copy);
      t._version = s.version;
      if (t.requiresGrad !== s.requiresGrad) t.requiresGrad = s.requiresGrad;
      t.grad = s.grad ? (put(s.grad, done) as Tensor) : null;
      return t;
    }
    case 'array': {
      const vals = s.items.map((x) => put(x, done));
      s.ref.length = 0;
      s.ref.push(...vals);
      return s.ref;
    }
    case 'map': {
      const vals = s.entries.map(([a, b]) => [a, put(b, done)] as const);
      s.ref.clear();
      for (const [a, b] of vals) s.ref.set(a, b);
      return s.ref;
    }
    case 'object': {
      const o = s.ref;
      const keep = new Set(s.props.map(([k]) => k));
      for (const k of Object.keys(o)) if (!keep.has(k)) delete o[k];
      for (const [k, v] of s.props) {
        const val = put(v, done);
        if (!Object.is(o[k], val)) o[k] = val;
      }
      return o;
    }
  }
}

export interface StateSnapshot {
  restore(): void;
}

/**
 * Snapshot a model (parameters with their gradients and requiresGrad, buffers, train/eval
 * modes), optionally an optimizer (every own enumerable property, deeply: state map, groups,
 * step counters) and the default generator.
 */
export function snapshotState(model: Module, optimizer?: object | null): StateSnapshot {
  const memo = new Map<unknown, Snap>();
  const mods = [...model.namedModules()].map(([, m]) => m);
  const modes = mods.map((m) => m.training);
  const params = mods.flatMap((m) => [...m._ownParameters()].map(([k, p]) => ({ m, k, s: take(p, memo) })));
  const buffers = mods.flatMap((m) => [...m._ownBuffers()].map(([k, b]) => ({ m, k, s: take(b, memo) })));
  const opt = optimizer ? Object.keys(optimizer).map((k) => [k, take((optimizer as Record<string, unknown>)[k], memo)] as const) : [];
  const rng = defaultGenerator.getState();
  return {
    restore(): void {
      const done = new Set<Snap>();
      mods.forEach((m, i) => (m.training = modes[i]!));
      for (const { m, k, s } of [...params, ...buffers]) (m as unknown as Record<string, unknown>)[k] = put(s, done);
      if (optimizer) {
        const o = optimizer as Record<string, unknown>;
        const keep = new Set(opt.map(([k]) => k));
        for (const k of Object.keys(o)) if (!keep.has(k)) delete o[k];
        for (const [k, s] of opt) {
          const val = put(s, done);
          if (!Object.is(o[k], val)) o[k] = val;
        }
      }
      defaultGenerator.setState(rng);
    },
  };
}
