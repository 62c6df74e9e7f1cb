/**
 * One gradlab training-step measurement in a process of its own (run by steps.ts):
 *   tsx bench/step-child.ts <variant index> <case index> [--quick]
 * prints {"best": ms, "median": ms} (measure.ts) or {"error": message} as one JSON line. A fresh process per
 * configuration keeps each measurement free of the garbage-collector heap and JIT state left by
 * the others (as the PyTorch columns run in a Python process of their own).
 */
import { VARIANTS } from './gradlab.js';
import { measureSync, setQuick, slowOptions } from './measure.js';
import { STEP_CASES, glStep } from './models.js';

setQuick(process.argv.includes('--quick'));
const v = VARIANTS[Number(process.argv[2])];
const c = STEP_CASES[Number(process.argv[3])];
if (!v || !c) throw new Error(`step-child: no variant ${process.argv[2]} or case ${process.argv[3]}`);
try {
  await v.setup();
  const step = glStep(c);
  const slow = v.name.includes('portable') && c.width === 512;
  console.log(JSON.stringify(measureSync(step, slowOptions(slow))));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
process.exit(0);
