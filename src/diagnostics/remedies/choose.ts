/**
 * Which remedies fit a finding, most direct first, as language-independent suggestions (the
 * explainers add the words). The choice reads the finding's evidence: the network's activation
 * (and whether it is a module that can be swapped), the initialization the weights already
 * follow (a remedy in effect is not offered), whether clipping is already active, where the
 * cause lies (the learning rate, the biases, the input scale), and for non-finite values the op
 * and the pass that made them. The remedy-cure table in docs/doctor.md checks every structured
 * one on its scenario.
 */
import type { RawFinding } from '../detectors/types.js';
import { remedyCode } from './code.js';
import type { ActivationClass, InitRemedy, RemedyAction } from './types.js';

export type RemedyKey =
  | 'init'
  | 'recurrent-orthogonal'
  | 'gate-bias'
  | 'bias-zero'
  | 'activation-tanh'
  | 'activation-relu'
  | 'activation-leaky'
  | 'clip'
  | 'clip-strict'
  | 'lr-down'
  | 'lr-up'
  | 'warmup'
  | 'standardize-inputs'
  | 'normalize'
  | 'residual'
  | 'gated-rnn'
  | 'find-op'
  | 'guard-op'
  | 'check-data'
  | 'loss-from-logits';

export interface Suggestion {
  key: RemedyKey;
  action?: RemedyAction;
  code?: string;
  /** Values the text names (scheme, activation, learning rate, op, module, pass). */
  vars: Record<string, string | number>;
}

const s = (key: RemedyKey, vars: Record<string, string | number> = {}, action?: RemedyAction, code?: string): Suggestion => ({
  key,
  vars,
  ...(action ? { action, code: code ?? remedyCode(action) } : code ? { code } : {}),
});

