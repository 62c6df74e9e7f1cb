/**
 * One block of one gradlab training-step configuration in a process of its own (run by steps.ts
 * once per round):
 *   tsx bench/step-child.ts <variant index> <case index> <round> [--quick]
 * warms up, then prints {"times": [ms, …]} (measure.ts: timeBlock) or {"error": message} as one
 * JSON line. A fresh process per configuration keeps each measurement free of the garbage-
 * collector heap and JIT state left by the others (as the PyTorch columns run in a Python process
 * of their own).
 */
import { VARIANTS } from './gradlab.js';
import { setQuick, slowOptions, timeBlock, warmUp } from './measure.js';
import { STEP_CASES, glStep } from './models.js';

setQuick(process.argv.includes('--quick'));
const v = VARIANTS[Number(process.argv[2])];
const c = STEP_CASES[Number(process.argv[3])];
if (!v || !c) throw new Error(`step-child: no variant ${process.argv[2]} or case ${process.argv[3]}`);
try {
  await v.setup();
  const step = glStep(c);
  const o = slowOptions(v.name.includes('portable') && c.width === 512);
  warmUp(step, o);
  console.log(JSON.stringify({ times: timeBlock(step, o) }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
process.exit(0);
