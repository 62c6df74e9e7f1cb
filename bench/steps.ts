/** Training-step timings: the two MLPs and the CNN, gradlab variants and TF.js backends. */
import { VARIANTS } from './gradlab.js';
import { QUICK, measureSync } from './measure.js';
import { STEP_CASES, glStep, tfStep } from './models.js';
import type { Row } from './table.js';
import type { TfHandle } from './tfjs.js';

const SECTION = 'Training step (ms)';

/** Fewer repetitions where one step takes long (portable and TF.js cpu on the wide MLP). */
const opts = (slow: boolean) => (slow ? { warmup: 1, minReps: QUICK ? 2 : 4, minTimeMs: 0 } : {});

export async function benchSteps(tf: TfHandle | null): Promise<Row[]> {
  const rows: Row[] = [];
  for (const v of VARIANTS) {
    if (!v.available) continue;
    await v.setup();
    for (const c of STEP_CASES) {
      try {
        const step = glStep(c);
        const ms = measureSync(step, opts(v.name.includes('portable') && c.width === 512));
        rows.push({ section: SECTION, workload: c.name, impl: v.name, value: ms, unit: 'ms' });
      } catch (e) {
        rows.push({ section: SECTION, workload: c.name, impl: v.name, value: null, unit: 'ms', note: (e as Error).message });
      }
    }
  }
  if (tf) {
    for (const b of tf.backends) {
      await tf.use(b);
      for (const c of STEP_CASES) {
        try {
          const step = tfStep(tf.tf, c);
          // TF.js cpu needs seconds per CNN step: fewer repetitions there
          const o = b === 'cpu' && c.kind === 'cnn' ? { warmup: 1, minReps: QUICK ? 1 : 3, minTimeMs: 0 } : opts(b === 'cpu' && c.width === 512);
          const ms = measureSync(step, o);
          rows.push({ section: SECTION, workload: c.name, impl: `TF.js ${b}`, value: ms, unit: 'ms' });
        } catch (e) {
          const msg = (e as Error).message.split('\n')[0]!.slice(0, 120);
          rows.push({ section: SECTION, workload: c.name, impl: `TF.js ${b}`, value: null, unit: 'ms', note: `${c.name}: ${msg}` });
        }
      }
    }
  }
  return rows;
}
