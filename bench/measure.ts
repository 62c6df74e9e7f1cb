/**
 * Timing helpers. The bench runs in rounds (run.ts): every round times one block of repetitions
 * of every configuration (gradlab, TF.js and PyTorch alike), so each configuration's blocks are
 * spread over the whole run. A figure is the lowest of its block medians (`best`); the median of
 * all its repetitions (`median`) is reported too.
 *
 * Why: the cores of this kind of shared virtual machine change speed for stretches of seconds to
 * minutes, as busy neighbours come and go; a fixed arithmetic loop shows it (`steadiness` below,
 * printed in RESULTS.md). Timed back to back, a configuration's figure would depend on when it
 * happened to run. With its blocks in every round, each configuration meets the machine's fast
 * and slow stretches alike, and its lowest block median (Python's timeit reports the lowest of
 * its repeats for the same reason) is the speed of the code on an undisturbed core.
 */
export interface MeasureOptions {
  /** warm-up calls at least */
  warmup?: number;
  /** and warm-up time at least (ms): the JIT and WebAssembly tier-up need a moment, not a count */
  warmupMs?: number;
  /** blocks of repetitions (each gives a median) */
  blocks?: number;
  /** at least this many timed repetitions per block */
  minReps?: number;
  /** and keep going until this much time was spent in the block (ms) */
  minTimeMs?: number;
  /** at most this many repetitions per block */
  maxReps?: number;
}

/** Milliseconds per call. */
export interface Timing {
  /** the lowest of the block medians */
  best: number;
  /** the median of all repetitions */
  median: number;
}

export let QUICK = false;
export function setQuick(q: boolean): void {
  QUICK = q;
}

/** Pause between blocks (ms), so that they sample different moments. */
const PAUSE_MS = 150;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Options for a configuration whose step takes long (portable and TF.js cpu on the wide MLP): fewer repetitions. */
export function slowOptions(slow: boolean): MeasureOptions {
  return slow ? { warmup: 1, warmupMs: 0, blocks: 2, minReps: QUICK ? 1 : 2, minTimeMs: 0 } : {};
}

interface Plan {
  warmup: number;
  warmupMs: number;
  blocks: number;
  minReps: number;
  minTime: number;
  maxReps: number;
}

function plan(o: MeasureOptions): Plan {
  return {
    warmup: o.warmup ?? (QUICK ? 2 : 5),
    warmupMs: o.warmupMs ?? 500,
    blocks: o.blocks ?? (QUICK ? 2 : 5),
    minReps: o.minReps ?? (QUICK ? 3 : 5),
    minTime: o.minTimeMs ?? (QUICK ? 100 : 300),
    maxReps: o.maxReps ?? 2000,
  };
}

export function summary(blocks: number[][]): Timing {
  return { best: Math.min(...blocks.map(median)), median: median(blocks.flat()) };
}

/** Warm a configuration up (once, before its first block): `warmup` calls and `warmupMs` at least. */
export function warmUp(fn: () => void, o: MeasureOptions = {}): void {
  const p = plan(o);
  const t0 = performance.now();
  for (let i = 0; i < p.warmup || performance.now() - t0 < p.warmupMs; i++) fn();
}

/** One block: per-call milliseconds of fn, at least minReps calls and minTimeMs (no warm-up). */
export function timeBlock(fn: () => void, o: MeasureOptions = {}): number[] {
  const p = plan(o);
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < p.maxReps && (ts.length < p.minReps || performance.now() - t0 < p.minTime)) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return ts;
}

/** Blocks of per-call times by configuration, gathered over the rounds of a run. */
export class Blocks {
  private readonly m = new Map<string, number[][]>();
  add(key: string, times: number[]): void {
    let l = this.m.get(key);
    if (l === undefined) this.m.set(key, (l = []));
    l.push(times);
  }
  has(key: string): boolean {
    return this.m.has(key);
  }
  timing(key: string): Timing | null {
    const l = this.m.get(key);
    return l === undefined || l.length === 0 ? null : summary(l);
  }
}

/** Rounds of a run (each configuration times one block per round). */
export function rounds(): number {
  return QUICK ? 2 : 5;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Per-call milliseconds of a synchronous function. */
export function measureSync(fn: () => void, o: MeasureOptions = {}): Timing {
  const p = plan(o);
  warmUp(fn, o);
  const blocks: number[][] = [];
  for (let b = 0; b < p.blocks; b++) {
    if (b > 0) Atomics.wait(sleeper, 0, 0, PAUSE_MS);
    blocks.push(timeBlock(fn, o));
  }
  return summary(blocks);
}

/**
 * How steady the cores were: a fixed arithmetic loop (about 1 ms) timed in 12 blocks of 40 ms;
 * returns the fastest and slowest block medians (ms). On an undisturbed core the two agree within
 * a few per cent.
 */
export function steadiness(): { fastest: number; slowest: number } {
  const a = new Float64Array(4096);
  for (let i = 0; i < a.length; i++) a[i] = (i % 17) / 17;
  let sink = 0;
  const work = (): void => {
    let s = 0;
    for (let k = 0; k < 64; k++) for (let i = 0; i < a.length; i++) s += a[i]! * a[(i * 7 + k) & 4095]!;
    sink += s;
  };
  for (let i = 0; i < 20; i++) work();
  const meds: number[] = [];
  for (let b = 0; b < 12; b++) {
    const ts: number[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < 40) {
      const s = performance.now();
      work();
      ts.push(performance.now() - s);
    }
    meds.push(median(ts));
    Atomics.wait(sleeper, 0, 0, 20);
  }
  if (sink === -1) console.log('unreachable: keeps the loop from being optimised away');
  return { fastest: Math.min(...meds), slowest: Math.max(...meds) };
}
