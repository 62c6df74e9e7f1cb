/** The page's language: one dictionary per language, `t(key, vars)` fills `{name}` placeholders. */
import { en, type Dict, type Key } from './en.js';
import { fr } from './fr.js';
import type { Lang } from '../state.js';

export type { Key } from './en.js';
export const DICTS: Record<Lang, Dict> = { en, fr };

let lang: Lang = 'en';

export function setLang(l: Lang): void {
  lang = l;
}

export function getLang(): Lang {
  return lang;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return DICTS[lang][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** Dictionary lookup for keys built at run time ('activation.tanh'); the key itself when absent. */
export function tk(key: string): string {
  return (DICTS[lang] as Record<string, string>)[key] ?? key;
}

/** A number for people: 3 significant digits, exponent for very small or large values, the language's decimal mark. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const s = a === 0 ? '0' : a >= 0.01 && a < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(1);
  return lang === 'fr' ? s.replace('.', ',') : s;
}
