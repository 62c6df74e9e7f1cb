/**
 * Threads: more threads than cores are capped at the cores with one warning (torch accepts any
 * count; oversubscribed spinning workers made a GEMM 30–60× slower), and an idle process with a
 * started pool uses almost no CPU. The idle check measures the process's CPU time (all threads)
 * over one second of idling — a resource measure, not a wall-clock assertion.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, initThreads, matmul, randn, setNumThreads, setWarningHandler, shutdownThreads } from '../src/index.js';
import { getWorkerHost } from '../src/kernels/wasm/pool.js';
import { wasmBackend } from '../src/kernels/wasm/index.js';

const cores = getWorkerHost()?.cores ?? 1;
const wasm = wasmBackend();

afterAll(() => {
  setNumThreads(cores);
  shutdownThreads();
});

/** Percent of one core the whole process used while idling for `ms`. */
async function idleCpuPercent(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, ms));
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3; // µs
  return ((c.user + c.system) / wall) * 100;
}

describe('setNumThreads', () => {
  it('caps a count above the cores at the cores, with one warning', () => {
    const warnings: string[] = [];
    const old = setWarningHandler((m) => warnings.push(m));
    try {
      setNumThreads(cores + 62);
      expect(getNumThreads()).toBe(cores);
      setNumThreads(cores + 62);
      setNumThreads(1000);
      expect(getNumThreads()).toBe(cores);
      expect(warnings.length).toBe(1);
      expect(warnings[0]).toMatch(new RegExp(`setNumThreads\\(${cores + 62}\\): this machine runs ${cores} threads? at once; using ${cores}`));
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      expect(() => setNumThreads(0)).toThrow(/positive integer/);
      expect(() => setNumThreads('4' as never)).toThrow(/positive integer/);
    } finally {
      setWarningHandler(old);
    }
  });
});

describe.runIf(wasm !== null && wasm.kernels.shared && cores >= 2)('idle workers', () => {
  it('an idle process uses under a tenth of a core after threaded GEMMs (64 threads asked for)', { timeout: 30_000 }, async () => {
    const old = setWarningHandler(() => {});
    try {
      setNumThreads(64);
    } finally {
      setWarningHandler(old);
    }
    expect(await initThreads()).toBe(cores);
    const a = randn([384, 512]);
    const b = randn([512, 384]);
    for (let i = 0; i < 5; i++) matmul(a, b);
    const idle = await idleCpuPercent(1000);
    // spinning workers on oversubscribed cores used 27–155 % of a core here before the cap
    expect(idle).toBeLessThan(10);
  });
});
