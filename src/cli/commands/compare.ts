/**
 * `gradlab compare <run> <run>`: the two runs side by side — per-layer output std and gradient
 * norm at the last recorded step, final loss and accuracy, findings — and a comparison report.
 */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { dirname, join, resolve } from 'node:path';
import type { RunRecord } from '../../diagnostics/record/types.js';
import { writeReport } from '../../report/node/write-report.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { fmtNum, fmtPct, table } from '../format.js';
import { loadRecord, recordName, recordPaths } from '../inputs.js';
import { recordFindings } from './doctor.js';

function lastMetric(r: RunRecord, key: string): number | null {
  for (let i = r.steps.length - 1; i >= 0; i--) {
    const v = key === 'loss' ? r.steps[i]!.loss : r.steps[i]!.metrics?.[key];
    if (v !== undefined && v !== null) return v;
  }
  return null;
}

function ratio(a: number | null | undefined, b: number | null | undefined): string {
  return a === null || a === undefined || b === null || b === undefined || a === 0 ? '—' : `×${fmtNum(b / a)}`;
}

export async function compareCommand(ctx: Ctx, a: string, b: string, o: { html?: string; report: boolean; json: boolean }): Promise<number> {
  const paths = recordPaths([a, b]);
  if (paths.length !== 2) throw new UsageError(`compare takes two runs; ${a} and ${b} hold ${paths.length} run records (compare two run.jsonl files or run directories, or use gradlab report for more)`);
  const runs = paths.map((p) => {
    const { record } = loadRecord(p);
    const { findings, derived } = recordFindings(record, ctx.lang);
    return { path: p, name: recordName(p), record: { ...record, findings }, derived };
  });
  const [A, B] = runs as [(typeof runs)[0], (typeof runs)[0]];
  if (A.name === B.name) [A.name, B.name] = [`A: ${A.name}`, `B: ${B.name}`];
  const lastA = A.record.steps.at(-1);
  const lastB = B.record.steps.at(-1);
  const names = [...new Set([...(lastA?.layers ?? []), ...(lastB?.layers ?? [])].sort((x, y) => x.index - y.index).map((l) => l.name))];
  const layer = (s: typeof lastA, n: string) => s?.layers.find((l) => l.name === n);
  const layers = names.map((n) => {
    const x = layer(lastA, n), y = layer(lastB, n);
    return { name: n, kind: x?.kind ?? y?.kind ?? '', stdA: x?.output?.std ?? null, stdB: y?.output?.std ?? null, gradA: x?.grad?.norm ?? null, gradB: y?.grad?.norm ?? null };
  });
  const summary = (['loss', 'accuracy', 'testLoss', 'testAccuracy'] as const).map((k) => ({ key: k, a: lastMetric(A.record, k), b: lastMetric(B.record, k) })).filter((m) => m.a !== null || m.b !== null);
  let report: string | null = null;
  if (o.report || o.html !== undefined) {
    report = await writeReport(
      o.html ?? join(dirname(A.path), `compare-${B.name.replace(/[^\w.=-]+/g, '-')}.html`),
      runs.map((r) => ({ record: r.record, label: r.name, source: r.path, findingsDerived: r.derived })),
      { lang: ctx.lang, title: `${A.name} ↔ ${B.name}` },
    );
  }
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify({ command: 'compare', a: resolve(A.path), b: resolve(B.path), summary, layers, findings: { a: A.record.findings.map((f) => f.id), b: B.record.findings.map((f) => f.id) }, report }, null, 2)}\n`);
    return EXIT.ok;
  }
  const c = ctx.c;
  ctx.say(`${c.bold('A')} ${A.path}\n${c.bold('B')} ${B.path}\n`);
  ctx.say(
    table(
      ['', 'A', 'B', 'B/A'],
      [
        ...summary.map((m) => [m.key, m.key.includes('ccuracy') ? fmtPct(m.a) : fmtNum(m.a), m.key.includes('ccuracy') ? fmtPct(m.b) : fmtNum(m.b), ratio(m.a, m.b)]),
        ['recorded steps', String(A.record.steps.length), String(B.record.steps.length), ''],
        ['findings', A.record.findings.map((f) => f.id).join(', ') || c.green('none'), B.record.findings.map((f) => f.id).join(', ') || c.green('none'), ''],
      ],
      c,
    ),
  );
  ctx.say('');
  ctx.say(c.dim(`per layer, at the last recorded step (A: ${lastA?.step ?? '—'}, B: ${lastB?.step ?? '—'}):`));
  ctx.say(
    table(
      ['layer', 'std A', 'std B', 'B/A', 'grad norm A', 'grad norm B', 'B/A'],
      layers.map((l) => [`${l.name} ${c.dim(l.kind)}`, fmtNum(l.stdA), fmtNum(l.stdB), ratio(l.stdA, l.stdB), fmtNum(l.gradA), fmtNum(l.gradB), ratio(l.gradA, l.gradB)]),
      c,
    ),
  );
  if (report) ctx.say(`\n${ctx.lang === 'fr' ? 'Rapport' : 'Report'}: ${c.cyan(report)}`);
  return EXIT.ok;
}
