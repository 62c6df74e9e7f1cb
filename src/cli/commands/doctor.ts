/**
 * `gradlab doctor <spec|name|run.jsonl|dir>`: a spec or an entry is run and diagnosed; a run record
 * (from gradlab or any other producer of the format, e.g. gradlab_torch) is read and its findings
 * printed — and when it holds none, the detectors run on its step lines.
 */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { resolve } from 'node:path';
import type { Finding, Severity } from '../../diagnostics/detectors/types.js';
import { runDetectors } from '../../diagnostics/detectors/index.js';
import { codeFlavour, explain } from '../../diagnostics/explain/index.js';
import type { RunRecord } from '../../diagnostics/record/types.js';
import { writeReport } from '../../report/node/write-report.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { failsOn, printFindings } from '../findings.js';
import { fmtNum, layerTable } from '../format.js';
import { loadRecord, resolveTarget } from '../inputs.js';
import { findingJson } from '../runs.js';
import { runCommand, type RunOptions } from './run.js';

/**
 * The record's findings, or the detectors' verdict on its steps when it holds none; remedies are
 * written in the producer's language (PyTorch code for records made by gradlab_torch).
 */
export function recordFindings(record: RunRecord, lang: Ctx['lang']): { findings: Finding[]; derived: boolean } {
  if (record.findings.length > 0 || record.steps.length === 0) return { findings: record.findings, derived: false };
  return { findings: explain(runDetectors(record.steps), lang, { flavour: codeFlavour(record.header) }), derived: true };
}

export async function doctorCommand(ctx: Ctx, arg: string, o: RunOptions & { failOn?: Severity }): Promise<number> {
  const target = resolveTarget(arg);
  if (target.kind !== 'records') return runCommand(ctx, arg, o, 'doctor');
  const results = target.paths.map((path) => {
    const { record } = loadRecord(path);
    return { path, record, ...recordFindings(record, ctx.lang) };
  });
  for (const r of results) {
    if (ctx.json) continue;
    const rec = r.record;
    const producer = `${rec.header.library.name} ${rec.header.library.version}`;
    const last = rec.steps.at(-1);
    ctx.say(ctx.c.bold(`── ${r.path}`));
    ctx.say(
      ctx.c.dim(
        `  ${producer} · ${rec.steps.length} recorded steps${last ? ` (last ${last.step}, loss ${fmtNum(last.loss)})` : ''} · ` +
          `${rec.end ? rec.end.status : 'no end line (crashed or still running)'}${rec.truncated ? ' · last line cut off' : ''}`,
      ),
    );
    if (last) {
      ctx.say(ctx.c.dim(`  at step ${last.step}:`));
      ctx.say(layerTable(last, ctx.c, ctx.lang));
    }
    if (r.derived) ctx.say(ctx.c.dim(ctx.lang === 'fr' ? '  (aucun diagnostic dans l’enregistrement : les détecteurs ont été appliqués à ses pas)' : '  (the record held no finding: the detectors ran on its step lines)'));
    printFindings(ctx, r.findings);
    ctx.say('');
  }
  let report: string | null = null;
  if (o.html !== undefined) {
    report = await writeReport(o.html, results.map((r) => ({ record: { ...r.record, findings: r.findings }, source: r.path, findingsDerived: r.derived })), { lang: ctx.lang });
    ctx.say(`${ctx.lang === 'fr' ? 'Rapport' : 'Report'}: ${ctx.c.cyan(report)}`);
  }
  const all = results.flatMap((r) => r.findings);
  const failed = results.some((r) => r.record.end?.status === 'failed');
  const code = failsOn(all, o.failOn) ? EXIT.findings : EXIT.ok;
  if (ctx.json)
    ctx.out.write(
      `${JSON.stringify(
        {
          command: 'doctor',
          report,
          records: results.map((r) => ({
            path: resolve(r.path),
            producer: r.record.header.library,
            steps: r.record.steps.length,
            status: r.record.end?.status ?? null,
            truncated: r.record.truncated,
            derived: r.derived,
            findings: r.findings.map(findingJson),
          })),
          failedRuns: failed,
          exitCode: code,
        },
        null,
        2,
      )}\n`,
    );
  return code;
}
