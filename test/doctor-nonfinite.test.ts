/**
 * The non-finite origin across the doctor: a step where the tape saw a NaN/Inf made ends the
 * records the other detectors judge (even when a later op masked the value), and the finding's
 * words use what the tape knows — the op, the module, the pass, what was non-finite first — in
 * English and French.
 */
import { describe, expect, it } from 'vitest';
import { F, Module, Tensor, manualSeed, mseLoss, nn, optim, randn } from '../src/index.js';
import { Probe } from '../src/diagnostics/probe.js';
import { runDetectors } from '../src/diagnostics/detectors/index.js';
import { hasNonFinite } from '../src/diagnostics/detectors/series.js';
import { explain } from '../src/diagnostics/explain/index.js';
import type { RawFinding } from '../src/diagnostics/detectors/types.js';
import type { LayerRecord, StepRecord } from '../src/diagnostics/record/types.js';

/** A user layer whose exp overflows at its `at`-th call; the clamp then hides the Inf from every statistic. */
class Masked extends Module {
  calls = 0;
  constructor(readonly at: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (this.calls++ !== this.at) return F.tanh(x);
    return F.tanh(x).add(x.sub(x.detach()).add(200).exp().clamp({ max: 0 }));
  }
}

function step(s: number, tanh: Partial<LayerRecord>, nonFinite?: StepRecord['nonFinite']): StepRecord {
  return {
    type: 'step', step: s, loss: 1, lr: [0.1], gradNorm: 1, gradNormClipped: 1,
    layers: [{ name: 'act', type: 'Tanh', kind: 'tanh', index: 0, calls: 1, ...tanh }],
    params: [],
    ...(nonFinite ? { nonFinite } : {}),
  };
}

describe('the non-finite origin ends the clean records', () => {
  it('hasNonFinite sees the tape’s origin, and the other detectors judge only the steps before it', () => {
    const origin = { pass: 'forward', op: 'exp', module: 'act', cause: 'op' } as const;
    expect(hasNonFinite(step(1, {}, origin))).toBe(true);
    // every statistic finite; the units saturate only from the step the tape saw the overflow
    const rs = [step(0, { saturation: 0 }), step(1, { saturation: 0.9 }, origin), step(2, { saturation: 0.9 })];
    const ids = runDetectors(rs).map((f) => f.id);
    expect(ids).toEqual(['non-finite']);
  });

  it('an overflow hidden by a later op is still named (op, module, pass), at its step', () => {
    manualSeed(3);
    const net = new nn.Sequential(new nn.Linear(4, 6), new Masked(2), new nn.Linear(6, 2));
    const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
    const p = new Probe(net, { every: 1 });
    for (let s = 0; s < 4; s++) {
      opt.zeroGrad();
      const loss = mseLoss(net.forward(randn([8, 4])) as Tensor, randn([8, 2]));
      loss.backward();
      opt.step();
      p.step({ loss, optimizer: opt });
    }
    p.detach();
    // independent check: every recorded value of step 2 is finite
    const r = p.records[2]!;
    expect(Number.isFinite(r.loss!)).toBe(true);
    expect(r.layers.every((l) => (l.output?.nan ?? 0) + (l.output?.posInf ?? 0) === 0)).toBe(true);
    const [en] = p.findings();
    expect(en!.id).toBe('non-finite');
    expect(en!.step).toBe(2);
    expect(en!.evidence).toMatchObject({ pass: 'forward', op: 'exp', module: '1', source: 'activations' });
    expect(en!.message).toMatch(/'exp' in '1'.*forward pass/);
    expect(en!.explanation).toMatch(/exp overflows float32/);
    const [fr] = p.findings({ lang: 'fr' });
    expect(fr!.message).toMatch(/« exp » dans « 1 ».*passe avant/);
    expect(fr!.explanation).toMatch(/exp dépasse le float32/);
  });
});

describe('non-finite words follow the evidence', () => {
  const base = { loss: 1, lr: 0.1, activation: 'tanh', recurrent: 'no', inModel: 'yes' };
  const f = (e: Record<string, string | number>, layers = ['block']): RawFinding => ({ id: 'non-finite', severity: 'critical', layers, step: 4, evidence: { ...base, ...e } });

  it('the backward pass: the rule that made it, or the gradient it was handed', () => {
    const [made] = explain([f({ source: 'gradients', pass: 'backward', op: 'sqrt', module: 'block', cause: 'op' })], 'en');
    expect(made!.message).toBe("Non-finite gradients at step 4: the backward rule of 'sqrt' in 'block' made the first NaN/Inf from a finite gradient; the forward pass was finite.");
    expect(made!.explanation).toMatch(/1\/\(2√x\), is infinite at 0/);
    const [handed] = explain([f({ source: 'gradients', pass: 'backward', op: 'mul', module: 'block', cause: 'gradient' })], 'en');
    expect(handed!.message).toMatch(/was handed a NaN\/Inf gradient/);
    expect(handed!.remedies.map((r) => r.text).join(' ')).not.toMatch(/from finite inputs/);
    const [fr] = explain([f({ source: 'gradients', pass: 'backward', op: 'sqrt', module: 'block', cause: 'op' })], 'fr');
    expect(fr!.message).toMatch(/règle de dérivation de « sqrt » dans « block »/);
    expect(fr!.explanation).toMatch(/infinie en 0/);
  });

  it('gradients without an origin (other producers) are not called a non-finite loss', () => {
    for (const lang of ['en', 'fr'] as const) {
      const [x] = explain([f({ source: 'gradients', loss: 0.7 })], lang);
      expect(x!.message).toMatch(lang === 'en' ? /^Non-finite gradients at step 4, first met at 'block'/ : /^Gradients non finis à l’itération 4, rencontrés d’abord en « block »/);
      expect(x!.message).not.toMatch(/^Non-finite loss|^Perte non finie/);
    }
  });

  it('data, weights, the loss outside the model and the model’s own forward are named as such', () => {
    const [data] = explain([f({ source: 'input', pass: 'forward', op: 'linear', module: 'fc', cause: 'input' }, ['fc'])], 'en');
    expect(data!.message).toBe("Non-finite input at step 4: the op 'linear' in 'fc' was given data that already held NaN/Inf, in the forward pass.");
    expect(data!.remedies[0]!.text).toMatch(/Check the input data/);
    const [w] = explain([f({ source: 'weights', pass: 'forward', op: 'linear', module: 'fc', cause: 'weight' }, ['fc'])], 'fr');
    expect(w!.message).toMatch(/a lu des paramètres NaN\/Inf/);
    const [loss] = explain([f({ source: 'loss', pass: 'forward', op: 'log', module: '', inModel: 'no', cause: 'op' }, [])], 'en');
    expect(loss!.message).toMatch(/'log' in the loss \(outside the model\)/);
    const [root] = explain([f({ source: 'activations', pass: 'forward', op: 'div', module: '', cause: 'op' }, [''])], 'fr');
    expect(root!.message).toMatch(/dans le forward du modèle lui-même/);
    expect(root!.explanation).toMatch(/division par 0/);
  });
});
