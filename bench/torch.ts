/**
 * PyTorch's figures, from bench/torch_bench.py run with /usr/bin/python3 once per round (skipped
 * with a note if torch is missing). Each run times one block of every workload on 1 and on all
 * threads; the blocks go into the run's collection like every other configuration's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gemmKey, GEMM_CASES } from './gemm.js';
import { CORES } from './gradlab.js';
import { QUICK, type Blocks } from './measure.js';
import { stepKey } from './steps.js';

const PY = '/usr/bin/python3';

export const TORCH_THREADS = [...new Set([1, CORES])];
export const torchImpl = (t: number): string => `PyTorch·${t}`;

export interface TorchState {
  /** the version and BLAS, once a run succeeded */
  version: string | null;
  /** why PyTorch was skipped (then no further rounds are tried) */
  note: string | null;
}

/** One round: run the script, add its blocks to `acc`. */
export function torchRound(acc: Blocks, state: TorchState): void {
  if (state.note !== null) return;
  const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
  const args = [script, '--blocks', '1', ...(QUICK ? ['--quick'] : []), ...TORCH_THREADS.flatMap((t) => ['--threads', String(t)])];
  const r = spawnSync(PY, args, { encoding: 'utf8', timeout: 20 * 60_000, maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr.includes("No module named 'torch'") ? 'torch is not installed (apt-get install python3-torch)' : r.stderr.trim().split('\n').at(-1));
    state.note = `PyTorch skipped: ${why}`;
    return;
  }
  const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    torch: string;
    blas: string;
    runs: Record<string, { gemm: Record<string, number[][]>; steps: Record<string, number[][]> }>;
  };
  state.version = `${res.torch}${res.blas ? ` (${res.blas})` : ''}`;
  for (const [t, run] of Object.entries(res.runs)) {
    const impl = torchImpl(Number(t));
    for (const [w, blocks] of Object.entries(run.gemm)) {
      const c = GEMM_CASES.find((g) => g.name === w);
      if (c) for (const b of blocks) acc.add(gemmKey(c, impl), b);
    }
    for (const [w, blocks] of Object.entries(run.steps)) for (const b of blocks) acc.add(stepKey(w, impl), b);
  }
}
