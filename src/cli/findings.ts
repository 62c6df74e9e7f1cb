/** Findings on the terminal (the doctor's formatter) and the --fail-on rule. */
import type { Finding, Severity } from '../diagnostics/detectors/types.js';
import { formatFindings } from '../diagnostics/format.js';
import type { Ctx } from './context.js';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Whether any finding is at or above `level` (never when no level is given). */
export function failsOn(findings: readonly Finding[], level: Severity | undefined): boolean {
  return level !== undefined && findings.some((f) => RANK[f.severity] >= RANK[level]);
}

export function printFindings(ctx: Ctx, findings: readonly Finding[], opts: { brief?: boolean; indent?: string } = {}): void {
  const width = Math.max(60, Math.min(100, (ctx.out.columns ?? 100) - 2));
  const text = formatFindings(findings, { lang: ctx.lang, color: ctx.color, brief: opts.brief ?? false, width });
  const indent = opts.indent ?? '  ';
  ctx.say(text.replace(/\n+$/, '').split('\n').map((l) => (l === '' ? l : indent + l)).join('\n'));
}

/** One line per finding (severity, message, the first remedy): for runs shown side by side. */
export function printFindingLines(ctx: Ctx, findings: readonly Finding[], indent = '  '): void {
  if (findings.length === 0) {
    ctx.say(indent + ctx.c.green(formatFindings([], { lang: ctx.lang }).trim()));
    return;
  }
  const sev = (f: Finding): string => {
    const w = formatFindings([f], { lang: ctx.lang, brief: true }).trim().split(/\s+/)[0]!;
    return f.severity === 'critical' ? ctx.c.bold(ctx.c.red(w)) : f.severity === 'warning' ? ctx.c.bold(ctx.c.yellow(w)) : ctx.c.bold(ctx.c.cyan(w));
  };
  for (const f of findings) {
    ctx.say(`${indent}${sev(f)}  ${f.message}`);
    const r = f.remedies[0];
    if (r) ctx.say(`${indent}  ${ctx.c.dim('→')} ${r.text}`);
  }
}
