/**
 * The worker pool behind the wasm backend, seen through an abstract `WorkerHost` that the
 * platform corners provide (src/node/threads.ts: worker_threads; src/browser/threads.ts: Web
 * Workers). Workers share the kernels' WebAssembly memory; a large GEMM is split into column (or
 * row) ranges aligned to the micro-tile, one per thread, so the result is bit-identical for any
 * thread count (every element of C is computed by the same instruction sequence). `runQueue`
 * instead hands out more, smaller chunks (GEMM ranges, ranges of images of a convolution) that
 * threads take from a shared counter, so a slow or descheduled thread takes fewer; which thread
 * runs a chunk changes no bit either.
 *
 * The main thread runs its own share, then waits: it spins briefly and, where the platform allows
 * blocking (Node's main thread, any worker), sleeps in Atomics.wait. A browser page's main thread
 * may not block, so there it only spins (threads need a cross-origin-isolated page for
 * SharedArrayBuffer; without it the pool is not used and GEMM runs on one thread).
 */
import { ValueError } from '../../tensor/errors.js';
import { CTRL_OFFSET, CTRL_WORDS, MAX_THREADS, PACK_A_BYTES, PACK_BYTES, PACK_OFFSET, TMP_OFFSET, type WasmKernels } from './instance.js';
import {
  CLAIM_OFFSET, DONE_WORD, GO_OFFSET, JOB_KERNELS, JOB_QUEUE, KIND_OFFSET, QUEUE_BASE, QUEUE_DONE, QUEUE_ENTRY, QUEUE_MAX, QUEUE_NEXT,
  SLOT_BASE, SLOT_WORDS, WORKER_SOURCE,
} from './worker-source.js';

export interface PoolWorker {
  post(msg: unknown): void;
  terminate(): void;
}

export interface WorkerHost {
  /** Logical cores available (the default thread count). */
  readonly cores: number;
  /** Whether the calling thread may block in Atomics.wait. */
  readonly canBlock: boolean;
  /** Start a worker running `(${source})(listen)`; the worker must not keep the process alive. */
  spawn(source: string): PoolWorker;
}

let host: WorkerHost | null = null;
let requested: number | null = null;

/** Install the platform's worker host (done by the package entry); null disables threads. */
export function setWorkerHost(h: WorkerHost | null): void {
  host = h;
}

export function getWorkerHost(): WorkerHost | null {
  return host;
}

/**
 * Number of threads used for large kernels (PyTorch: `torch.set_num_threads`). The default is all
 * cores. Results do not depend on it.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    throw new ValueError('setNumThreads', `thread count must be an integer in [1, ${MAX_THREADS}], got ${n}`);
  requested = n;
}

/** The thread count set by setNumThreads, or the number of cores by default. */
export function getNumThreads(): number {
  return requested ?? Math.min(host?.cores ?? 1, MAX_THREADS);
}

/**
 * Spin iterations before sleeping, on both sides: about 3 ms (an Atomics.load loop runs ~15 ns
 * per iteration), so a worker stays awake across the short JavaScript ops between two kernels
 * of a training step (waking a sleeping one costs far more than the spin; 0.3 ms was ~7 % slower
 * on the CNN step).
 */
const SPIN = 200000;

/** One worker of the pool. */
interface Slot {
  worker: PoolWorker;
  index: number;
}

type JobFn = (...args: number[]) => void;

/** Run one job (16 arguments and an optional kind, as for KernelPool.run) on this thread. */
export function runJob(k: WasmKernels, j: number[]): void {
  const f = (k.exports as unknown as Record<string, JobFn>)[JOB_KERNELS[j[16] ?? 0]!]!;
  f(j[0] ?? 0, j[1] ?? 0, j[2] ?? 0, j[3] ?? 0, j[4] ?? 0, j[5] ?? 0, j[6] ?? 0, j[7] ?? 0,
    j[8] ?? 0, j[9] ?? 0, j[10] ?? 0, j[11] ?? 0, j[12] ?? 0, j[13] ?? 0, j[14] ?? 0, j[15] ?? 0);
}

/**
 * Called on the main thread after each work-queue chunk it ran, with a test of whether chunk i
 * has finished (on any thread): lets the caller use finished results while others still run.
 */
export type Progress = (done: (i: number) => boolean) => void;

