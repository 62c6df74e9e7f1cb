/**
 * The probe's position (its step counter and its own generator), for checkpoints: a resumed run
 * must record the same steps and draw the same samples as an uninterrupted one. The Probe keeps
 * both private; they are read and written here, checked at run time so that a change to the
 * Probe shows up as a clear error instead of a silently different resumed record.
 */
import { GradlabError } from '../../tensor/errors.js';
import { Generator, type GeneratorState } from '../../tensor/rng.js';
import type { Probe } from '../../diagnostics/probe.js';
import type { StepRecord } from '../../diagnostics/record/types.js';

interface Internals {
  stepNo: number;
  gen: Generator;
}

function internals(p: Probe): Internals {
  const i = p as unknown as Internals;
  if (typeof i.stepNo !== 'number' || !(i.gen instanceof Generator))
    throw new GradlabError('resume', "this version's Probe keeps no step counter/generator where the lab expects them; checkpoints cannot capture it");
  return i;
}

export function probeState(p: Probe): { step: number; rng: GeneratorState } {
  const i = internals(p);
  return { step: i.stepNo, rng: i.gen.getState() };
}

export function restoreProbe(p: Probe, st: { step: number; rng: GeneratorState }, records: readonly StepRecord[]): void {
  const i = internals(p);
  i.stepNo = st.step;
  i.gen.setState(st.rng);
  p.records.push(...records);
}
