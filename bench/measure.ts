/**
 * Timing helpers. The repetitions after warm-up run in a few blocks with short pauses between
 * them; each measurement reports the lowest block median (`best`) and the median of all
 * repetitions (`median`).
 *
 * Why blocks: the cores of this kind of shared virtual machine run at two speeds for stretches of
 * seconds, as busy neighbours come and go; a fixed arithmetic loop shows it (`steadiness` below,
 * printed in RESULTS.md). A single median then depends on when a configuration happened to run.
 * The lowest block median (Python's timeit reports the lowest of its repeats for the same reason)
 * is the speed of the code on an undisturbed core; every library is measured this way, PyTorch
 * by the same rule in torch_bench.py.
 */
export interface MeasureOptions {
  warmup?: number;
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
  return slow ? { warmup: 1, blocks: 2, minReps: QUICK ? 1 : 2, minTimeMs: 0 } : {};
}

interface Plan {
  warmup: number;
  blocks: number;
  minReps: number;
  minTime: number;
  maxReps: number;
}

function plan(o: MeasureOptions): Plan {
  return {
    warmup: o.warmup ?? (QUICK ? 2 : 5),
    blocks: o.blocks ?? (QUICK ? 2 : 5),
    minReps: o.minReps ?? (QUICK ? 3 : 5),
    minTime: o.minTimeMs ?? (QUICK ? 100 : 300),
    maxReps: o.maxReps ?? 2000,
  };
}

function summary(blocks: number[][]): Timing {
  return { best: Math.min(...blocks.map(median)), median: median(blocks.flat()) };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Per-call milliseconds of a synchronous function. */
export function measureSync(fn: () => void, o: MeasureOptions = {}): Timing {
  const p = plan(o);
  for (let i = 0; i < p.warmup; i++) fn();
  const blocks: number[][] = [];
  for (let b = 0; b < p.blocks; b++) {
    if (b > 0) Atomics.wait(sleeper, 0, 0, PAUSE_MS);
    const ts: number[] = [];
    const t0 = performance.now();
    while (ts.length < p.maxReps && (ts.length < p.minReps || performance.now() - t0 < p.minTime)) {
      const t = performance.now();
      fn();
      ts.push(performance.now() - t);
    }
    blocks.push(ts);
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