const str = (f: RawFinding, k: string): string => (typeof f.evidence[k] === 'string' ? (f.evidence[k] as string) : '');
const num = (f: RawFinding, k: string): number => (typeof f.evidence[k] === 'number' ? (f.evidence[k] as number) : NaN);
const strs = (f: RawFinding, k: string): string[] => (Array.isArray(f.evidence[k]) ? (f.evidence[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);

/** The activation as a swappable module class, or null (functional, or not one we swap). */
function moduleClass(f: RawFinding): ActivationClass | null {
  const t = str(f, 'activationType');
  return t === 'Sigmoid' || t === 'Tanh' || t === 'ReLU' || t === 'LeakyReLU' ? t : null;
}

/** The init that keeps the per-layer factor at 1 for this activation, and its name in `initFollows`. */
function initFor(f: RawFinding): { action: InitRemedy; scheme: string } {
  const act = str(f, 'activation');
  const type = str(f, 'activationType');
  if (act === 'relu' || act === 'activation')
    return type === 'LeakyReLU' || type === 'leakyRelu'
      ? { action: { kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'leaky_relu', zeroBias: true }, scheme: 'kaimingNormal' }
      : { action: { kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu', zeroBias: true }, scheme: 'kaimingNormal' };
  if (act === 'tanh') return { action: { kind: 'init', scheme: 'xavierNormal', gain: 5 / 3, zeroBias: true }, scheme: 'xavierNormal-tanh' };
  // no nonlinearity between the weight layers: orthogonal matrices keep every norm
  if (act === 'none') return { action: { kind: 'init', scheme: 'orthogonal', gain: 1, zeroBias: true }, scheme: 'orthogonal' };
  return { action: { kind: 'init', scheme: 'xavierNormal', gain: 1, zeroBias: true }, scheme: 'xavierNormal' };
}

function init(f: RawFinding): Suggestion[] {
  if (str(f, 'activation') === 'sigmoid') return [];
  const { action, scheme } = initFor(f);
  if (strs(f, 'initFollows').includes(scheme)) return [];
  return [s('init', { scheme, activation: str(f, 'activationType') || str(f, 'activation') }, action)];
}

/** Sigmoid hidden units: the cure is another activation (with its init), not another init. */
function sigmoidSwap(f: RawFinding): Suggestion[] {
  if (str(f, 'activation') !== 'sigmoid') return [];
  if (moduleClass(f) !== 'Sigmoid') return [s('activation-tanh', { functional: 'yes' })];
  return [
    s('activation-tanh', {}, { kind: 'activation', from: 'Sigmoid', to: 'Tanh', init: { kind: 'init', scheme: 'xavierNormal', gain: 5 / 3, zeroBias: true } }),
    s('activation-relu', { from: 'Sigmoid' }, { kind: 'activation', from: 'Sigmoid', to: 'ReLU', init: { kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu', zeroBias: true } }),
  ];
}

const clipped = (f: RawFinding): boolean => str(f, 'clipped') === 'yes';
const clip = (f: RawFinding): Suggestion[] => (clipped(f) ? [] : [s('clip', {}, { kind: 'clip', maxNorm: 1 })]);

function lrDown(f: RawFinding): Suggestion[] {
  const lr = num(f, 'lr');
  const to = num(f, 'suggestedLr');
  if (to > 0 && Number.isFinite(to) && lr > 0 && to < lr) return [s('lr-down', { lr: to, from: lr }, { kind: 'lr', lr: to })];
  return [s('lr-down', { factor: 10 }, { kind: 'lr', factor: 0.1 })];
}

function normalize(f: RawFinding): Suggestion[] {
  return str(f, 'norm') === 'present' ? [] : [s('normalize', { activation: str(f, 'activationType') || str(f, 'activation') })];
}

const CLIP_STRICT = 'nn.utils.clipGradNorm_(model.parameters(), 1.0, { errorIfNonfinite: true });  // stops at the first non-finite gradient';

const recurrent = (_f: RawFinding): Suggestion[] => [s('recurrent-orthogonal', {}, { kind: 'recurrent-init', scheme: 'orthogonal' })];

export function chooseRemedies(f: RawFinding): Suggestion[] {
  const byLr = str(f, 'cause') === 'learning-rate';
  const rnn = str(f, 'recurrent') === 'yes';
  const out: Suggestion[] = [];
  switch (f.id) {
    case 'vanishing-gradients':
      if (byLr) out.push(...lrDown(f));
      if (rnn) out.push(...recurrent(f));
      out.push(...sigmoidSwap(f), ...init(f), ...normalize(f), s('residual'));
      break;
    case 'exploding-gradients': {
      const kind = str(f, 'kind');
      if (kind === 'growth' || byLr) out.push(...lrDown(f), ...clip(f));
      else if (kind === 'non-finite') out.push(s('clip-strict', {}, undefined, CLIP_STRICT), ...lrDown(f));
      // through depth at initialization: clipping bounds the step, not the per-layer factor
      else out.push(...init(f), ...normalize(f));
      break;
    }
    case 'exploding-through-time':
      out.push(...recurrent(f), ...clip(f));
      break;
    case 'vanishing-through-time':
      // a gated layer forgets through its gate (≈ ½ with zero biases), not through W_hh's spectrum
      if (str(f, 'gated') === 'yes') out.push(s('gate-bias', { layerType: str(f, 'layerType') }, { kind: 'gate-bias', value: 1 }));
      else out.push(...recurrent(f), s('gated-rnn'));
      break;
    case 'activation-collapse':
    case 'activation-explosion':
      out.push(...sigmoidSwap(f), ...init(f), ...normalize(f));
      break;
    case 'saturation': {
      if (byLr) out.push(...lrDown(f));
      if (num(f, 'inputScale') > 3) out.push(s('standardize-inputs', { scale: num(f, 'inputScale') }, undefined, 'const xs = x.sub(x.mean(0, { keepdim: true })).div(x.std(0, { keepdim: true }).add(1e-6));  // per feature, with the training set’s statistics'));
      if (!(num(f, 'inputScale') > 3 && str(f, 'firstLayerOnly') === 'yes')) out.push(...sigmoidSwap(f), ...init(f));
      out.push(...normalize(f));
      break;
    }
    case 'dead-units': {
      const mean = num(f, 'preActivationMean');
      const std = num(f, 'preActivationStd');
      if (byLr) out.push(...lrDown(f));
      // pre-activations pushed below zero as a whole: the biases (or a shift) did it
      if (mean < -std) {
        const { scheme } = initFor({ ...f, evidence: { ...f.evidence, activation: 'relu' } });
        out.push(
          strs(f, 'initFollows').includes(scheme)
            ? s('bias-zero', {}, { kind: 'bias', value: 0 })
            : s('bias-zero', { withInit: 'kaimingNormal' }, { kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu', zeroBias: true }),
        );
      } else if (!byLr) out.push(...init(f));
      if (moduleClass(f) === 'ReLU' && !(mean < -std)) out.push(s('activation-leaky', {}, { kind: 'activation', from: 'ReLU', to: 'LeakyReLU' }));
      out.push(...normalize(f));
      break;
    }
    case 'broken-symmetry': {
      const { action, scheme } = initFor(f);
      out.push(s('init', { scheme, activation: str(f, 'activationType') || str(f, 'activation'), symmetry: 'yes' }, action));
      break;
    }
    case 'update-ratio-high':
      // (clipping bounds the gradient, not ‖Δw‖/‖w‖: Adam's step does not depend on the gradient's size)
      out.push(...lrDown(f), s('warmup', {}, undefined, 'const warmup = new optim.lrScheduler.LinearLR(optimizer, { startFactor: 0.01, totalIters: 100 });  // warmup.step() after each optimizer.step()'));
      break;
    case 'update-ratio-low': {
      const lr = num(f, 'lr');
      const to = num(f, 'suggestedLr');
      out.push(to > lr && Number.isFinite(to) ? s('lr-up', { lr: to, from: lr }, { kind: 'lr', lr: to }) : s('lr-up', { factor: 10 }, { kind: 'lr', factor: 10 }));
      break;
    }
    case 'non-finite': {
      const op = str(f, 'op');
      const pass = str(f, 'pass');
      const mod = typeof f.layers[0] === 'string' ? f.layers[0] : '';
      if (str(f, 'trigger') === 'learning-rate') out.push(...lrDown(f), s('clip-strict', {}, undefined, CLIP_STRICT));
      if (str(f, 'source') === 'input' || str(f, 'cause') === 'input') out.push(s('check-data', {}, undefined, "if (!x.isfinite().all().item()) throw new Error('the input batch holds non-finite values');"));
      // NaN/Inf weights read by an op: an earlier update overflowed them (an unrecorded step)
      if (str(f, 'cause') === 'weight' && str(f, 'trigger') !== 'learning-rate') out.push(...lrDown(f));
      // the op made it itself (not handed non-finite data, weights or gradient)
      const made = str(f, 'cause') === '' || str(f, 'cause') === 'op';
      if (op && made) {
        out.push(s('find-op', { op, pass, module: mod }));
        if (op === 'log' || op === 'sqrt' || op === 'pow' || op === 'div' || op === 'rsqrt' || op === 'reciprocal')
          out.push(s('guard-op', { op }, undefined, `const safe = h.clamp({ min: 1e-6 }).${op === 'div' ? 'reciprocal' : op === 'pow' ? 'sqrt' : op}();  // keep the argument of ${op} in its domain`));
        if (op === 'exp') out.push(s('guard-op', { op }, undefined, 'const safe = h.clamp({ max: 80 }).exp();  // e^89 overflows float32'));
        // a log of a probability made by hand: compute the loss from logits instead
        if ((op === 'log' && (str(f, 'inModel') === 'no' || /loss/i.test(mod))) || op === 'binaryCrossEntropy') out.push(s('loss-from-logits', {}, undefined, 'const loss = F.crossEntropy(logits, y);  // from the logits, not log(softmax(logits))'));
      }
      if (str(f, 'trigger') !== 'learning-rate') out.push(s('clip-strict', {}, undefined, CLIP_STRICT));
      break;
    }
  }
  // one of each structured remedy, in order
  const seen = new Set<string>();
  return out.filter((x) => {
    const k = `${x.key}|${x.code ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
