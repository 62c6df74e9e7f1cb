/** GEMM throughput: square sizes and the GEMMs of the MLP steps (forward, input grad, weight grad). */
import * as gl from '../src/index.js';
import { VARIANTS } from './gradlab.js';
import { QUICK, measureSync } from './measure.js';
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

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

const gflops = (c: GemmCase, ms: number): number => (2 * c.M * c.N * c.K) / (ms * 1e6);

export async function benchGemm(tf: TfHandle | null): Promise<Row[]> {
  const rows: Row[] = [];
  const section = 'GEMM (GFLOP/s)';
  const cases = QUICK ? GEMM_CASES.filter((c) => c.M !== 1024) : GEMM_CASES;
  for (const v of VARIANTS) {
    if (!v.available) continue;
    await v.setup();
    for (const c of cases) {
      const A = rand(c.M * c.K);
      const B = rand(c.K * c.N);
      const C = new Float32Array(c.M * c.N);
      const be = gl.backend();
      const slow = v.name.includes('portable') && c.M * c.N * c.K > 1 << 26;
      const ms = measureSync(() => be.gemm(c.ta, c.tb, c.M, c.N, c.K, A, 0, B, 0, C, 0, false), slow ? { warmup: 1, blocks: 2, minReps: 1, minTimeMs: 0 } : {}).best;
      rows.push({ section, workload: c.name, impl: v.name, value: gflops(c, ms), unit: 'GFLOP/s' });
    }
  }
  if (tf) {
    for (const name of tf.backends) {
      await tf.use(name);
      for (const c of cases) {
        const t = tf.tf;
        const a = t.tensor2d(rand(c.M * c.K), c.ta ? [c.K, c.M] : [c.M, c.K]);
        const b = t.tensor2d(rand(c.K * c.N), c.tb ? [c.N, c.K] : [c.K, c.N]);
        const slow = name === 'cpu' && c.M * c.N * c.K > 1 << 26;
        const ms = measureSync(() => {
          const y = t.matMul(a, b, c.ta, c.tb);
          y.dataSync();
          y.dispose();
        }, slow ? { warmup: 1, blocks: 2, minReps: 1, minTimeMs: 0 } : {}).best;
        a.dispose();
        b.dispose();
        rows.push({ section, workload: c.name, impl: `TF.js ${name}`, value: gflops(c, ms), unit: 'GFLOP/s' });
      }
    }
  }
  return rows;
}
