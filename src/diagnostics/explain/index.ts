/** Turn raw findings into explained ones, in English or French. */
import { ValueError } from '../../tensor/errors.js';
import type { Finding, RawFinding } from '../detectors/types.js';
import type { Explainer } from './common.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { torchRemedyCode } from '../remedies/torch-code.js';

export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];
const TABLE: Record<Lang, Explainer> = { en, fr };

/**
 * Which language the remedies' code is written in: gradlab's TypeScript (default), or PyTorch's
 * Python for records made by PyTorch (`gradlab_torch`; see `codeFlavour`).
 */
export type CodeFlavour = 'gradlab' | 'pytorch';

export interface ExplainOptions {
  flavour?: CodeFlavour;
}

/** The flavour a run record calls for: PyTorch code for records its producer wrote from PyTorch. */
export function codeFlavour(header: { library?: { name?: unknown } } | null | undefined): CodeFlavour {
  return header?.library?.name === 'gradlab_torch' ? 'pytorch' : 'gradlab';
}

export function explain(raw: readonly RawFinding[], lang: Lang = 'en', opts: ExplainOptions = {}): Finding[] {
  const ex = TABLE[lang];
  if (!ex) throw new ValueError('explain', `unknown language '${String(lang)}'; use ${LANGS.map((l) => `'${l}'`).join(' or ')}`);
  const flavour = opts.flavour ?? 'gradlab';
  if (flavour !== 'gradlab' && flavour !== 'pytorch')
    throw new ValueError('explain', `unknown code flavour '${String(flavour)}'; use 'gradlab' or 'pytorch'`);
  const found = raw.map((f) => ({ ...f, ...ex[f.id](f) }));
  if (flavour === 'gradlab') return found;
  // PyTorch: a structured remedy is written as torch code; a TypeScript-only snippet is dropped
  // (its text still says what to do)
  for (const f of found)
    f.remedies = f.remedies.map((r) => {
      const { code: _ts, ...rest } = r;
      const out = { ...rest } as typeof r;
      if (r.action) {
        out.code = torchRemedyCode(r.action);
        Object.defineProperty(out, 'action', { value: r.action, enumerable: false, writable: true, configurable: true });
      }
      return out;
    });
  return found;
}

export { type Explainer, type FindingText } from './common.js';
