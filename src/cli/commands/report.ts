/** `gradlab report <run.jsonl|dir …> [--html file]`: one self-contained HTML page of the runs. */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { writeReport } from '../../report/node/write-report.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { loadRecord, recordName, recordPaths } from '../inputs.js';
import { recordFindings } from './doctor.js';

export async function reportCommand(ctx: Ctx, args: string[], o: { html?: string; title?: string; json: boolean }): Promise<number> {
  const paths = recordPaths(args);
  const runs = paths.map((path) => {
    const { record } = loadRecord(path);
    const { findings, derived } = recordFindings(record, ctx.lang);
    return { record: { ...record, findings }, source: path, findingsDerived: derived, ...(paths.length > 1 && record.header.spec === null ? { label: recordName(path) } : {}) };
  });
  // Default: beside the input (a run or sweep directory holds its report).
  const first = args[0]!;
  const base = existsSync(first) && statSync(first).isDirectory() ? first : dirname(first);
  const out = await writeReport(o.html ?? join(base, 'report.html'), runs, { lang: ctx.lang, ...(o.title !== undefined ? { title: o.title } : {}) });
  if (ctx.json) ctx.out.write(`${JSON.stringify({ command: 'report', report: out, records: paths.map((p) => resolve(p)) }, null, 2)}\n`);
  else ctx.say(`${ctx.lang === 'fr' ? 'Rapport' : 'Report'} (${runs.length} ${ctx.lang === 'fr' ? 'exécution(s)' : runs.length === 1 ? 'run' : 'runs'}): ${ctx.c.cyan(out)}`);
  return EXIT.ok;
}
