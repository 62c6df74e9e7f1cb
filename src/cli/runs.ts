/**
 * Running specs for the command: what to run (a catalogue entry's variants, a spec, a spec's
 * sweep grid, with --set overrides), running each into its directory with progress, and turning
 * the results into what the printers, the report and --json need.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '../diagnostics/detectors/types.js';
import { readRunRecord } from '../diagnostics/record/reader.js';
import { entrySpecs, type CatalogueEntry } from '../lab/catalogue/index.js';
import type { DataSource } from '../lab/data/source.js';
import { nodeDataSource } from '../lab/node/data-source.js';
import { runToDir, safeName, type DirRunResult } from '../lab/node/run-dir.js';
import { expandSweep, parseSetArg, setPaths, type Spec } from '../lab/spec/index.js';
import { writeFileAtomicSync } from '../node/atomic-write.js';
import type { ReportRun } from '../report/view.js';
import type { Ctx } from './context.js';
import { UsageError } from './errors.js';
import { fmtNum, fmtPct } from './format.js';
import { startTask } from './progress.js';

export interface Planned {
  label: string;
  spec: Spec;
  /** Directory name (after the number) when several runs share a folder; default from the label. */
  dir?: string;
}

export interface Plan {
  /** The entry id or the spec's name: the runs go to <out>/<name>/. */
  name: string;
  entry: CatalogueEntry | null;
  runs: Planned[];
}

/** `--set key=value` arguments as one object of overrides. */
export function parseSets(sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const { path, value } = parseSetArg(s);
    out[path] = value;
  }
  return out;
}

/** The runs of an entry (its variants) or a spec (its sweep grid, or itself), overrides applied last. */
export function plan(target: { entry: CatalogueEntry } | { spec: Spec }, opts: { quick?: boolean; sets?: Record<string, unknown> }): Plan {
  const sets = opts.sets ?? {};
  const override = (s: Spec, where: string): Spec => (Object.keys(sets).length > 0 ? setPaths(s, sets, `--set (${where})`) : s);
  if ('entry' in target) {
    const e = target.entry;
    return { name: e.id, entry: e, runs: entrySpecs(e, { quick: opts.quick }).map((r) => ({ label: r.label, spec: override(r.spec, r.label) })) };
  }
  const spec = override(target.spec, target.spec.name);
  const points = expandSweep(spec);
  return { name: spec.name, entry: null, runs: points.map((p) => ({ label: p.label === '' ? spec.name : p.label, spec: p.spec })) };
}

export function dataSource(dataDir: string | undefined): DataSource {
  if (dataDir !== undefined && !(existsSync(dataDir) && statSync(dataDir).isDirectory()))
    throw new UsageError(`--data-dir ${dataDir}: no such directory; give the folder that holds the IDX files (train-images-idx3-ubyte[.gz], …)`);
  return nodeDataSource(dataDir === undefined ? {} : { dataDir });
}

export interface Outcome {
  label: string;
  result: DirRunResult;
  seconds: number;
}

