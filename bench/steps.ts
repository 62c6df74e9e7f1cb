/** Training-step timings: the two MLPs and the CNN, gradlab variants and TF.js backends. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VARIANTS } from './gradlab.js';
import { QUICK, measureSync, slowOptions, type Timing } from './measure.js';
import { STEP_CASES, tfStep } from './models.js';
import type { Row } from './table.js';
import type { TfHandle } from './tfjs.js';

export const SECTION = 'Training step (ms)';
/** The same steps' medians over all repetitions (the main table shows the lowest block median: measure.ts). */
export const SECTION_MEDIAN = 'Training step, median of all repetitions (ms)';

const CHILD = fileURLToPath(new URL('./step-child.ts', import.meta.url));

/** Run step-child.ts for one configuration and read its JSON line. */
function measureInChild(variant: number, kase: number): Partial<Timing> & { error?: string } {
  const args = ['--import', 'tsx', CHILD, String(variant), String(kase), ...(QUICK ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Partial<Timing> & { error?: string };
  } catch {
    return { error: `measurement process failed: ${(r.stderr || line).trim().split('\n').pop() ?? 'no output'}` };
  }
}


export async function benchSteps(tf: TfHandle | null): Promise<Row[]> {
  const rows: Row[] = [];
  // each gradlab configuration in a fresh process (step-child.ts), one after the other
  for (const [vi, v] of VARIANTS.entries()) {
    if (!v.available) continue;
    for (const [ci, c] of STEP_CASES.entries()) {
      const r = measureInChild(vi, ci);
      const note = r.error ? { note: r.error } : {};
      rows.push({ section: SECTION, workload: c.name, impl: v.name, value: r.best ?? null, unit: 'ms', ...note });
      rows.push({ section: SECTION_MEDIAN, workload: c.name, impl: v.name, value: r.median ?? null, unit: 'ms', ...note });
    }
  }
  if (tf) {
    for (const b of tf.backends) {
      await tf.use(b);
      for (const c of STEP_CASES) {
        try {
          const step = tfStep(tf.tf, c);
          // TF.js cpu needs seconds per CNN step: fewer repetitions there
          const o = b === 'cpu' && c.kind === 'cnn' ? { warmup: 1, blocks: QUICK ? 1 : 3, minReps: 1, minTimeMs: 0 } : slowOptions(b === 'cpu' && c.width === 512);
          const t = measureSync(step, o);
          rows.push({ section: SECTION, workload: c.name, impl: `TF.js ${b}`, value: t.best, unit: 'ms' });
          rows.push({ section: SECTION_MEDIAN, workload: c.name, impl: `TF.js ${b}`, value: t.median, unit: 'ms' });
        } catch (e) {
          const msg = (e as Error).message.split('\n')[0]!.slice(0, 120);
          for (const section of [SECTION, SECTION_MEDIAN]) rows.push({ section, workload: c.name, impl: `TF.js ${b}`, value: null, unit: 'ms', note: `${c.name}: ${msg}` });
        }
      }
    }
  }
  return rows;
}
