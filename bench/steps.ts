/** Training-step timings: the two MLPs and the CNN, gradlab variants and TF.js backends. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VARIANTS } from './gradlab.js';
import { QUICK, inRound, slowOptions, timeBlock, warmUp, type Blocks, type MeasureOptions } from './measure.js';
import { STEP_CASES, tfStep } from './models.js';
import type { Row } from './table.js';
import type { TfHandle } from './tfjs.js';

export const SECTION = 'Training step (ms)';
/** The same steps' medians over all repetitions (the main table shows the lowest block median: measure.ts). */
export const SECTION_MEDIAN = 'Training step, median of all repetitions (ms)';

const CHILD = fileURLToPath(new URL('./step-child.ts', import.meta.url));

export const stepKey = (workload: string, impl: string): string => `${SECTION}|${workload}|${impl}`;

/** Why a configuration has no figure (first error seen), by key. */
const errors = new Map<string, string>();

/** Run step-child.ts for one block of one configuration and read its JSON line. */
function blockInChild(variant: number, kase: number): { times?: number[]; error?: string } {
  const args = ['--import', 'tsx', CHILD, String(variant), String(kase), ...(QUICK ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { times?: number[]; error?: string };
  } catch {
    return { error: `measurement process failed: ${(r.stderr || line).trim().split('\n').pop() ?? 'no output'}` };
  }
}

/** TF.js step closures, made once per backend and case (variables and all) and reused by every round. */
const tfSteps = new Map<string, () => void>();

/** One block of every step configuration (round r of the run). */
export async function stepsRound(r: number, acc: Blocks, tf: TfHandle | null): Promise<void> {
  // each gradlab configuration in a fresh process (step-child.ts), one after the other
  for (const [vi, v] of VARIANTS.entries()) {
    if (!v.available) continue;
    for (const [ci, c] of STEP_CASES.entries()) {
      const k = stepKey(c.name, v.name);
      if (!inRound(r, slowOptions(v.name.includes('portable') && c.width === 512)) || errors.has(k)) continue;
      const b = blockInChild(vi, ci);
      if (b.times) acc.add(k, b.times);
      else errors.set(k, b.error ?? 'no output');
    }
  }
  if (!tf) return;
  for (const b of tf.backends) {
    await tf.use(b);
    for (const c of STEP_CASES) {
      const k = stepKey(c.name, `TF.js ${b}`);
      // TF.js cpu needs seconds per CNN step: one per block, in three rounds
      const o: MeasureOptions =
        b === 'cpu' && c.kind === 'cnn' ? { warmup: 1, blocks: QUICK ? 1 : 3, minReps: 1, minTimeMs: 0 } : slowOptions(b === 'cpu' && c.width === 512);
      if (!inRound(r, o) || errors.has(k)) continue;
      try {
        let step = tfSteps.get(k);
        if (step === undefined) {
          step = tfStep(tf.tf, c);
          tfSteps.set(k, step);
          warmUp(step, o);
        }
        acc.add(k, timeBlock(step, o));
      } catch (e) {
        errors.set(k, `${c.name}: ${(e as Error).message.split('\n')[0]!.slice(0, 120)}`);
      }
    }
  }
}

/** The step tables (lowest block median, and median of all repetitions) of the given configurations. */
export function stepsRows(acc: Blocks, impls: string[]): Row[] {
  const rows: Row[] = [];
  for (const impl of impls)
    for (const c of STEP_CASES) {
      const k = stepKey(c.name, impl);
      const t = acc.timing(k);
      const note = errors.has(k) ? { note: errors.get(k)! } : {};
      if (!t && !errors.has(k)) continue;
      rows.push({ section: SECTION, workload: c.name, impl, value: t?.best ?? null, unit: 'ms', ...note });
      rows.push({ section: SECTION_MEDIAN, workload: c.name, impl, value: t?.median ?? null, unit: 'ms', ...note });
    }
  return rows;
}
