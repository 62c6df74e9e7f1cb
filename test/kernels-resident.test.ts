/**
 * Layer weights resident in the wasm kernels' linear memory: the allocator (first fit, merging,
 * limit), views that survive memory growth, kernels that read resident operands in place with the
 * same bits as copied ones, an in-place SGD step that stays inside its block, and layers that get
 * resident weights on the wasm backend only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nn, optim, setBackend, Tensor, manualSeed, randn } from '../src/index.js';
import { wasmBackend } from '../src/kernels/index.js';
import { WasmBackend } from '../src/kernels/wasm/backend.js';
import { WasmKernels } from '../src/kernels/wasm/instance.js';
import { ResidentHeap } from '../src/kernels/wasm/resident.js';
import { setElementwiseMin } from '../src/kernels/wasm/elementwise.js';
import { uniformArray } from './helpers.js';

const shared = WasmKernels.create({ shared: true });
const hasShared = shared !== null && shared.shared;

describe.runIf(hasShared)('resident heap', () => {
  it('allocates 64-byte aligned zeroed blocks, reuses freed ones first-fit and merges neighbours', () => {
    const k = WasmKernels.create({ shared: true })!;
    const heap = k.resident!;
    const start = heap.end;
    const a = k.allocResident(10)!;
    const b = k.allocResident(100)!;
    const c = k.allocResident(3)!;
    expect([a, b, c].every((v) => v.byteOffset % 64 === 0)).toBe(true);
    expect(b.byteOffset).toBe(a.byteOffset + 64);
    expect(c.byteOffset).toBe(b.byteOffset + 448);
    expect(a.every((v) => v === 0) && b.length === 100 && c.length === 3).toBe(true);
    expect(heap.end).toBe(start + 64 + 448 + 64);
    b.fill(7);
    heap.releaseForTest(b);
    // a smaller block fits the hole; the rest of the hole stays free for the next one
    const d = k.allocResident(16)!;
    expect(d.byteOffset).toBe(b.byteOffset);
    expect(d.every((v) => v === 0)).toBe(true);
    const e = k.allocResident(96)!;
    expect(e.byteOffset).toBe(b.byteOffset + 64);
    // freeing the tail block shrinks the region; freeing its neighbours merges them
    heap.releaseForTest(c);
    expect(heap.end).toBe(c.byteOffset);
    heap.releaseForTest(d);
    heap.releaseForTest(e);
    expect(heap.end).toBe(a.byteOffset + 64);
    heap.releaseForTest(a);
    expect(heap.end).toBe(start);
    expect(heap.used).toBe(0);
  });

  it('returns null beyond its limit, and addressOf knows only its own views', () => {
    const k = WasmKernels.create({ shared: true })!;
    k.resident!.limit = 1024;
    expect(k.allocResident(200)).not.toBeNull();
    expect(k.allocResident(100)).toBeNull();
    expect(k.addressOf(new Float32Array(8), 0)).toBe(-1);
    const other = WasmKernels.create({ shared: true })!.allocResident(8)!;
    expect(k.addressOf(other, 0)).toBe(-1);
  });

  it('keeps views valid across memory growth (a shared memory never detaches)', () => {
    const k = WasmKernels.create({ shared: true })!;
    const a = k.allocResident(1000)!;
    a.fill(3);
    expect(k.ensure(k.memory.buffer.byteLength + (8 << 20))).toBe(true);
    const b = k.allocResident(1 << 20)!;
    expect(a.length).toBe(1000);
    expect(a[999]).toBe(3);
    expect(k.addressOf(a, 5)).toBe(a.byteOffset + 20);
    expect(k.addressOf(b, 0)).toBe(b.byteOffset);
    // the scratch area starts after the resident region
    expect(k.scratchBase).toBe(b.byteOffset + b.byteLength);
  });

  it('a plain (non-shared) memory has no resident storage', () => {
    const k = WasmKernels.create({ shared: false })!;
    expect(k.resident).toBeNull();
    expect(k.allocResident(10)).toBeNull();
  });
});

describe.runIf(hasShared)('kernels on resident operands', () => {
  const be = new WasmBackend(WasmKernels.create({ shared: true })!);
  const k = be.kernels;
  const resident = (src: Float32Array): Float32Array => {
    const r = k.allocResident(src.length)!;
    r.set(src);
    return r;
  };

  for (const [ta, tb, M, N, K] of [[false, true, 37, 70, 300], [true, false, 64, 33, 129], [false, false, 5, 9, 1]] as const)
    it(`gemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${M}×${N}×${K}: resident A, B or both give the bits of copied operands`, () => {
      const A = uniformArray(M * K + 3, 1);
      const B = uniformArray(K * N + 5, 2);
      const C0 = uniformArray(M * N, 3);
      const want = C0.slice();
      be.gemm(ta, tb, M, N, K, A, 3, B, 5, want, 0, true);
      for (const [ra, rb] of [[true, false], [false, true], [true, true]]) {
        const C = C0.slice();
        be.gemm(ta, tb, M, N, K, ra ? resident(A) : A, 3, rb ? resident(B) : B, 5, C, 0, true);
        expect(C.every((v, i) => Object.is(v, want[i]))).toBe(true);
      }
    });

  it('SGD updates a resident weight in place, bit-identical to the copying path, and stays inside its block', () => {
    const prev = setElementwiseMin(0);
    try {
      for (const n of [257, 1000, 20001]) {
        const w0 = uniformArray(n, 4);
        const g = uniformArray(n, 5);
        const plain = w0.slice();
        expect(be.sgdStep(plain, g, 0.1, 1, 0.01)).toBe(true);
        const w = resident(w0);
        const guard = k.allocResident(16)!;
        guard.fill(42);
        expect(be.sgdStep(w, g, 0.1, 1, 0.01)).toBe(true);
        expect(w.every((v, i) => Object.is(v, plain[i]))).toBe(true);
        expect(guard.every((v) => v === 42)).toBe(true);
      }
    } finally {
      setElementwiseMin(prev);
    }
  });
});

describe('layers on the wasm backend', () => {
  const wasm = wasmBackend();
  afterAll(() => setBackend(wasm ? 'wasm' : 'portable'));

  it.runIf(wasm !== null && wasm.kernels.shared)('Linear and Conv2d weights are resident there and ordinary on the portable backend', () => {
    setBackend('wasm');
    const lin = new nn.Linear(20, 30);
    const conv = new nn.Conv2d(3, 4, 3);
    for (const p of [lin.weight, lin.bias!, conv.weight, conv.bias!]) expect(wasm!.kernels.addressOf(p.data, 0)).toBeGreaterThanOrEqual(0);
    setBackend('portable');
    const lin2 = new nn.Linear(20, 30);
    expect(wasm!.kernels.addressOf(lin2.weight.data, 0)).toBe(-1);
    expect(lin2.weight.data.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('a model trains to the same bits whether its weights are resident or not', () => {
    const run = (residentWeights: boolean): Float32Array => {
      setBackend(residentWeights && wasm ? 'wasm' : 'portable');
      manualSeed(3);
      const model = new nn.Sequential(new nn.Linear(50, 40), new nn.Tanh(), new nn.Linear(40, 5));
      if (wasm) setBackend('wasm');
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      const x = randn([16, 50]);
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        (model.forward(x) as Tensor).square().mean().backward();
        opt.step();
      }
      return (model.forward(x) as Tensor).data.slice();
    };
    const a = run(true);
    const b = run(false);
    expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
  });
});
