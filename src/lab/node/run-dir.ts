/**
 * Runs on disk (Node). `runToDir(spec, { outDir })` writes `<outDir>/<name>/`:
 *
 * - `run.jsonl` — the run record, appended line by line as the run makes it (a crash leaves a
 *   readable record: everything up to the last complete line);
 * - `spec.json` — the parsed spec (every default filled), written first;
 * - `checkpoint.safetensors` — the whole training state every `checkpointEvery` steps and where
 *   a run was stopped (./checkpoint-file.ts);
 * - `model.safetensors` — the final weights (PyTorch-loadable state dict), at the end.
 *
 * `resumeRun(dir)` continues from the checkpoint: run.jsonl is cut back to the lines the
 * checkpoint covers and the run goes on, so the final record and weights are bit for bit those
 * of an uninterrupted run. `sweepToDir` runs each grid point in its own sub-directory and keeps
 * an `index.json` of them.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradlabError } from '../../tensor/errors.js';
import type { Lang } from '../../diagnostics/explain/index.js';
import { writeFileAtomicSync } from '../../node/atomic-write.js';
import { save } from '../../node/checkpoint.js';
import { nodeEnvironment } from '../../node/run-record-file.js';
import type { DataSource } from '../data/source.js';
import { runSpec } from '../runner/run.js';
import type { RunCheckpoint, RunProgress, RunResult } from '../runner/types.js';
import { parseSpecText } from '../spec/parse.js';
import type { Spec } from '../spec/schema.js';
import { expandSweep } from '../spec/sweep.js';
import { loadRunCheckpoint, saveRunCheckpoint, textHash } from './checkpoint-file.js';
import { nodeDataSource } from './data-source.js';

export const RUN_FILES = { record: 'run.jsonl', spec: 'spec.json', checkpoint: 'checkpoint.safetensors', model: 'model.safetensors' } as const;

export interface RunToDirOptions {
  outDir: string;
  /** Sub-directory name (default: the spec's name, made safe for file systems). */
  dirName?: string;
  /** Where image files come from (default nodeDataSource()). */
  source?: DataSource;
  lang?: Lang;
  label?: string;
  onProgress?: (p: RunProgress) => void;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Checkpoint every k steps (default 100; 0: only where a run is stopped). */
  checkpointEvery?: number;
  createdAt?: string | Date | null;
}

export interface DirRunResult extends RunResult {
  /** The run's directory. */
  dir: string;
}

