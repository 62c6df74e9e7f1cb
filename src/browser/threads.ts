/**
 * Browser corner of the kernel worker pool: Web Workers started from a Blob URL of inlined
 * source. Threads need SharedArrayBuffer, which browsers grant only to cross-origin-isolated
 * pages (COOP/COEP headers); elsewhere this returns null and GEMM runs on one thread.
 *
 * A page's main thread may not block in Atomics.wait, so there the pool's main side spins while
 * the workers finish (`canBlock: false`); inside a Web Worker it sleeps as in Node.
 */
import type { PoolWorker, WorkerHost } from '../kernels/wasm/pool.js';

interface BrowserGlobals {
  Worker?: new (url: string, opts?: { name?: string }) => {
    postMessage(msg: unknown): void;
    terminate(): void;
    onerror: ((e: unknown) => void) | null;
  };
  Blob?: new (parts: string[], opts: { type: string }) => unknown;
  URL?: { createObjectURL(b: unknown): string };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  document?: unknown;
  WorkerGlobalScope?: unknown;
}

/** The worker host for browsers (pages and workers), or null where threads cannot work. */
export function browserWorkerHost(): WorkerHost | null {
  const g = globalThis as BrowserGlobals;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) return null;
  if (!g.Worker || !g.Blob || !g.URL || g.crossOriginIsolated !== true) return null;
  if (typeof SharedArrayBuffer === 'undefined') return null;
  const inWorker = g.WorkerGlobalScope !== undefined && g.document === undefined;
  const Worker = g.Worker;
  return {
    cores: Math.max(1, g.navigator?.hardwareConcurrency ?? 1),
    canBlock: inWorker,
    spawn(source: string): PoolWorker {
      const code = `(${source})(function (cb) { self.onmessage = function (e) { self.onmessage = null; cb(e.data); }; });`;
      const blobUrl = g.URL!.createObjectURL(new g.Blob!([code], { type: 'text/javascript' }));
      const w = new Worker(blobUrl, { name: 'gradlab-kernels' });
      w.onerror = () => {};
      return { post: (msg) => w.postMessage(msg), terminate: () => w.terminate() };
    },
  };
}
