/**
 * The engine issue's check: the portable TypeScript engine against TF.js's `cpu` backend (both
 * single-threaded JavaScript) on the two MLP steps. The two are measured in alternating rounds
 * within one stretch of time, so that drift of this shared machine's speed (±30 % within
 * minutes) cannot favour either side; the figure is the median over rounds.
 */
import * as gl from '../src/index.js';
import { QUICK, median, timeBlock } from './measure.js';
import { STEP_CASES, glStep, tfStep } from './models.js';
import type { Row } from './table.js';
import type { TfHandle } from './tfjs.js';

const SECTION = 'Portable engine vs TF.js cpu, alternating rounds (ms)';

export async function benchEngineRatio(tf: TfHandle | null): Promise<Row[]> {
  if (!tf || !tf.backends.includes('cpu')) return [];
  const rows: Row[] = [];
  for (const c of STEP_CASES.filter((s) => s.kind === 'mlp')) {
    const wide = c.width === 512;
    const rounds = QUICK ? 2 : wide ? 5 : 9;
    const reps = wide ? 1 : 15;
    gl.setBackend('portable');
    gl.setNumThreads(1);
    const ours = glStep(c);
    await tf.use('cpu');
    const theirs = tfStep(tf.tf, c);
    for (let i = 0; i < 2; i++) {
      ours();
      theirs();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      a.push(median(timeBlock(ours, { minReps: reps, minTimeMs: 0 })));
      b.push(median(timeBlock(theirs, { minReps: reps, minTimeMs: 0 })));
    }
    rows.push(
      { section: SECTION, workload: c.name, impl: 'gradlab portable', value: median(a), unit: 'ms' },
      { section: SECTION, workload: c.name, impl: 'TF.js cpu', value: median(b), unit: 'ms' },
    );
  }
  return rows;
}
