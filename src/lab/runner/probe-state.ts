/**
 * The probe's position (its step counter and its own generator), for checkpoints: a resumed run
 * must record the same steps and draw the same samples as an uninterrupted one. Read and written
 * through the Probe's public `getState()` / `setState()`.
 */
import type { Probe, ProbeState } from '../../diagnostics/probe.js';
import type { StepRecord } from '../../diagnostics/record/types.js';

export function probeState(p: Probe): ProbeState {
  return p.getState();
}

export function restoreProbe(p: Probe, st: ProbeState, records: readonly StepRecord[]): void {
  p.setState(st);
  p.records.push(...records);
}
