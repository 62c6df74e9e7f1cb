/**
 * Findings as text for a terminal or a log: one block per finding — severity word (translated,
 * coloured with plain ANSI codes when asked), message, the layers named by depth ("layer 3 of 6,
 * tanh") and by module path, the explanation wrapped, the remedies numbered with their code
 * indented. Floor 5: no package, no `process` — the caller decides whether the output is a TTY.
 *
 * ```ts
 * console.log(doctor.formatFindings(findings, { lang: 'fr', color: process.stdout.isTTY }));
 * ```
 */
import { ValueError } from '../tensor/errors.js';
import type { Finding, Severity } from './detectors/types.js';
import type { Lang } from './explain/index.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface FormatOptions {
  /** Language of the frame words (severity, "layers", "why"…). The findings' own texts keep the language they were explained in. Default 'en'. */
  lang?: Lang;
  /** ANSI colours. Default false. */
  color?: boolean;
  /** Line width the explanation is wrapped to. Default 88. */
  width?: number;
  /** Leave out the explanations (one-screen summaries). Default false. */
  brief?: boolean;
}

interface Words {
  severity: Record<Severity, string>;
  layers: string;
  why: string;
  remedies: string;
  step: string;
  none: string;
  layer: (depth: number, of: number) => string;
  input: string;
}

const WORDS: Record<Lang, Words> = {
  en: {
    severity: { critical: 'critical', warning: 'warning', info: 'info' },
    layers: 'layers',
    why: 'why',
    remedies: 'remedies',
    step: 'step',
    none: 'The doctor found nothing wrong.',
    layer: (d, n) => `layer ${d} of ${n}`,
    input: 'input',
  },
  fr: {
    severity: { critical: 'critique', warning: 'avertissement', info: 'info' },
    layers: 'couches',
    why: 'pourquoi',
    remedies: 'remèdes',
    step: 'itération',
    none: 'Le docteur n’a rien trouvé d’anormal.',
    layer: (d, n) => `couche ${d} sur ${n}`,
    input: 'entrée',
  },
};

const ESC = '\u001b[';
const SGR = {
  reset: `${ESC}0m`,
  bold: `${ESC}1m`,
  dim: `${ESC}2m`,
  red: `${ESC}31m`,
  yellow: `${ESC}33m`,
  cyan: `${ESC}36m`,
  green: `${ESC}32m`,
} as const;
const SEVERITY_COLOR: Record<Severity, string> = { critical: SGR.bold + SGR.red, warning: SGR.bold + SGR.yellow, info: SGR.bold + SGR.cyan };

/** Greedy word wrap; words longer than the width stay whole. */
export function wrapText(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && indent.length + cur.length + 1 + word.length > width) {
      lines.push(indent + cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(indent + cur);
  return lines;
}

/**
 * Where a finding's layers sit: from the evidence the detectors add (`layerDepths`: 1-based
 * position among the weight layers, 0 for the input; `layerCount`; `layerKinds`: the
 * activation of that block), falling back to the module paths alone.
 */
export function describeLayers(f: Finding, lang: Lang = 'en'): string[] {
  const w = WORDS[lang] ?? WORDS.en;
  const depths = f.evidence.layerDepths;
  const kinds = f.evidence.layerKinds;
  const count = f.evidence.layerCount;
  return f.layers.map((name, i) => {
    const path = name === '' ? '(root)' : name;
    const d = Array.isArray(depths) ? depths[i] : undefined;
    if (typeof d !== 'number' || typeof count !== 'number' || count < 1) return path;
    const k = Array.isArray(kinds) && typeof kinds[i] === 'string' && kinds[i] !== '' ? `, ${kinds[i]}` : '';
    const pos = d === 0 ? w.input : w.layer(d, count);
    return `${pos}${k} (${path})`;
  });
}

export function formatFinding(f: Finding, opts: FormatOptions = {}): string {
  opts = checkOptions('formatFinding', opts, optionKeys<FormatOptions>({ lang: true, color: true, width: true, brief: true }));
  const lang = opts.lang ?? 'en';
  const w = WORDS[lang];
  if (!w) throw new ValueError('formatFindings', `unknown language '${String(lang)}'; use 'en' or 'fr'`);
  const color = opts.color ?? false;
  const width = opts.width ?? 88;
  const paint = (code: string, s: string): string => (color ? `${code}${s}${SGR.reset}` : s);
  const out: string[] = [];
  const sev = paint(SEVERITY_COLOR[f.severity] ?? '', w.severity[f.severity] ?? f.severity);
  out.push(`${sev}  ${paint(SGR.bold, f.message)} ${paint(SGR.dim, `[${f.id}, ${w.step} ${f.step}]`)}`);
  const where = describeLayers(f, lang);
  if (where.length > 0) out.push(`  ${paint(SGR.dim, `${w.layers}:`)} ${where.join(' → ')}`);
  if (!opts.brief && f.explanation) {
    const lines = wrapText(f.explanation, width, '    ');
    out.push(`  ${paint(SGR.dim, `${w.why}:`)}`, ...lines);
  }
  if (f.remedies.length > 0) {
    out.push(`  ${paint(SGR.dim, `${w.remedies}:`)}`);
    f.remedies.forEach((r, i) => {
      const head = `    ${i + 1}. `;
      const text = wrapText(r.text, width, ' '.repeat(head.length));
      out.push(head + (text[0] ?? '').trimStart(), ...text.slice(1));
      if (r.code) for (const line of r.code.split('\n')) out.push(`         ${paint(SGR.green, line)}`);
    });
  }
  return out.join('\n');
}

/** All findings, in the order given (the detectors' causal order), separated by blank lines. */
export function formatFindings(findings: readonly Finding[], opts: FormatOptions = {}): string {
  opts = checkOptions('formatFindings', opts, optionKeys<FormatOptions>({ lang: true, color: true, width: true, brief: true }));
  if (!Array.isArray(findings)) throw new ValueError('formatFindings', 'expected an array of findings (probe.findings() or diagnose(...).findings)');
  const lang = opts.lang ?? 'en';
  if (!WORDS[lang]) throw new ValueError('formatFindings', `unknown language '${String(lang)}'; use 'en' or 'fr'`);
  if (findings.length === 0) return WORDS[lang].none;
  return findings.map((f) => formatFinding(f, opts)).join('\n\n');
}
