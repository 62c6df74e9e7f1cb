/**
 * `gradlab run <name|spec>` and `gradlab sweep <name|spec>`: run a catalogue entry's variants, a
 * spec, or a spec's grid; print each run's per-layer figure and findings, the entry's verdict and
 * the paper's numbers beside ours; write one report of all the runs.
 */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { join, resolve } from 'node:path';
import type { Severity } from '../../diagnostics/detectors/types.js';
import type { PaperTable } from '../../lab/catalogue/index.js';
import { writeReport } from '../../report/node/write-report.js';
import type { Ctx } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { failsOn, printFindingLines, printFindings } from '../findings.js';
import { fmtNum, layerTable, table } from '../format.js';
import { resolveTarget } from '../inputs.js';
import { startTask } from '../progress.js';
import { dataSource, executePlan, outcomeJson, parseSets, plan, reportRun, type Outcome, type Plan } from '../runs.js';

export interface RunOptions {
  set: string[];
  grid: string[];
  out: string;
  json: boolean;
  quick: boolean;
  dataDir?: string;
  failOn?: Severity;
  report: boolean;
  html?: string;
  /** doctor: print the findings in full, no report unless --html. */
  doctor?: boolean;
}

/** `--grid key=a,b,c` → a sweep axis (values parsed as JSON when they parse). */
function gridAxes(grid: readonly string[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const g of grid) {
    const i = g.indexOf('=');
    if (i <= 0) throw new UsageError(`--grid takes key=v1,v2,… (e.g. model.depth=4,8,16), got '${g}'`);
    out[g.slice(0, i)] = g
      .slice(i + 1)
      .split(',')
      .map((v) => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          return v;
        }
      });
  }
  return out;
}

export function paperTable(t: PaperTable, ctx: Ctx): string {
  const cell = (ours: number | null | undefined, paper: number | null | undefined): string =>
    (ours ?? null) === null && (paper ?? null) === null ? '' : `${fmtNum(ours)} ${ctx.c.dim(`(${fmtNum(paper)})`)}`;
  const rows = t.rows.map((r) => [r.label, ...t.columns.map((_, j) => cell(r.ours[j], r.paper[j]))]);
  return table(['', ...t.columns], rows, ctx.c);
}

export async function runCommand(ctx: Ctx, arg: string, o: RunOptions, mode: 'run' | 'sweep' | 'doctor'): Promise<number> {
  const target = resolveTarget(arg);
  if (target.kind === 'records') {
    throw new UsageError(`${arg} is a run record; ${mode === 'doctor' ? 'this cannot happen' : `read it with 'gradlab doctor ${arg}' or 'gradlab report ${arg}'`}`);
  }
  const sets = parseSets(o.set);
  const axes = gridAxes(o.grid);
  let p: Plan;
  if (target.kind === 'spec') {
    const spec = Object.keys(axes).length > 0 ? { ...target.spec, sweep: { ...(target.spec.sweep ?? {}), ...axes } } : target.spec;
    p = plan({ spec }, { quick: o.quick, sets });
  } else {
    if (Object.keys(axes).length > 0) throw new UsageError(`--grid works on a spec file; catalogue entries run their own variants (use --set to change them all)`);
    p = plan({ entry: target.entry }, { quick: o.quick, sets });
  }
  if (mode === 'sweep' && p.runs.length < 2)
    throw new UsageError(`${arg} has a single configuration; add a "sweep": { "model.depth": [4, 8] } to the spec or --grid model.depth=4,8`);

  const source = dataSource(o.dataDir);
  const e = p.entry;
  if (!ctx.json) {
    ctx.say(ctx.c.bold(e ? `${e.id} — ${e.title[ctx.lang]}` : `${p.name}`));
    if (e) ctx.say(ctx.c.dim(e.about[ctx.lang]));
    ctx.say('');
  }
  const { dir, outcomes } = await executePlan(ctx, p, {
    outDir: o.out,
    source,
    onDone: (oc) => printOutcome(ctx, oc, mode === 'doctor', p.runs.length > 1),
  });

  let verdict: { ok: boolean; text: string } | null = null;
  if (e?.verdict && outcomes.length === p.runs.length) {
    const v = e.verdict(outcomes.map((x) => x.result));
    verdict = { ok: v.ok, text: v.text[ctx.lang] };
    ctx.say(`${v.ok ? ctx.c.green('✓') : ctx.c.red('✗')} ${ctx.c.bold('Verdict')}: ${verdict.text}`);
  }
  let paper: PaperTable | null = null;
  if (e?.measure) {
    const task = startTask(ctx, ctx.lang === 'fr' ? 'mesure' : 'measurement');
    paper = await e.measure({ source, quick: o.quick, onProgress: (d, t) => task.update(d, t) });
    task.end(true, paper.title);
    ctx.say('');
    ctx.say(ctx.c.bold(paper.title));
    ctx.say(ctx.c.dim(ctx.lang === 'fr' ? '  nos valeurs (celles de l’article)' : '  ours (the paper’s)'));
    ctx.say(paperTable(paper, ctx));
    if (paper.note) ctx.say(ctx.c.dim(paper.note[ctx.lang]));
  }

  const wantReport = mode === 'doctor' ? o.html !== undefined : o.report;
  let report: string | null = null;
  if (wantReport && outcomes.length > 0) {
    report = await writeReport(o.html ?? join(dir, 'report.html'), outcomes.map(reportRun), {
      lang: ctx.lang,
      title: e ? `${e.id} — ${e.title[ctx.lang]}` : p.name,
    });
    ctx.say('');
    ctx.say(`${ctx.lang === 'fr' ? 'Rapport' : 'Report'}: ${ctx.c.cyan(report)}`);
  }

  const failed = outcomes.some((x) => x.result.status === 'failed');
  const findings = outcomes.flatMap((x) => x.result.findings);
  const code = failed ? EXIT.runFailed : failsOn(findings, o.failOn) ? EXIT.findings : EXIT.ok;
  if (ctx.json) {
    ctx.out.write(
      `${JSON.stringify({ command: mode, name: p.name, dir: resolve(dir), report, runs: outcomes.map(outcomeJson), verdict, paper, exitCode: code }, null, 2)}\n`,
    );
  }
  return code;
}

function printOutcome(ctx: Ctx, oc: Outcome, full: boolean, many: boolean): void {
  if (ctx.json) return;
  const r = oc.result;
  const first = r.records[0];
  ctx.say(ctx.c.bold(`── ${oc.label}`) + ctx.c.dim(` ─ ${r.dir}`));
  if (r.status === 'failed') ctx.say(`  ${ctx.c.red('run failed')}: ${r.error ?? ''}`);
  if (first) {
    ctx.say(ctx.c.dim(`  at step ${first.step}:`));
    ctx.say(layerTable(first, ctx.c, ctx.lang));
  }
  if (full || !many) printFindings(ctx, r.findings);
  else printFindingLines(ctx, r.findings);
  ctx.say('');
}
