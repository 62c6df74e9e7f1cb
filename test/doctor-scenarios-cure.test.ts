/**
 * Remedies that cure: every structured remedy the doctor offers for a broken scenario's expected
 * finding is applied with `applyRemedy` to a fresh copy of the scenario, which is diagnosed again:
 * the finding must be gone and no new warning may appear (docs/doctor.md, remedy-cure table).
 */
import { describe, expect, it } from 'vitest';
import { BROKEN } from './scenarios/index.js';
import { capabilities, cures, judge } from './scenarios/run.js';

const caps = capabilities();

describe('every offered remedy cures its broken scenario', () => {
  for (const s of BROKEN) {
    const lack = (s.needs ?? []).filter((c) => !caps.has(c));
    if (lack.length > 0 || s.knownIssue) {
      it.skip(`${s.name} — ${lack.length ? `needs ${lack.join(', ')}` : 'known issue'}`, () => {});
      continue;
    }
    it(s.name, async () => {
      const v = await judge(s);
      const results = await cures(s, v.findings);
      for (const r of results)
        expect(r.cured, `${s.name}: ${r.finding} — ${JSON.stringify(r.remedy.action)} ${r.remains ? 'leaves it' : ''} ${r.newWarnings.length ? `adds ${r.newWarnings.join(', ')}` : ''}`).toBe(true);
    });
  }
});
