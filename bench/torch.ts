/** PyTorch's figures, from bench/torch_bench.py run with /usr/bin/python3 (skipped if torch is missing). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CORES } from './gradlab.js';
import { QUICK } from './measure.js';
import type { Timing } from './measure.js';
import { SECTION as STEPS, SECTION_MEDIAN as STEPS_MEDIAN } from './steps.js';
import type { Row } from './table.js';

export interface TorchResult {
  rows: Row[];
  version: string | null;
  note: string | null;
}

const PY = '/usr/bin/python3';

export function benchTorch(): TorchResult {
  const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
  const threads = [...new Set([1, CORES])];
  const args = [script, ...(QUICK ? ['--quick'] : []), ...threads.flatMap((t) => ['--threads', String(t)])];
  const r = spawnSync(PY, args, { encoding: 'utf8', timeout: 20 * 60_000, maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr.includes("No module named 'torch'") ? 'torch is not installed (apt-get install python3-torch)' : r.stderr.trim().split('\n').at(-1));
    return { rows: [], version: null, note: `PyTorch skipped: ${why}` };
  }
  const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    torch: string;
    blas: string;
    runs: Record<string, { gemm: Record<string, number>; steps: Record<string, Timing> }>;
  };
  const rows: Row[] = [];
  for (const [t, run] of Object.entries(res.runs)) {
    const impl = `PyTorch·${t}`;
    for (const [w, v] of Object.entries(run.gemm)) rows.push({ section: 'GEMM (GFLOP/s)', workload: w, impl, value: v, unit: 'GFLOP/s' });
    for (const [w, v] of Object.entries(run.steps)) {
      rows.push({ section: STEPS, workload: w, impl, value: v.best, unit: 'ms' });
      rows.push({ section: STEPS_MEDIAN, workload: w, impl, value: v.median, unit: 'ms' });
    }
  }
  return { rows, version: `${res.torch}${res.blas ? ` (${res.blas})` : ''}`, note: null };
}
