/**
 * Non-finite loss, activations, gradients or weights: the first record where one appears, and
 * where it was made. The probe's tape watch names the op and the module where a non-finite value
 * first came out of finite inputs, and the pass (forward or backward) — `record.nonFinite`; this
 * is the origin reported. Records without it (written by other producers) fall back to causal
 * order within the step: the input of the first layer, then the layers' outputs in forward order
 * (the first one holding a NaN or ±Inf is where the trouble started: everything after inherits
 * it), then the loss, then the weights after the update.
 *
 * Evidence: `source` (`input`, `weights`, `activations`, `loss`, `gradients`), and with an origin
 * `pass` (`forward`/`backward`), `op` (the op's name on the tape, e.g. `log`), `module` (its
 * module path; '' for the model itself) and `inModel` (`no` when the op ran outside the model,
 * in the loss).
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { networkContext, nonFiniteCount } from './series.js';
import type { RawFinding } from './types.js';

function anyNonFinite(r: StepRecord): boolean {
  if (r.nonFinite) return true;
  if (r.loss !== null && !Number.isFinite(r.loss)) return true;
  if (r.gradNorm !== null && !Number.isFinite(r.gradNorm)) return true;
  if (r.layers.some((l) => nonFiniteCount(l.output) > 0 || nonFiniteCount(l.input) > 0 || nonFiniteCount(l.grad) > 0)) return true;
  return r.params.some((p) => p.nonFinite > 0 || p.gradNonFinite > 0);
}

export function detectNonFinite(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  if (!o.nonFinite) return [];
  const r = records.find(anyNonFinite);
  if (!r) return [];
  const lossBad = r.loss !== null && !Number.isFinite(r.loss);
  const layers = [...r.layers].sort((a, b) => a.index - b.index);
  const badParams = r.params.filter((p) => p.nonFinite > 0);
  const common = {
    loss: r.loss ?? NaN,
    parameters: badParams.map((p) => p.name),
    nonFiniteWeights: badParams.reduce((s, p) => s + p.nonFinite, 0),
    gradNorm: r.gradNorm ?? NaN,
    lr: r.lr[0] ?? NaN,
    ...networkContext(r),
  };
  const origin = r.nonFinite;
  if (origin) {
    const inModel = origin.module !== null;
    const source =
      origin.pass === 'backward' ? 'gradients' : origin.cause === 'input' ? 'input' : origin.cause === 'weight' ? 'weights' : inModel ? 'activations' : 'loss';
    const made = layers.find((l) => l.name === origin.module || l.name.startsWith(`${origin.module}/`) && l.op === origin.op);
    return [{
      id: 'non-finite',
      severity: 'critical',
      layers: inModel ? [origin.module!] : [],
      step: r.step,
      evidence: {
        ...common,
        source,
        pass: origin.pass,
        op: origin.op,
        module: origin.module ?? '',
        inModel: inModel ? 'yes' : 'no',
        cause: origin.cause,
        nonFiniteOutputs: made ? nonFiniteCount(made.output) : 0,
      },
    }];
  }
  const badInput = layers.length > 0 && nonFiniteCount(layers[0]!.input) > 0 ? layers[0]! : undefined;
  const firstLayer = layers.find((l) => nonFiniteCount(l.output) > 0);
  const badGrad = [...layers].reverse().find((l) => nonFiniteCount(l.grad) > 0);
  const source = badInput ? 'input' : firstLayer ? 'activations' : lossBad ? 'loss' : badParams.length > 0 ? 'weights' : 'gradients';
  const where = badInput?.name ?? firstLayer?.name ?? (lossBad ? undefined : badParams[0]?.layer ?? badGrad?.name);
  return [{
    id: 'non-finite',
    severity: 'critical',
    layers: where !== undefined ? [where] : [],
    step: r.step,
    evidence: { ...common, source, nonFiniteOutputs: firstLayer ? nonFiniteCount(firstLayer.output) : 0 },
  }];
}