/** A queue chunk with arguments 13–15 set to the main thread's GEMM scratch. */
export function withScratch(c: number[]): number[] {
  const j = new Array<number>(17);
  for (let a = 0; a < 13; a++) j[a] = c[a] ?? 0;
  j[13] = PACK_OFFSET;
  j[14] = PACK_OFFSET + PACK_A_BYTES;
  j[15] = TMP_OFFSET;
  j[16] = c[16] ?? 0;
  return j;
}

export class KernelPool {
  private readonly slots: Slot[] = [];
  private readonly k: WasmKernels;
  private readonly ctrl: Int32Array;
  /** The chunks of the running work queue (this thread reads them here, workers from ctrl). */
  private queue: number[][] = [];
  /** Called on this thread after each chunk it ran (runQueue). */
  private progress: Progress | null = null;
  /** Whether chunk i of the running queue has finished. */
  private readonly isDone = (i: number): boolean => Atomics.load(this.ctrl, QUEUE_DONE + i) === 1;

  constructor(k: WasmKernels) {
    this.k = k;
    this.ctrl = new Int32Array(k.memory.buffer, CTRL_OFFSET, CTRL_WORDS);
  }

  /** Start workers until there are `n` (lazily; they become ready asynchronously). */
  grow(n: number): void {
    if (host === null || !this.k.shared) return;
    while (this.slots.length < n) {
      const index = this.slots.length;
      const s = SLOT_BASE + index * SLOT_WORDS;
      Atomics.store(this.ctrl, s + 1, 0);
      Atomics.store(this.ctrl, s + 2, 0);
      Atomics.store(this.ctrl, s + GO_OFFSET, Atomics.load(this.ctrl, s));
      Atomics.store(this.ctrl, s + CLAIM_OFFSET, Atomics.load(this.ctrl, s));
      const worker = host.spawn(WORKER_SOURCE);
      worker.post({
        module: this.k.module,
        memory: this.k.memory,
        ctrlOffset: CTRL_OFFSET,
        ctrlWords: CTRL_WORDS,
        slot: index,
        slotBase: SLOT_BASE,
        slotWords: SLOT_WORDS,
        done: DONE_WORD,
        go: GO_OFFSET,
        claim: CLAIM_OFFSET,
        kind: KIND_OFFSET,
        kernels: JOB_KERNELS,
        queueKind: JOB_QUEUE,
        queueNext: QUEUE_NEXT,
        queueBase: QUEUE_BASE,
        queueEntry: QUEUE_ENTRY,
        queueDone: QUEUE_DONE,
        packOffset: PACK_OFFSET,
        packBytes: PACK_BYTES,
        packABytes: PACK_A_BYTES,
        tmpOffset: TMP_OFFSET,
        spin: SPIN,
      });
      this.slots.push({ worker, index });
    }
  }

  /** Workers that have started and may take jobs (never more than `max`). */
  ready(max: number): number {
    let n = 0;
    for (const sl of this.slots) {
      if (n >= max) break;
      if (Atomics.load(this.ctrl, SLOT_BASE + sl.index * SLOT_WORDS + 1) === 1) n++;
      else break;
    }
    return n;
  }

  /** Resolves once `n` workers are ready (or after `timeoutMs`); returns how many are. */
  async whenReady(n: number, timeoutMs = 10000): Promise<number> {
    this.grow(n);
    const t0 = Date.now();
    while (this.ready(n) < Math.min(n, this.slots.length) && Date.now() - t0 < timeoutMs)
      await new Promise((r) => setTimeout(r, 2));
    return this.ready(n);
  }

