/**
 * Running the doctor on a scenario (`diagnose`, every step recorded), scoring its verdict, and
 * checking a remedy: applied with `applyRemedy` to a fresh copy of the broken scenario, then
 * diagnosed again — cured when the finding is gone and no new warning appeared.
 */
import { nn } from '../../src/index.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { applyRemedy } from '../../src/diagnostics/remedies/apply.js';
import type { Finding, FindingId, Remedy } from '../../src/diagnostics/detectors/types.js';
import { Probe } from '../../src/diagnostics/probe.js';
import { SeqNet } from './data.js';
import type { Capability, Scenario, Setup } from './types.js';

export async function doctorOn(s: Setup, clipGradNorm = s.clipGradNorm): Promise<Finding[]> {
  const { findings } = await diagnose(s.model, { data: s.data, lossFn: s.lossFn, optimizer: s.optimizer, steps: s.steps, ...(clipGradNorm !== undefined ? { clipGradNorm } : {}) });
  return findings;
}

/** Findings that count as a verdict (info is not one). */
export const raised = (fs: readonly Finding[]): FindingId[] => [...new Set(fs.filter((f) => f.severity !== 'info').map((f) => f.id))];

export interface Verdict {
  findings: Finding[];
  hits: FindingId[];
  misses: FindingId[];
  falseAlarms: FindingId[];
  checkError: string | null;
}

export async function judge(s: Scenario): Promise<Verdict> {
  const findings = await doctorOn(s.build());
  const ids = raised(findings);
  const ok = new Set([...s.expect, ...(s.allow ?? [])]);
  return {
    findings,
    hits: s.expect.filter((id) => ids.includes(id)),
    misses: s.expect.filter((id) => !ids.includes(id)),
    falseAlarms: ids.filter((id) => !ok.has(id)),
    checkError: s.check ? s.check(findings) : null,
  };
}

export interface CureResult {
  finding: FindingId;
  remedy: Remedy;
  cured: boolean;
  /** Still there after the remedy. */
  remains: boolean;
  /** Warnings that were not there before. */
  newWarnings: FindingId[];
}

/** Apply every structured remedy of the scenario's expected findings, one at a time, and re-diagnose. */
export async function cures(s: Scenario, findings: readonly Finding[]): Promise<CureResult[]> {
  const before = new Set(raised(findings));
  const out: CureResult[] = [];
  for (const f of findings) {
    if (!s.expect.includes(f.id)) continue;
    for (const r of f.remedies) {
      if (!r.action) continue;
      const fresh = s.build();
      const applied = applyRemedy(fresh.model, r.action, { optimizer: fresh.optimizer as never });
      const after = raised(await doctorOn(fresh, applied.clipGradNorm ?? fresh.clipGradNorm));
      const remains = after.includes(f.id);
      const newWarnings = after.filter((id) => !before.has(id));
      out.push({ finding: f.id, remedy: r, cured: !remains && newWarnings.length === 0, remains, newWarnings });
    }
  }
  return out;
}

/** Which of the doctor's newer abilities this tree has (scenarios that need a missing one are skipped). */
export function capabilities(): Set<Capability> {
  const caps = new Set<Capability>();
  if ((nn as Record<string, unknown>).LSTM && (nn as Record<string, unknown>).GRU) caps.add('lstm');
  // a functional activation and an RNN, watched for one step
  class F1 extends SeqNet {}
  const m = new F1(new nn.RNN(2, 4), 4);
  const probe = new Probe(m, { every: 1 });
  try {
    const x = new nn.Linear(2, 2).weight.detach().reshape([2, 1, 2]);
    const loss = (m.forward(x.tanh()) as ReturnType<typeof x.tanh>).sum();
    loss.backward();
    const rec = probe.step({ loss })!;
    if (rec.layers.some((l) => (l as { op?: string }).op !== undefined)) caps.add('functional');
    if (rec.layers.some((l) => (l as { timeGradNorm?: number[] }).timeGradNorm !== undefined)) caps.add('time');
    if ('nonFinite' in rec || rec.layers.some((l) => (l as { op?: string }).op !== undefined)) caps.add('origin');
  } finally {
    probe.detach();
  }
  return caps;
}