/** A file-system-safe name: letters, digits, '.', '_', '=', '-'; at most 80 characters. */
export function safeName(s: string): string {
  const out = s
    .normalize('NFKD')
    .replace(/[^\w.=-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);
  return out === '' ? 'run' : out;
}

function start(spec: Spec, dir: string, opts: RunToDirOptions, resume: RunCheckpoint | null): Promise<RunResult> {
  const record = join(dir, RUN_FILES.record);
  const every = opts.checkpointEvery ?? 100;
  return runSpec(spec, {
    source: opts.source ?? nodeDataSource(),
    lang: opts.lang,
    label: opts.label,
    onProgress: opts.onProgress,
    signal: opts.signal,
    createdAt: opts.createdAt,
    environment: nodeEnvironment(),
    ...(resume ? { resume } : {}),
    onLine: (line) => {
      if (line.startsWith('{"type":"header"')) writeFileSync(record, line);
      else appendFileSync(record, line);
      opts.onLine?.(line);
    },
    ...(every > 0 ? { checkpointEvery: every } : {}),
    onCheckpoint: (cp) => saveRunCheckpoint(cp, join(dir, RUN_FILES.checkpoint)),
  });
}

function finish(r: RunResult, dir: string): DirRunResult {
  save(r.model.stateDict(), join(dir, RUN_FILES.model), { metadata: { format: 'pt', 'gradlab.steps': String(r.steps), 'gradlab.status': r.status } });
  return { ...r, dir };
}

/** Run `spec` into `<outDir>/<name>/` (see the file comment); an existing run there is replaced. */
export async function runToDir(spec: Spec, opts: RunToDirOptions): Promise<DirRunResult> {
  const dir = join(opts.outDir, opts.dirName ?? safeName(spec.name));
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, RUN_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
  return finish(await start(spec, dir, opts, null), dir);
}

/**
 * Continue the run in `dir` from its checkpoint. Options as runToDir's (outDir unused). Throws a
 * GradlabError when there is nothing to resume: no checkpoint, a completed run, or a run.jsonl
 * that is not the one the checkpoint was made with.
 */
export async function resumeRun(dir: string, opts: Omit<RunToDirOptions, 'outDir' | 'dirName'> = {}): Promise<DirRunResult> {
  const files = { spec: join(dir, RUN_FILES.spec), record: join(dir, RUN_FILES.record), checkpoint: join(dir, RUN_FILES.checkpoint) };
  for (const f of [files.spec, files.record])
    if (!existsSync(f)) throw new GradlabError('resume', `${f}: no such file; is ${dir} a run directory written by runToDir?`);
  if (!existsSync(files.checkpoint))
    throw new GradlabError('resume', `${dir} has no ${RUN_FILES.checkpoint} (the run stopped before its first checkpoint); run it again from the start`);
  const spec = parseSpecText(readFileSync(files.spec, 'utf8'), files.spec);
  const text = readFileSync(files.record, 'utf8');
  const all = text.split(/(?<=\n)/);
  const last = all.at(-1) ?? '';
  if (/^\{"type":"end".*"status":"completed"/.test(last)) throw new GradlabError('resume', `${files.record}: the run already completed; nothing to resume`);
  const { checkpoint, info } = loadRunCheckpoint(files.checkpoint);
  const lines = all.slice(0, info.recordLines);
  if (lines.length !== info.recordLines || textHash(lines.join('')) !== info.recordHash)
    throw new GradlabError('resume', `${files.record} does not hold the ${info.recordLines} lines that ${RUN_FILES.checkpoint} was made with; the record was changed or belongs to another run`);
  writeFileAtomicSync(files.record, lines.join(''));
  const onLine = opts.onLine;
  const r = await start(spec, dir, { ...opts, outDir: dir, onLine }, { ...checkpoint, lines });
  return finish(r, dir);
}

export interface SweepToDirOptions extends Omit<RunToDirOptions, 'dirName' | 'label' | 'onProgress'> {
  /** Progress of the current point's run, with its place in the sweep. */
  onProgress?: (p: RunProgress & { point: number; points: number; label: string }) => void;
  /** Called when a point finishes. */
  onPoint?: (r: DirRunResult, point: number, points: number) => void;
}

export interface SweepIndexEntry {
  label: string;
  dir: string;
  status: RunResult['status'] | 'pending';
  steps: number;
  error?: string;
  findings: string[];
  final: RunResult['metrics'][number] | null;
}

/**
 * Every grid point of `spec.sweep` in `<outDir>/<name>/<k>-<label>/`, one after the other, and
 * `<outDir>/<name>/index.json` listing them (rewritten atomically after each point, so it shows
 * progress). Stops at the first point that `signal` stops.
 */
export async function sweepToDir(spec: Spec, opts: SweepToDirOptions): Promise<{ dir: string; results: DirRunResult[]; index: SweepIndexEntry[] }> {
  const points = expandSweep(spec);
  const dir = join(opts.outDir, safeName(spec.name));
  mkdirSync(dir, { recursive: true });
  const width = String(points.length).length;
  const index: SweepIndexEntry[] = points.map((p, i) => ({
    label: p.label,
    dir: `${String(i + 1).padStart(width, '0')}-${safeName(p.label === '' ? p.spec.name : p.label)}`,
    status: 'pending',
    steps: 0,
    findings: [],
    final: null,
  }));
  const writeIndex = (): void =>
    writeFileAtomicSync(join(dir, 'index.json'), `${JSON.stringify({ name: spec.name, spec, points: index }, null, 2)}\n`);
  writeIndex();
  const results: DirRunResult[] = [];
  for (const [i, p] of points.entries()) {
    if (opts.signal?.aborted) break;
    const r = await runToDir(p.spec, {
      ...opts,
      dirName: index[i]!.dir,
      outDir: dir,
      label: p.label,
      onProgress: opts.onProgress ? (q) => opts.onProgress!({ ...q, point: i, points: points.length, label: p.label }) : undefined,
    });
    results.push(r);
    index[i] = {
      ...index[i]!,
      status: r.status,
      steps: r.steps,
      ...(r.error !== undefined ? { error: r.error } : {}),
      findings: r.findings.map((f) => f.id),
      final: r.metrics.at(-1) ?? null,
    };
    writeIndex();
    opts.onPoint?.(r, i, points.length);
    if (r.status === 'stopped') break;
  }
  return { dir, results, index };
}
