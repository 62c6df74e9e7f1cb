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
  /** in how many of the run's rounds the configuration times a block (default: all) */
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
  minReps: number;
  minTime: number;
  maxReps: number;
}

function plan(o: MeasureOptions): Plan {
  return {
    warmup: o.warmup ?? (QUICK ? 2 : 5),
    warmupMs: o.warmupMs ?? 500,
    minReps: o.minReps ?? (QUICK ? 3 : 5),
    minTime: o.minTimeMs ?? (QUICK ? 100 : 300),
    maxReps: o.maxReps ?? 2000,
  };
}

function summary(blocks: number[][]): Timing {
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
  timing(key: string): Timing | null {
    const l = this.m.get(key);
    return l === undefined || l.length === 0 ? null : summary(l);
  }
}

/** Rounds of a run (each configuration times one block per round). */
export function rounds(): number {
  return QUICK ? 2 : 5;
}

/** Whether a configuration with options `o` times a block in round r (slow ones only in the first). */
export function inRound(r: number, o: MeasureOptions): boolean {
  return r < (o.blocks ?? rounds());
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

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
  warmUp(work, { warmup: 20, warmupMs: 0 });
  const meds: number[] = [];
  for (let b = 0; b < 12; b++) {
    meds.push(median(timeBlock(work, { minReps: 1, minTimeMs: 40 })));
    Atomics.wait(sleeper, 0, 0, 20);
  }
  if (sink === -1) console.log('unreachable: keeps the loop from being optimised away');
  return { fastest: Math.min(...meds), slowest: Math.max(...meds) };
}
