/**
 * What a command argument names: a catalogue entry, a spec file (JSON or YAML), a run record
 * (run.jsonl, any producer of the format), a run directory (holding run.jsonl) or a sweep
 * directory (holding index.json). Unreadable files and bad contents end in a UsageError or the
 * library's typed error, each naming the file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { readRunRecord } from '../diagnostics/record/reader.js';
import type { RunRecord } from '../diagnostics/record/types.js';
import { getEntry, type CatalogueEntry } from '../lab/catalogue/index.js';
import { parseSpecText, type Spec } from '../lab/spec/index.js';
import { GradlabError } from '../tensor/errors.js';
import { UsageError, fsReason } from './errors.js';

export type Target =
  | { kind: 'entry'; entry: CatalogueEntry }
  | { kind: 'spec'; spec: Spec; path: string }
  | { kind: 'records'; paths: string[] };

export interface LoadedRecord {
  path: string;
  record: RunRecord;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(fsReason(e) ?? `${path}: cannot read (${(e as Error).message})`);
  }
}

const looksLikePath = (s: string): boolean => /[\\/]/.test(s) || /\.(jsonl|json|ya?ml)$/i.test(s);

/** Run records under a directory: its run.jsonl, or every point of a sweep (index.json), or the run.jsonl of each sub-directory. */
function recordsInDir(dir: string): string[] {
  const direct = join(dir, 'run.jsonl');
  if (existsSync(direct)) return [direct];
  const index = join(dir, 'index.json');
  let listed: string[] = [];
  if (existsSync(index)) {
    try {
      const points = (JSON.parse(readText(index)) as { points?: { dir?: unknown }[] }).points ?? [];
      listed = points.map((p) => join(dir, String(p.dir), 'run.jsonl')).filter((p) => existsSync(p));
    } catch (e) {
      if (e instanceof GradlabError) throw e;
      throw new UsageError(`${index}: not valid JSON (${(e as Error).message}); is this a sweep directory written by gradlab sweep?`);
    }
  }
  // The sweep's points in their order, then any other run directory inside (e.g. the tour's remedied net).
  const subs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(dir, d.name, 'run.jsonl'))
    .filter((p) => existsSync(p) && !listed.includes(p))
    .sort();
  if (listed.length + subs.length > 0) return [...listed, ...subs];
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
  if (files.length > 0) return files;
  throw new UsageError(`${dir}: no run record here (no run.jsonl, no index.json, no *.jsonl); give a run.jsonl file or a directory written by gradlab run`);
}

/** Is this text a run record (its first line a run-record header)? */
function isRecordText(text: string): boolean {
  const first = text.trimStart().slice(0, 200);
  return first.startsWith('{') && /"type"\s*:\s*"header"/.test(first.split('\n')[0]!);
}

export function resolveTarget(arg: string): Target {
  if (existsSync(arg)) {
    if (statSync(arg).isDirectory()) return { kind: 'records', paths: recordsInDir(arg) };
    const ext = extname(arg).toLowerCase();
    const text = readText(arg);
    if (ext === '.jsonl' || isRecordText(text)) return { kind: 'records', paths: [arg] };
    if (ext === '.json' || ext === '.yaml' || ext === '.yml' || ext === '') return { kind: 'spec', spec: parseSpecText(text, arg), path: arg };
    throw new UsageError(`${arg}: expected a spec (.json, .yaml) or a run record (.jsonl), got a '${ext}' file`);
  }
  if (looksLikePath(arg)) throw new UsageError(`${arg}: no such file or directory`);
  return { kind: 'entry', entry: getEntry(arg) };
}

/** Read and validate one run record; a corrupt one is a FormatError naming the file and the line. */
export function loadRecord(path: string): LoadedRecord {
  const text = readText(path);
  try {
    return { path, record: readRunRecord(text) };
  } catch (e) {
    if (e instanceof GradlabError) throw new UsageError(`${path}: ${e.message.replace(/^readRunRecord: /, '')}`);
    throw e;
  }
}

/** Every record named by the arguments (files, run directories, sweep directories), in order. */
export function recordPaths(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!existsSync(a)) throw new UsageError(`${a}: no such file or directory`);
    out.push(...(statSync(a).isDirectory() ? recordsInDir(a) : [a]));
  }
  return out;
}

/** A short name for a record file: its run directory's name for run.jsonl, else the file name. */
export function recordName(path: string): string {
  const b = basename(path);
  return b === 'run.jsonl' ? basename(join(path, '..')) : b.replace(/\.jsonl$/, '');
}
