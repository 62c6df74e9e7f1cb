/**
 * Node corner of the kernel worker pool: `worker_threads` workers started from inlined source
 * (`eval: true`, so no worker file must be found by a bundler or test runner) and unref'd, so an
 * idle pool never keeps the process alive. Node's main thread may block in Atomics.wait.
 *
 * The module is loaded through `process.getBuiltinModule`, not a static import, so a browser
 * bundle that includes this file still builds (there `nodeWorkerHost()` returns null).
 */
import type { PoolWorker, WorkerHost } from '../kernels/wasm/pool.js';
import { builtin } from './builtin.js';

interface NodeWorker {
  postMessage(msg: unknown): void;
  terminate(): Promise<number>;
  unref(): void;
  on(ev: string, cb: (e: unknown) => void): void;
}
interface WorkerThreads {
  Worker: new (src: string, opts: { eval: boolean; name?: string }) => NodeWorker;
  isMainThread: boolean;
}
interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/** The worker host for Node, or null outside Node (or on a Node without getBuiltinModule). */
export function nodeWorkerHost(): WorkerHost | null {
  const wt = builtin<WorkerThreads>('node:worker_threads');
  const os = builtin<NodeOs>('node:os');
  if (wt === null || os === null) return null;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return {
    cores: Math.max(1, cores),
    canBlock: true,
    spawn(source: string): PoolWorker {
      const code =
        `const { parentPort } = require('node:worker_threads');\n` +
        `(${source})(function (cb) { parentPort.once('message', cb); });\n`;
      const w = new wt.Worker(code, { eval: true, name: 'gradlab-kernels' });
      w.unref();
      // a failing worker never reports done; the pool's run() then sees its error flag instead
      w.on('error', () => {});
      return {
        post: (msg) => w.postMessage(msg),
        terminate: () => void w.terminate(),
      };
    },
  };
}
