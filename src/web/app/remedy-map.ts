/**
 * A remedy of the doctor → the controls it changes. The doctor's structured remedies
 * (`remedy.action`: init, activation, clip, lr, bias, recurrent init) map one to one; remedies
 * that are not actions on a built model but are controls here (normalization, residual
 * connections, a gated RNN) map through their key (chooseRemedies gives the keys in the order
 * of the finding's remedies). Anything else has no control: the page shows its code only.
 */
import { chooseRemedies, type RemedyKey } from '../../diagnostics/remedies/choose.js';
import type { RemedyAction } from '../../diagnostics/remedies/types.js';
import type { Finding, RawFinding } from '../../diagnostics/detectors/types.js';
import { explain } from '../../diagnostics/explain/index.js';
import type { Controls, Lang } from './state.js';

const ACTIVATION: Record<string, Controls['activation']> = { Tanh: 'tanh', ReLU: 'relu', LeakyReLU: 'leakyRelu', Sigmoid: 'sigmoid' };

function fromAction(a: RemedyAction, c: Controls): Partial<Controls> | null {
  switch (a.kind) {
    case 'init':
      return { init: a.scheme, gain: a.scheme === 'kaimingNormal' ? 1 : (a.gain ?? 1), ...(a.zeroBias ? { bias: 'zeros' as const } : {}) };
    case 'recurrent-init':
      // the spec has one init for every weight: orthogonal for all of them
      return { init: 'orthogonal', gain: 1 };
    case 'bias':
      return a.value === 0 ? { bias: 'zeros' } : null;
    case 'activation': {
      const to = ACTIVATION[a.to];
      if (to === undefined) return null;
      return { activation: to, ...(a.init ? fromAction(a.init, c) : {}) };
    }
    case 'clip':
      return { clip: 'norm', clipAt: a.maxNorm };
    case 'lr': {
      const lr = a.lr ?? c.lr * (a.factor ?? 1);
      return Number.isFinite(lr) && lr > 0 ? { lr: Number(lr.toPrecision(3)) } : null;
    }
  }
  return null;
}

function fromKey(key: RemedyKey, c: Controls): Partial<Controls> | null {
  const recurrent = c.model === 'rnn' || c.model === 'lstm' || c.model === 'gru';
  switch (key) {
    case 'normalize':
      return recurrent || c.norm !== 'none' ? null : { norm: c.model === 'mlp' ? 'layer' : 'batch' };
    case 'residual':
      if (c.model === 'plain') return { model: 'resnet' };
      return c.model === 'mlp' || c.model === 'cnn' ? (c.residual ? null : { residual: true }) : null;
    case 'gated-rnn':
      return c.model === 'rnn' ? { model: 'lstm' } : null;
    default:
      return null;
  }
}

export interface LabRemedy {
  text: string;
  code?: string;
  /** The control changes, or null when the remedy has no control in the lab. */
  changes: Partial<Controls> | null;
}

/** The finding's remedies in the page's language, each with the control changes it stands for (none when `c` is null). */
export function labRemedies(f: Finding, lang: Lang, c: Controls | null): LabRemedy[] {
  let explained: Finding;
  let keys: RemedyKey[] = [];
  try {
    const raw: RawFinding = { id: f.id, severity: f.severity, layers: f.layers, step: f.step, evidence: f.evidence };
    explained = explain([raw], lang)[0]!;
    keys = chooseRemedies(raw).map((s) => s.key);
  } catch {
    explained = f; // a finding this version of the doctor does not know: its own words
  }
  return explained.remedies.map((r, i) => {
    let changes: Partial<Controls> | null = null;
    if (c !== null) {
      changes = r.action ? fromAction(r.action, c) : null;
      if (changes === null && keys[i] !== undefined && keys.length === explained.remedies.length) changes = fromKey(keys[i]!, c);
      // a change that changes nothing is no remedy here (already in effect)
      if (changes !== null && Object.entries(changes).every(([k, v]) => c[k as keyof Controls] === v)) changes = null;
    }
    return { text: r.text, ...(r.code !== undefined ? { code: r.code } : {}), changes };
  });
}

/** The finding's message and explanation in the page's language (its own words when unknown). */
export function findingText(f: Finding, lang: Lang): { message: string; explanation: string } {
  try {
    const e = explain([{ id: f.id, severity: f.severity, layers: f.layers, step: f.step, evidence: f.evidence }], lang)[0]!;
    return { message: e.message, explanation: e.explanation };
  } catch {
    return { message: f.message, explanation: f.explanation };
  }
}
