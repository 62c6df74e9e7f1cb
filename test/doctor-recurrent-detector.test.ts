/**
 * The through-time detector on records written by hand (the numbers are the math of a geometric
 * profile, not the doctor's): which profile it reads, its per-step factor, the fallback for
 * records without a profile, and its thresholds as user options.
 */
import { describe, expect, it } from 'vitest';
import { runDetectors, DEFAULT_THRESHOLDS } from '../src/diagnostics/detectors/index.js';
import type { LayerRecord, StepRecord } from '../src/diagnostics/record/types.js';

const T = 12;
const steps = Array.from({ length: T }, (_, t) => t);
/** A profile that is 1 at the last step and shrinks (or grows) by `f` per step back in time. */
const geometric = (f: number, first = f): number[] => steps.map((t) => (t === T - 1 ? 1 : first * f ** (T - 2 - t)));

function rec(step: number, rnn: Partial<LayerRecord>, loss = 1): StepRecord {
  const layers: LayerRecord[] = [
    { name: 'rnn', type: 'LSTM', kind: 'recurrent', index: 0, calls: 1, timeSteps: steps, ...rnn },
    { name: 'head', type: 'Linear', kind: 'linear', index: 1, calls: 1 },
  ];
  return { type: 'step', step, loss, lr: [1e-3], gradNorm: 1, gradNormClipped: 1, layers, params: [] };
}

const ids = (rs: StepRecord[], o = {}) => runDetectors(rs, o).map((f) => f.id);

describe('through-time detector', () => {
  it('reads the latest Jacobian profile even when it lies outside the window (Jacobian steps are rare)', () => {
    // step 0 has the Jacobian profile (0.55 per step: 0.55¹¹ ≈ 1.4e-3); steps 1–5 only gradients that say nothing
    const rs = [rec(0, { timeJacobian: geometric(0.55) }), ...[1, 2, 3, 4, 5].map((s) => rec(s, { timeGradNorm: steps.map(() => 1) }))];
    const f = runDetectors(rs).find((x) => x.id === 'vanishing-through-time')!;
    expect(f).toBeDefined();
    expect(f.evidence.measure).toBe('jacobian');
    expect(f.evidence.ratio as number).toBeCloseTo(0.55 ** 11, 6);
  });

  it('per-step factor: the median of the step-to-step factors, so one odd step (an LSTM readout) does not move it', () => {
    // 0.85 per step through the cell state, but the last step back (h_T → h_{T−1}) is a readout of 0.1
    const healthy = rec(0, { timeJacobian: geometric(0.85, 0.1) });
    expect(ids([healthy])).not.toContain('vanishing-through-time');
    const broken = rec(0, { timeJacobian: geometric(0.55, 0.1) });
    const f = runDetectors([broken]).find((x) => x.id === 'vanishing-through-time')!;
    expect(f.evidence.perStepFactor as number).toBeCloseTo(0.55, 6);
    expect(f.evidence.gated).toBe('yes');
  });

  it('records without a profile (other producers): the output growing through time is the sign, as exploding-through-time', () => {
    const growing = rec(0, { type: 'RNN', timeRms: steps.map((t) => 0.1 * 1.6 ** t) });
    const fs = runDetectors([growing]);
    expect(fs.map((f) => f.id)).toEqual(['exploding-through-time']);
    expect(fs[0]!.evidence.measure).toBe('output');
    expect(fs[0]!.evidence.perStepFactor as number).toBeCloseTo(1.6, 6);
    // a profile, when there is one, decides: a growing output next to a flat Jacobian profile is no finding
    expect(ids([rec(0, { type: 'RNN', timeRms: steps.map((t) => 0.1 * 1.6 ** t), timeJacobian: steps.map(() => 1) })])).toEqual([]);
  });

  it('its thresholds are options like the others: set, switched off, bad keys refused', () => {
    const r = rec(0, { timeJacobian: geometric(0.8) }); // 0.8¹⁰ ≈ 0.107: healthy by default
    expect(DEFAULT_THRESHOLDS.recurrent.vanishingRatio).toBe(1e-2);
    expect(ids([r])).not.toContain('vanishing-through-time');
    expect(ids([r], { recurrent: { vanishingRatio: 0.2, vanishingPerStep: 0.9 } })).toContain('vanishing-through-time');
    expect(ids([rec(0, { timeJacobian: geometric(0.5) })], { recurrent: false })).not.toContain('vanishing-through-time');
    expect(ids([rec(0, { timeJacobian: geometric(0.5) })], { recurrent: { minSpan: 20 } })).not.toContain('vanishing-through-time');
    expect(() => runDetectors([r], { recurrent: { ratio: 0.1 } as never })).toThrow(/recurrent\.ratio is not a threshold/);
  });
});
