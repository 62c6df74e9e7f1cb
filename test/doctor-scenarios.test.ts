/**
 * The doctor's scenario suite (test/scenarios): broken networks must get their finding, healthy
 * standard recipes no warning at all. Each scenario's verdict is first justified by a measurement
 * made here without the doctor (retained gradients, saturation and dead shares, loss curves,
 * update sizes, the first non-finite step). Scenarios that need a part of the doctor this tree
 * does not have yet (tape-level observation, RNN time profiles, nn.LSTM) are skipped, saying why.
 */
import { describe, expect, it } from 'vitest';
import { BROKEN, HEALTHY } from './scenarios/index.js';
import { capabilities, judge } from './scenarios/run.js';
import { backs } from './scenarios/measure.js';
import type { Scenario } from './scenarios/types.js';

const caps = capabilities();
const missing = (s: Scenario) => (s.needs ?? []).filter((c) => !caps.has(c));

function suite(title: string, list: readonly Scenario[]) {
  describe(title, () => {
    for (const s of list) {
      const lack = missing(s);
      if (lack.length > 0) {
        it.skip(`${s.name} — needs ${lack.join(', ')}`, () => {});
        continue;
      }
      if (s.knownIssue) {
        it.skip(`${s.name} — known issue: ${s.knownIssue}`, () => {});
        continue;
      }
      it(s.name, async () => {
        const m = s.measure();
        expect(m.supports, `${s.name}: the measurement does not support the verdict (${m.claim}): ${JSON.stringify(m.values)}`).toBe(true);
        const v = await judge(s);
        const got = v.findings.map((f) => `${f.id}:${f.severity}`).join(', ') || 'nothing';
        expect(v.misses, `${s.name}: missed (doctor said: ${got})`).toEqual([]);
        expect(v.falseAlarms, `${s.name}: false alarm (doctor said: ${got})`).toEqual([]);
        expect(v.checkError, s.name).toBeNull();
        // a finding allowed as a consequence is backed by its own measurement (learning-rate consequences excepted)
        for (const f of v.findings)
          if (!s.expect.includes(f.id) && f.evidence.cause !== 'learning-rate') {
            const b = backs(() => s.build(), f.id);
            if (b) expect(b.holds, `${s.name}: ${f.id} is raised, but measured ${b.value}`).toBe(true);
          }
        for (const f of v.findings) {
          // every finding names its layers, by path and by depth
          if (f.layers.length > 0 && f.id !== 'non-finite') expect(f.evidence.layerDepths, `${s.name}: ${f.id} has no depths`).toBeDefined();
          expect(f.message, `${s.name}: ${f.id}`).not.toMatch(/(?<![\w/])NaN(?![\w/])|undefined/);
          for (const r of f.remedies) expect(`${r.text} ${r.code ?? ''}`, `${s.name}: ${f.id}`).not.toMatch(/\bNaN\b|undefined|mlp\(\{ \.\.\.options/);
        }
      });
    }
  });
}

describe('the scenario suite', () => {
  it('has at least 25 broken scenarios and 20 healthy recipes', () => {
    expect(BROKEN.length).toBeGreaterThanOrEqual(25);
    expect(HEALTHY.length).toBeGreaterThanOrEqual(20);
  });
  it('covers every detector', () => {
    const covered = new Set(BROKEN.flatMap((s) => s.expect));
    for (const id of ['vanishing-gradients', 'exploding-gradients', 'saturation', 'dead-units', 'activation-collapse', 'activation-explosion', 'broken-symmetry', 'update-ratio-high', 'update-ratio-low', 'non-finite', 'vanishing-through-time', 'exploding-through-time'] as const)
      expect(covered.has(id), id).toBe(true);
  });
});

suite('broken networks: the doctor names what is wrong', BROKEN);
suite('healthy standard recipes: no warning', HEALTHY);
