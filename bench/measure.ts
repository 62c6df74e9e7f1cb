/** Timing helpers: median wall time per call after warm-up. */
export interface MeasureOptions {
  warmup?: number;
  /** at least this many timed repetitions */
  minReps?: number;
  /** and keep going until this much time was spent (ms) */
  minTimeMs?: number;
  maxReps?: number;
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
  return slow ? { warmup: 1, minReps: QUICK ? 2 : 4, minTimeMs: 0 } : {};
}

/** Median milliseconds per call of a synchronous function. */
export function measureSync(fn: () => void, o: MeasureOptions = {}): number {
  const warmup = o.warmup ?? (QUICK ? 2 : 5);
  const minReps = o.minReps ?? (QUICK ? 3 : 10);
  const minTime = o.minTimeMs ?? (QUICK ? 150 : 1000);
  const maxReps = o.maxReps ?? 2000;
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < maxReps && (ts.length < minReps || performance.now() - t0 < minTime)) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** Median milliseconds per call of an async function. */
export async function measureAsync(fn: () => Promise<void>, o: MeasureOptions = {}): Promise<number> {
  const warmup = o.warmup ?? (QUICK ? 2 : 5);
  const minReps = o.minReps ?? (QUICK ? 3 : 10);
  const minTime = o.minTimeMs ?? (QUICK ? 150 : 1000);
  const maxReps = o.maxReps ?? 2000;
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < maxReps && (ts.length < minReps || performance.now() - t0 < minTime)) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}
