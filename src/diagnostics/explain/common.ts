import type { EvidenceValue, FindingId, RawFinding, Remedy } from '../detectors/types.js';
import { chooseRemedies, type RemedyKey, type Suggestion } from '../remedies/choose.js';

export interface FindingText {
  message: string;
  explanation: string;
  remedies: Remedy[];
}

/** One function per finding id: a language file that misses one does not compile. */
export type Explainer = { readonly [K in FindingId]: (f: RawFinding) => FindingText };

/** The words of each remedy (typed over the keys: a language that misses one does not compile). */
export type RemedyTexts = { readonly [K in RemedyKey]: (v: Suggestion['vars']) => string };

/** A number for prose: 3 significant digits, scientific notation outside [1e-3, 1e4). */
export function fmt(x: EvidenceValue | undefined, decimalComma = false): string {
  if (typeof x !== 'number') return String(x ?? '?');
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  let s = a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(1) : String(Number(x.toPrecision(3)));
  if (decimalComma) s = s.replace('.', ',');
  return s;
}

export const num = (f: RawFinding, k: string): number => {
  const v = f.evidence[k];
  return typeof v === 'number' ? v : NaN;
};
export const str = (f: RawFinding, k: string): string => {
  const v = f.evidence[k];
  return typeof v === 'string' ? v : '';
};
export const list = (xs: readonly string[], max = 4): string =>
  xs.length <= max ? xs.map((x) => `'${x}'`).join(', ') : `${xs.slice(0, max).map((x) => `'${x}'`).join(', ')} (+${xs.length - max})`;

/**
 * A layer for prose: its module path and, when the detectors located it, its depth —
 * `'layers.4' (layer 3 of 6, tanh)`; `layer` renders "layer 3 of 6" in the language.
 */
export function where(f: RawFinding, i: number, layer: (d: number, n: number) => string, quote: (s: string) => string = (s) => `'${s}'`): string {
  const name = f.layers[i];
  if (name === undefined) return '?';
  const d = f.evidence.layerDepths;
  const k = f.evidence.layerKinds;
  const n = f.evidence.layerCount;
  const depth = Array.isArray(d) ? d[i] : undefined;
  if (typeof depth !== 'number' || typeof n !== 'number' || depth < 1) return quote(name);
  const kind = Array.isArray(k) && typeof k[i] === 'string' && k[i] ? `, ${k[i]}` : '';
  return `${quote(name)} (${layer(depth, n)}${kind})`;
}

/** Several layers: the first `max` located, then a count. */
export function whereList(f: RawFinding, layer: (d: number, n: number) => string, quote?: (s: string) => string, max = 3): string {
  const xs = f.layers.slice(0, max).map((_, i) => where(f, i, layer, quote));
  return f.layers.length > max ? `${xs.join(', ')} (+${f.layers.length - max})` : xs.join(', ');
}

/**
 * The remedies of a finding in one language: the suggestions of `chooseRemedies` with their
 * words. The structured action is attached non-enumerably for now: run-record lines keep
 * `{ text, code }` (the version-1 schema), while `applyRemedy(model, remedy.action)` works on
 * the findings in memory.
 */
export function remedies(f: RawFinding, texts: RemedyTexts): Remedy[] {
  return chooseRemedies(f).map((s) => {
    const r: Remedy = { text: texts[s.key](s.vars) };
    if (s.code !== undefined) r.code = s.code;
    if (s.action) Object.defineProperty(r, 'action', { value: s.action, enumerable: false, writable: true, configurable: true });
    return r;
  });
}

