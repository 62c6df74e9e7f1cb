/**
 * The worker pool behind the wasm backend, seen through an abstract `WorkerHost` that the
 * platform corners provide (src/node/threads.ts: worker_threads; src/browser/threads.ts: Web
 * Workers). Workers share the kernels' WebAssembly memory. A large GEMM is cut into a few jobs per
 * thread (column or row ranges aligned to the micro-tile: gemm-jobs.ts) that the calling thread
 * and the woken workers take one at a time, so a worker that wakes late or runs on a busy core
 * takes fewer instead of holding everyone up. The result is bit-identical for any thread count
 * (every element of C is computed by the same instruction sequence, whichever thread holds it).
 *
 * The main thread takes jobs like the workers, then waits: it spins briefly and, where the platform allows
 * blocking (Node's main thread, any worker), sleeps in Atomics.wait. A browser page's main thread
 * may not block, so there it only spins (threads need a cross-origin-isolated page for
 * SharedArrayBuffer; without it the pool is not used and GEMM runs on one thread).
 */
import { ValueError } from '../../tensor/errors.js';
import { warnOnce } from '../../tensor/warn.js';
import { CTRL_OFFSET, CTRL_WORDS, MAX_THREADS, PACK_A_BYTES, PACK_BYTES, TMP_OFFSET, type KernelExports, type WasmKernels } from './instance.js';
import {
  CLAIM_WORD, ERROR_WORD, FINISHED_WORD, JOB_BASE, JOB_KERNELS, JOB_WORDS, MAX_SLOTS, NJOBS_WORD, SLOT_BASE, SLOT_WORDS,
  WORKER_SOURCE,
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

/** The most threads that help: the cores there are (and the pool's MAX_THREADS). */
function maxUseful(): number {
  return Math.max(1, Math.min(host?.cores ?? 1, MAX_THREADS));
}

/**
 * Number of threads used for large kernels (PyTorch: `torch.set_num_threads`). The default is all
 * cores. Results do not depend on it. As torch does, any positive count is accepted, but more
 * threads than cores only make the threads wait for each other (a GEMM 30–60× slower with 64
 * threads on 2 cores): the count is capped at the cores, with a one-time warning.
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new ValueError('setNumThreads', `thread count must be a positive integer, got ${typeof n === 'number' ? n : typeof n}`);
  const cap = maxUseful();
  if (n > cap)
    warnOnce(
      `setNumThreads>${cap}`,
      `setNumThreads(${n}): this machine runs ${cap} thread${cap > 1 ? 's' : ''} at once; using ${cap} ` +
        '(more threads than cores slow the kernels down). getNumThreads() returns the count in use',
    );
  requested = Math.min(n, cap);
}

/** The thread count in use: set by setNumThreads (capped at the cores), or the number of cores by default. */
export function getNumThreads(): number {
  return Math.min(requested ?? maxUseful(), maxUseful());
}

/** Spin iterations of the calling thread before it sleeps waiting for workers (tens of µs). */
const SPIN = 20000;
/**
 * Spin iterations of an idle worker before it sleeps (about 3 ms): long enough to bridge the
 * JavaScript ops between the kernels of a training step, so the next kernel finds it awake
 * instead of paying a futex wake-up (as OpenMP runtimes spin after a parallel region).
 */
const WORKER_SPIN = 200_000;
/** Most jobs in one run: the control block's job area holds JOB_WORDS words and a DONE word each. */
export const MAX_JOBS = Math.floor((CTRL_WORDS - JOB_BASE) / (JOB_WORDS + 1));
/** The DONE words, one per job, after the job area. */
const DONE_BASE = JOB_BASE + MAX_JOBS * JOB_WORDS;

/**
 * One job (worker-source.ts): [kind, scratch, a0 … a17]; a13–a15 are replaced by the taking
 * thread's GEMM scratch.
 */
export type Job = number[];

/** A job's arguments for the `gemm` export with thread 0's scratch: all 18. */
type JobFn = (...args: number[]) => void;

/** Run one job on thread `t` (0: the calling thread); the same code as the workers' runJob. */
function runJob(e: KernelExports, j: Job, t: number): void {
  const f = (e as unknown as Record<string, JobFn>)[JOB_KERNELS[j[0]!]!]!;
  const pA = j[1]! + t * PACK_BYTES;
  f(j[2] ?? 0, j[3] ?? 0, j[4] ?? 0, j[5] ?? 0, j[6] ?? 0, j[7] ?? 0, j[8] ?? 0, j[9] ?? 0, j[10] ?? 0, j[11] ?? 0,
    j[12] ?? 0, j[13] ?? 0, j[14] ?? 0, pA, pA + PACK_A_BYTES, TMP_OFFSET + 128 * t, j[18] ?? 0, j[19] ?? 0);
}

/**
 * Called on the calling thread after each job it ran, with a test of whether job i has finished
 * (on any thread): lets the caller use finished results while others still run.
 */
export type Progress = (done: (i: number) => boolean) => void;

/** Run jobs on the calling thread only (no pool, or a single job), in order. */
export function runJobsHere(e: KernelExports, jobs: Job[], done?: (j: Job) => void, progress?: Progress): void {
  for (let i = 0; i < jobs.length; i++) {
    runJob(e, jobs[i]!, 0);
    done?.(jobs[i]!);
    progress?.((x) => x <= i);
  }
}

/** One worker of the pool. */
interface Slot {
  worker: PoolWorker;
  index: number;
}

export class KernelPool {
  private readonly slots: Slot[] = [];
  private readonly k: WasmKernels;
  private readonly ctrl: Int32Array;
  /** Generation of the last run (mod 2^16): the tag in the CLAIM word. */
  private tag = 0;
  /** Whether job i of the running run has finished. */
  private readonly isDone = (i: number): boolean => Atomics.load(this.ctrl, DONE_BASE + i) === 1;

  constructor(k: WasmKernels) {
    this.k = k;
    this.ctrl = new Int32Array(k.memory.buffer, CTRL_OFFSET, CTRL_WORDS);
    Atomics.store(this.ctrl, CLAIM_WORD, 0);
  }

  /** Start workers until there are `n` (lazily; they become ready asynchronously). */
  grow(n: number): void {
    if (host === null || !this.k.shared) return;
    while (this.slots.length < Math.min(n, MAX_SLOTS)) {
      const index = this.slots.length;
      const s = SLOT_BASE + index * SLOT_WORDS;
      Atomics.store(this.ctrl, s + 1, 0);
      const worker = host.spawn(WORKER_SOURCE);
      worker.post({
        module: this.k.module,
        memory: this.k.memory,
        ctrlOffset: CTRL_OFFSET,
        ctrlWords: CTRL_WORDS,
        slot: index,
        slotBase: SLOT_BASE,
        slotWords: SLOT_WORDS,
        jobBase: JOB_BASE,
        jobWords: JOB_WORDS,
        doneBase: DONE_BASE,
        kernels: JOB_KERNELS,
        claim: CLAIM_WORD,
        njobs: NJOBS_WORD,
        finished: FINISHED_WORD,
        error: ERROR_WORD,
        spin: WORKER_SPIN,
        scratch: { packBytes: PACK_BYTES, packABytes: PACK_A_BYTES, tmp: TMP_OFFSET },
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
   * Run `jobs` on this thread and on `workers` ready workers, which take them one at a time from
   * a shared counter (a late or slow thread takes fewer). The workers are woken first, then
   * `prepare` (which puts the operands in place) runs while they wake up; `done(job)` runs on
   * this thread after each job this thread ran, and then for every job the workers ran, once all
   * have finished; `progress` after each job this thread ran. Returns after all jobs have
   * finished, also when one throws.
   */
  run(jobs: Job[], workers: number, prepare?: () => void, done?: (j: Job) => void, progress?: Progress): void {
    const ctrl = this.ctrl;
    const n = jobs.length;
    if (n > MAX_JOBS) throw new RangeError(`pool: ${n} jobs exceed the control block's ${MAX_JOBS}`);
    const nw = Math.min(workers, this.ready(workers));
    const tag = (this.tag = (this.tag + 1) & 0xffff);
    for (let i = 0; i < n; i++) {
      const j = jobs[i]!;
      const b = JOB_BASE + i * JOB_WORDS;
      for (let a = 0; a < j.length; a++) ctrl[b + a] = j[a]!;
    }
    for (let i = 0; i < n; i++) ctrl[DONE_BASE + i] = 0;
    Atomics.store(ctrl, FINISHED_WORD, 0);
    Atomics.store(ctrl, ERROR_WORD, 0);
    Atomics.store(ctrl, NJOBS_WORD, n);
    for (let w = 0; w < nw; w++) {
      const s = SLOT_BASE + this.slots[w]!.index * SLOT_WORDS;
      Atomics.store(ctrl, s + 2, tag);
      Atomics.add(ctrl, s, 1);
      Atomics.notify(ctrl, s, 1);
    }
    let err: unknown = null;
    try {
      prepare?.();
    } catch (e) {
      err = e;
      // nothing to run: publish an empty run so that woken workers go back to sleep
      Atomics.store(ctrl, NJOBS_WORD, 0);
    }
    Atomics.store(ctrl, CLAIM_WORD, (tag << 16) | 0);
    const e = this.k.exports;
    const mine: boolean[] = new Array<boolean>(n).fill(false);
    let w = Atomics.load(ctrl, CLAIM_WORD);
    while ((w & 0xffff) < Atomics.load(ctrl, NJOBS_WORD)) {
      if (Atomics.compareExchange(ctrl, CLAIM_WORD, w, (w + 1) | 0) !== w) {
        w = Atomics.load(ctrl, CLAIM_WORD);
        continue;
      }
      const i = w & 0xffff;
      mine[i] = true;
      if (err === null) {
        try {
          runJob(e, jobs[i]!, 0);
          Atomics.store(ctrl, DONE_BASE + i, 1);
          done?.(jobs[i]!);
          progress?.(this.isDone);
        } catch (x) {
          err = x;
        }
      }
      Atomics.store(ctrl, DONE_BASE + i, 1);
      Atomics.add(ctrl, FINISHED_WORD, 1);
      w = Atomics.load(ctrl, CLAIM_WORD);
    }
    const total = Atomics.load(ctrl, NJOBS_WORD);
    let spins = 0;
    const block = host?.canBlock ?? false;
    for (;;) {
      const d = Atomics.load(ctrl, FINISHED_WORD);
      if (d >= total) break;
      if (block && ++spins > SPIN) Atomics.wait(ctrl, FINISHED_WORD, d, 50);
    }
    if (Atomics.load(ctrl, ERROR_WORD) !== 0) err ??= new Error('wasm kernels: a job failed on a worker thread');
    if (err !== null) throw err;
    if (done) for (let i = 0; i < n; i++) if (!mine[i]) done(jobs[i]!);
  }

  /** Stop all workers (the pool restarts lazily when needed). */
  shutdown(): void {
    for (const sl of this.slots) sl.worker.terminate();
    this.slots.length = 0;
  }
}
