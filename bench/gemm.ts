/** GEMM throughput: square sizes and the GEMMs of the MLP steps (forward, input grad, weight grad). */
import * as gl from '../src/index.js';
import { VARIANTS } from './gradlab.js';
import { QUICK, inRound, timeBlock, warmUp, type Blocks, type MeasureOptions } from './measure.js';
import type { Row } from './table.js';
import type { TfHandle } from './tfjs.js';

export interface GemmCase {
  name: string;
  M: number;
  N: number;
  K: number;
  ta: boolean;
  tb: boolean;
}

export const GEMM_CASES: GemmCase[] = [
  ...[128, 256, 512, 1024].map((n) => ({ name: `${n}²`, M: n, N: n, K: n, ta: false, tb: false })),
  { name: 'MLP512 fwd 128×512×512 NT', M: 128, N: 512, K: 512, ta: false, tb: true },
  { name: 'MLP512 dX 128×512×512 NN', M: 128, N: 512, K: 512, ta: false, tb: false },
  { name: 'MLP512 dW 512×512×128 TN', M: 512, N: 512, K: 128, ta: true, tb: false },
  { name: 'MLP512 in 128×512×784 NT', M: 128, N: 512, K: 784, ta: false, tb: true },
  { name: 'MLP64 in 32×64×784 NT', M: 32, N: 64, K: 784, ta: false, tb: true },
  { name: 'MLP64 hid 32×64×64 NT', M: 32, N: 64, K: 64, ta: false, tb: true },
];

export const SECTION = 'GEMM (GFLOP/s)';

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

const gflops = (c: GemmCase, ms: number): number => (2 * c.M * c.N * c.K) / (ms * 1e6);
const cases = (): GemmCase[] => (QUICK ? GEMM_CASES.filter((c) => c.M !== 1024) : GEMM_CASES);
const key = (c: GemmCase, impl: string): string => `${SECTION}|${c.name}|${impl}`;

/** Products of over 2^26 multiply-adds take seconds in plain JavaScript: one call per block, two rounds. */
const SLOW: MeasureOptions = { warmup: 1, blocks: 2, minReps: 1, minTimeMs: 0 };

/** Operands per case, made once and reused by every round. */
const operands = new Map<GemmCase, { A: Float32Array; B: Float32Array; C: Float32Array }>();
function operandsOf(c: GemmCase): { A: Float32Array; B: Float32Array; C: Float32Array } {
  let o = operands.get(c);
  if (o === undefined) operands.set(c, (o = { A: rand(c.M * c.K), B: rand(c.K * c.N), C: new Float32Array(c.M * c.N) }));
  return o;
}

/** Time one block of every configuration (round r of the run; round 0 also warms each up). */
export async function gemmRound(r: number, acc: Blocks, tf: TfHandle | null): Promise<void> {
  const run = (k: string, fn: () => void, o: MeasureOptions): void => {
    if (!inRound(r, o)) return;
    if (r === 0) warmUp(fn, o);
    acc.add(k, timeBlock(fn, o));
  };
  for (const v of VARIANTS) {
    if (!v.available) continue;
    await v.setup();
    const be = gl.backend();
    for (const c of cases()) {
      const { A, B, C } = operandsOf(c);
      const o = v.name.includes('portable') && c.M * c.N * c.K > 1 << 26 ? SLOW : {};
      run(key(c, v.name), () => be.gemm(c.ta, c.tb, c.M, c.N, c.K, A, 0, B, 0, C, 0, false), o);
    }
  }
  if (!tf) return;
  for (const name of tf.backends) {
    await tf.use(name);
    for (const c of cases()) {
      const t = tf.tf;
      const { A, B } = operandsOf(c);
      const a = t.tensor2d(A, c.ta ? [c.K, c.M] : [c.M, c.K]);
      const b = t.tensor2d(B, c.tb ? [c.N, c.K] : [c.K, c.N]);
      const o = name === 'cpu' && c.M * c.N * c.K > 1 << 26 ? SLOW : {};
      run(key(c, `TF.js ${name}`), () => {
        const y = t.matMul(a, b, c.ta, c.tb);
        y.dataSync();
        y.dispose();
      }, o);
      a.dispose();
      b.dispose();
    }
  }
}

/** The GEMM rows of the given configurations: GFLOP/s from each one's lowest block median. */
export function gemmRows(acc: Blocks, impls: string[]): Row[] {
  const rows: Row[] = [];
  for (const impl of impls)
    for (const c of cases()) {
      const t = acc.timing(key(c, impl));
      if (t) rows.push({ section: SECTION, workload: c.name, impl, value: gflops(c, t.best), unit: 'GFLOP/s' });
    }
  return rows;
}

export { key as gemmKey };
