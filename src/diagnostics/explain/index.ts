/** Turn raw findings into explained ones, in English or French. */
import { ValueError } from '../../tensor/errors.js';
import type { Finding, RawFinding } from '../detectors/types.js';
import type { Explainer } from './common.js';
import { en } from './en.js';
import { fr } from './fr.js';

export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];
const TABLE: Record<Lang, Explainer> = { en, fr };

export function explain(raw: readonly RawFinding[], lang: Lang = 'en'): Finding[] {
  const ex = TABLE[lang];
  if (!ex) throw new ValueError('explain', `unknown language '${String(lang)}'; use ${LANGS.map((l) => `'${l}'`).join(' or ')}`);
  return raw.map((f) => ({ ...f, ...ex[f.id](f) }));
}

export { type Explainer, type FindingText } from './common.js';