/** Run every planned spec into <outDir>/<name>/ (one run) or <outDir>/<name>/<k>-<label>/ (several), one after the other. */
export async function executePlan(
  ctx: Ctx,
  p: Plan,
  opts: { outDir: string; source: DataSource; checkpointEvery?: number; onDone?: (o: Outcome, i: number) => void },
): Promise<{ dir: string; outcomes: Outcome[] }> {
  const many = p.runs.length > 1;
  const dir = join(opts.outDir, safeName(p.name));
  mkdirSync(dir, { recursive: true });
  const width = Math.max(2, String(p.runs.length).length);
  const dirNames = p.runs.map((r, i) => `${String(i + 1).padStart(width, '0')}-${r.dir ?? safeName(r.label.replace(/[²³]/g, ''))}`);
  const outcomes: Outcome[] = [];
  for (const [i, r] of p.runs.entries()) {
    const label = many ? `[${i + 1}/${p.runs.length}] ${r.label}` : r.label;
    const task = startTask(ctx, label, r.spec.steps);
    const result = await runToDir(r.spec, {
      outDir: many ? dir : opts.outDir,
      dirName: many ? dirNames[i] : safeName(p.name),
      source: opts.source,
      lang: ctx.lang,
      label: r.label,
      checkpointEvery: opts.checkpointEvery ?? 100,
      onProgress: (q) => task.update(q.step, q.total, q.loss),
    });
    const o: Outcome = { label: r.label, result, seconds: task.elapsed() };
    task.end(result.status === 'completed', runSummary(result, ctx.lang));
    outcomes.push(o);
    opts.onDone?.(o, i);
  }
  if (many) {
    const index = outcomes.map((o, i) => ({
      label: o.label,
      dir: dirNames[i],
      status: o.result.status,
      steps: o.result.steps,
      ...(o.result.error !== undefined ? { error: o.result.error } : {}),
      findings: o.result.findings.map((f) => f.id),
      final: o.result.metrics.at(-1) ?? null,
    }));
    writeFileAtomicSync(join(dir, 'index.json'), `${JSON.stringify({ name: p.name, points: index }, null, 2)}\n`);
  }
  return { dir: many ? dir : join(opts.outDir, safeName(p.name)), outcomes };
}

export function finalAccuracy(r: DirRunResult): number | null {
  for (let i = r.metrics.length - 1; i >= 0; i--) {
    const m = r.metrics[i]!;
    const a = m.testAccuracy ?? m.accuracy;
    if (a !== undefined) return a;
  }
  return null;
}

export function runSummary(r: DirRunResult, lang: 'en' | 'fr' = 'en'): string {
  const fr = lang === 'fr';
  const s = (n: number): string => (n === 1 ? '' : 's');
  if (r.status === 'failed') return `${fr ? `échec après ${r.steps} pas` : `failed after ${r.steps} step${s(r.steps)}`}: ${r.error ?? '?'}`;
  const last = r.metrics.at(-1);
  const acc = finalAccuracy(r);
  const parts = [fr ? `${r.steps} pas` : `${r.steps} step${s(r.steps)}`, `${fr ? 'perte' : 'loss'} ${fmtNum(last?.loss)}`];
  if (acc !== null) parts.push(`${fr ? 'exactitude' : 'accuracy'} ${fmtPct(acc)}`);
  const n = r.findings.length;
  parts.push(fr ? (n === 0 ? 'aucun diagnostic' : `${n} diagnostic${s(n)}`) : n === 0 ? 'no finding' : `${n} finding${s(n)}`);
  if (r.status === 'stopped') parts.push(fr ? 'arrêtée' : 'stopped');
  return parts.join(', ');
}

/** A run as the report takes it: the record read back from its lines, the runner's per-step metrics, its label and directory. */
export function reportRun(o: Outcome): ReportRun {
  return { record: readRunRecord(o.result.lines.join('')), label: o.label, metrics: o.result.metrics, source: o.result.dir };
}

/** A finding for --json: everything but the structured remedy actions (functions of the model). */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    id: f.id,
    severity: f.severity,
    layers: f.layers,
    step: f.step,
    message: f.message,
    explanation: f.explanation,
    remedies: f.remedies.map((r) => ({ text: r.text, ...(r.code !== undefined ? { code: r.code } : {}) })),
    evidence: f.evidence,
  };
}

export function outcomeJson(o: Outcome): Record<string, unknown> {
  const r = o.result;
  const last = r.metrics.at(-1);
  return {
    label: o.label,
    dir: resolve(r.dir),
    record: resolve(r.dir, 'run.jsonl'),
    status: r.status,
    ...(r.error !== undefined ? { error: r.error } : {}),
    steps: r.steps,
    seconds: Number(o.seconds.toFixed(3)),
    finalLoss: last === undefined ? null : Number.isFinite(last.loss) ? last.loss : String(last.loss),
    finalAccuracy: finalAccuracy(r),
    findings: r.findings.map(findingJson),
  };
}