  /**
   * Run jobs: `jobs[0]` on this thread, `jobs[1…]` on workers 0…; each job is the 16 arguments
   * of an export, followed by its kind (an index into JOB_KERNELS; absent: 0, `gemm`). The
   * workers are woken first, then `prepare` (which puts the operands in place) runs while they
   * wake up; `own` runs after this thread's share, while the workers may still be busy. A job
   * whose worker has not started by then is run here instead.
   * Returns after all jobs have finished, also when one throws.
   */
  run(jobs: number[][], prepare?: () => void, own?: () => void): void {
    const ctrl = this.ctrl;
    const nw = jobs.length - 1;
    const slots: number[] = [];
    const gens: number[] = [];
    Atomics.store(ctrl, DONE_WORD, 0);
    for (let w = 0; w < nw; w++) {
      const s = SLOT_BASE + this.slots[w]!.index * SLOT_WORDS;
      const job = jobs[w + 1]!;
      for (let a = 0; a < 16; a++) ctrl[s + 3 + a] = job[a] ?? 0;
      ctrl[s + KIND_OFFSET] = job[16] ?? 0;
      gens.push((Atomics.add(ctrl, s, 1) + 1) | 0);
      Atomics.notify(ctrl, s, 1);
      slots.push(s);
    }
    let err: unknown = null;
    try {
      prepare?.();
    } catch (e) {
      err = e;
    }
    // release the workers (also after a failed prepare: they must finish before memory is reused)
    for (let w = 0; w < nw; w++) {
      Atomics.store(ctrl, slots[w]! + GO_OFFSET, gens[w]!);
      Atomics.notify(ctrl, slots[w]! + GO_OFFSET, 1);
    }
    const runHere = (j: number[]): void => {
      if (j[16] === JOB_QUEUE) this.drain(j[0]!);
      else runJob(this.k, j);
    };
    if (err === null) {
      try {
        runHere(jobs[0]!);
        own?.();
      } catch (e) {
        err = e;
      }
    }
    // take over the jobs no worker has claimed yet (every element is computed the same way
    // whichever thread runs its range, so this changes no bit)
    let claimed = nw;
    for (let w = 0; w < nw; w++) {
      const g = gens[w]!;
      if (Atomics.compareExchange(ctrl, slots[w]! + CLAIM_OFFSET, (g - 1) | 0, g) !== ((g - 1) | 0)) continue;
      claimed--;
      if (err === null) {
        try {
          runHere(jobs[w + 1]!);
        } catch (e) {
          err = e;
        }
      }
    }
    let spins = 0;
    const block = host?.canBlock ?? false;
    for (;;) {
      const d = Atomics.load(ctrl, DONE_WORD);
      if (d >= claimed) break;
      if (block && ++spins > SPIN) Atomics.wait(ctrl, DONE_WORD, d, 50);
    }
    for (const s of slots) {
      if (Atomics.load(ctrl, s + 2) !== 0) {
        Atomics.store(ctrl, s + 2, 0);
        err ??= new Error('wasm kernels: a worker thread failed');
      }
    }
    if (err !== null) throw err;
  }

  /**
   * Run `chunks` (jobs as for run) on this thread and `workers` workers, each thread taking the
   * next chunk until none are left (a slow or descheduled thread takes fewer). A chunk's
   * arguments 13–15 are replaced by the GEMM scratch of the thread that takes it; a `gemm` chunk
   * must be split as gemmJobs splits (any range gives the same bits). `progress` runs here
   * after each chunk this thread ran.
   */
  runQueue(chunks: number[][], workers: number, progress?: Progress): void {
    if (chunks.length > QUEUE_MAX) throw new RangeError(`runQueue: at most ${QUEUE_MAX} chunks, got ${chunks.length}`);
    const ctrl = this.ctrl;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      const e = QUEUE_BASE + i * QUEUE_ENTRY;
      for (let a = 0; a < 16; a++) ctrl[e + a] = c[a] ?? 0;
      ctrl[e + 16] = c[16] ?? 0;
    }
    for (let i = 0; i < chunks.length; i++) ctrl[QUEUE_DONE + i] = 0;
    this.queue = chunks;
    this.progress = progress ?? null;
    Atomics.store(ctrl, QUEUE_NEXT, 0);
    const job = [chunks.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, JOB_QUEUE];
    try {
      this.run(new Array<number[]>(workers + 1).fill(job));
    } finally {
      this.progress = null;
    }
  }

  /** This thread's part of runQueue. */
  private drain(n: number): void {
    for (;;) {
      const i = Atomics.add(this.ctrl, QUEUE_NEXT, 1);
      if (i >= n) return;
      runJob(this.k, withScratch(this.queue[i]!));
      Atomics.store(this.ctrl, QUEUE_DONE + i, 1);
      this.progress?.(this.isDone);
    }
  }

  /** Stop all workers (the pool restarts lazily when needed). */
  shutdown(): void {
    for (const sl of this.slots) sl.worker.terminate();
    this.slots.length = 0;
  }
}
