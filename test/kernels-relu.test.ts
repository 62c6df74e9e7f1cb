/**
 * ReLU and its backward on the wasm backend against the JavaScript loops of src/ops/unary.ts (the
 * portable backend has no relu kernels): the same bits for random data and special values (NaN
 * payloads of either sign, ±0, ±Inf, subnormals), tails that are not whole vectors, chunk edges,
 * declining short arrays, and the gradient through relu on either backend.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { portableBackend, wasmBackend } from '../src/kernels/index.js';
import { CHUNK, elementwiseMin, setElementwiseMin } from '../src/kernels/wasm/elementwise.js';
import { relu, reluBackward } from '../src/ops/unary.js';
import { uniformArray } from './helpers.js';

const wasm = wasmBackend();
const DEFAULT_MIN = elementwiseMin();

const before = gl.backend().name;
afterEach(() => {
  setElementwiseMin(DEFAULT_MIN);
  gl.setBackend(before);
});

const i32 = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);

/** Bit patterns every kernel must treat like the loops do. */
const SPECIAL_BITS = [
  0x00000000, // +0
  0x80000000 | 0, // −0
  0x7f800000, // +Inf
  0xff800000 | 0, // −Inf
  0x7fc00000, // NaN
  0xffc00000 | 0, // negative NaN
  0x7f800001, // signalling NaN with a payload
  0xff812345 | 0, // negative NaN with a payload
  0x00000001, // smallest subnormal
  0x80000001 | 0, // its negative
  0x007fffff, // largest subnormal
  0x3f800000, // 1
  0xbf800000 | 0, // −1
  0x7f7fffff, // largest finite
  0xff7fffff | 0, // most negative finite
];

/** n floats: random in [-1, 1) with the special patterns spread through (also in the tail). */
function data(n: number, seed: number): Float32Array {
  const a = uniformArray(n, seed);
  const b = i32(a);
  for (let i = 0; i < n; i += 7) b[i] = SPECIAL_BITS[(i / 7 + seed) % SPECIAL_BITS.length]!;
  if (n > 0) b[n - 1] = SPECIAL_BITS[seed % SPECIAL_BITS.length]!;
  return a;
}

/** relu / reluBackward through the ops on one backend (portable: the JavaScript loops). */
function onBackend(name: string, x: Float32Array, g: Float32Array): [Float32Array, Float32Array] {
  gl.setBackend(name);
  const y = relu(new gl.Tensor(x, [x.length]));
  const gx = reluBackward(new gl.Tensor(g, [g.length]), y);
  return [y.data, gx.data];
}

function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const ia = i32(a);
  const ib = i32(b);
  let bad = -1;
  for (let i = 0; i < a.length && bad < 0; i++) if (ia[i] !== ib[i]) bad = i;
  expect(bad === -1 ? 'all equal' : `index ${bad}: ${ia[bad]!.toString(16)} vs ${ib[bad]!.toString(16)}`).toBe('all equal');
}

describe('backend interface', () => {
  it('the portable backend has no relu kernels (ops use their JavaScript loops)', () => {
    expect(portableBackend.relu).toBeUndefined();
    expect(portableBackend.reluBackward).toBeUndefined();
  });

  it('the JavaScript loops: NaN passes forward, −0 and negatives become +0; the gradient passes where y > 0 or NaN', () => {
    gl.setBackend('portable');
    const [y, gx] = onBackend('portable', new Float32Array([-2, -0, 0, 3, NaN, -Infinity, Infinity]), new Float32Array(7).fill(5));
    expect(Array.from(y)).toEqual([0, 0, 0, 3, NaN, 0, Infinity]);
    expect(Object.is(y[1], 0)).toBe(true);
    expect(Array.from(gx)).toEqual([0, 0, 0, 5, 5, 0, 5]);
  });
});

describe.runIf(wasm !== null)('wasm relu kernels', () => {
  it('equal the JavaScript loops bit for bit: special values, tails and chunk edges', () => {
    setElementwiseMin(0);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 31, CHUNK - 1, CHUNK, CHUNK + 5, 2 * CHUNK + 3]) {
      const x = data(n, n);
      const g = data(n, n + 1);
      const [py, pg] = onBackend('portable', x, g);
      const [wy, wg] = onBackend('wasm', x, g);
      expectSameBits(wy, py);
      expectSameBits(wg, pg);
      // the backward from a y holding every pattern (not only relu outputs): y ≤ 0 blocks, NaN passes
      const y2 = data(n, n + 2);
      const ref = reluBackwardOn('portable', g, y2);
      expectSameBits(reluBackwardOn('wasm', g, y2), ref);
    }
  });

  it('write exactly n elements', () => {
    setElementwiseMin(0);
    const n = 13;
    const x = data(n, 3);
    const out = new Float32Array(n + 8).fill(42);
    expect(wasm!.relu(x, out, n)).toBe(true);
    expect(Array.from(out.subarray(n))).toEqual(new Array(8).fill(42));
    out.fill(42);
    expect(wasm!.reluBackward(x, x, out, n)).toBe(true);
    expect(Array.from(out.subarray(n))).toEqual(new Array(8).fill(42));
  });

  it('decline arrays shorter than their minimum and leave them untouched', () => {
    const min = DEFAULT_MIN / 8;
    const n = min - 1;
    const x = data(n, 1);
    const out = new Float32Array(n).fill(42);
    expect(wasm!.relu(x, out, n)).toBe(false);
    expect(wasm!.reluBackward(x, x, out, n)).toBe(false);
    expect(out.every((v) => v === 42)).toBe(true);
    expect(wasm!.relu(data(min, 2), new Float32Array(min), min)).toBe(true);
    expect(wasm!.reluBackward(x, x, new Float32Array(0), 0)).toBe(false);
  });

  it('the gradient through relu is the same on both backends (large, wasm path)', () => {
    const run = (name: string): [Float32Array, Float32Array] => {
      gl.setBackend(name);
      gl.manualSeed(3);
      const x = gl.randn([4, 3001], { requiresGrad: true });
      const y = gl.relu(x);
      gl.sum(gl.mul(y, gl.randn([4, 3001]))).backward();
      return [y.data, x.grad!.data];
    };
    const p = run('portable');
    const w = run('wasm');
    expectSameBits(w[0], p[0]);
    expectSameBits(w[1], p[1]);
  });
});

function reluBackwardOn(name: string, g: Float32Array, y: Float32Array): Float32Array {
  gl.setBackend(name);
  return reluBackward(new gl.Tensor(g, [g.length]), new gl.Tensor(y, [y.length])).data;
}
