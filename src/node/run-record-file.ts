/**
 * Run records on disk (Node). Lines are appended as a run makes them, so a crash leaves a
 * readable record (the reader drops a cut last line); whole records are written atomically.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import type { Finding } from '../diagnostics/detectors/types.js';
import { readRunRecord } from '../diagnostics/record/reader.js';
import type { RunRecord, StepRecord } from '../diagnostics/record/types.js';
import { RunRecordWriter, formatRunRecord, type RunHeaderOptions } from '../diagnostics/record/writer.js';
import { writeFileAtomic } from './atomic-write.js';
import { checkPath, fileError } from './file-error.js';
import { readBytesSync } from './read-bytes.js';

/** Runtime facts for a run-record header: Node version, platform, CPU. */
export function nodeEnvironment(extra: Record<string, string | number | boolean | null> = {}): Record<string, string | number | boolean | null> {
  const cpu = cpus();
  return {
    runtime: `node ${process.version}`,
    platform: platform(),
    arch: arch(),
    cpu: cpu[0]?.model ?? null,
    cores: cpu.length,
    ...extra,
  };
}

/**
 * A run record being written: the header goes out on construction (the file is created or
 * truncated), then each `step` / `finding` / `end` is appended as one line.
 */
export class RunRecordFile {
  private readonly writer: RunRecordWriter;
  constructor(readonly path: string, opts: RunHeaderOptions = {}) {
    this.writer = new RunRecordWriter({ ...opts, environment: opts.environment ?? nodeEnvironment() });
    checkPath('RunRecordFile', path);
    const head = this.writer.header();
    try {
      writeFileSync(path, head);
    } catch (err) {
      throw fileError('RunRecordFile', path, err);
    }
  }
  private append(op: string, line: string): void {
    try {
      appendFileSync(this.path, line);
    } catch (err) {
      throw fileError(op, this.path, err);
    }
  }
  step(rec: StepRecord): void {
    this.append('RunRecordFile.step', this.writer.step(rec));
  }
  finding(f: Finding): void {
    this.append('RunRecordFile.finding', this.writer.finding(f));
  }
  end(status: 'completed' | 'failed' | 'stopped' = 'completed', error?: string): void {
    this.append('RunRecordFile.end', this.writer.end(status, error));
  }
}

/** Write a whole record atomically (readers see the old file or the new one, never half). */
export async function writeRunRecordFile(
  path: string,
  parts: { steps: readonly StepRecord[]; findings?: readonly Finding[]; status?: 'completed' | 'failed' | 'stopped'; error?: string },
  opts: RunHeaderOptions = {},
): Promise<void> {
  await writeFileAtomic(path, formatRunRecord(parts, { ...opts, environment: opts.environment ?? nodeEnvironment() }));
}

/**
 * Read and validate a run record file (see readRunRecord: strict UTF-8, a leading byte-order mark
 * ignored). A missing file, a directory or an unreadable one is a FileError naming the path.
 */
export function readRunRecordFile(path: string): RunRecord {
  checkPath('readRunRecordFile', path);
  let bytes: Uint8Array;
  try {
    bytes = readBytesSync('readRunRecordFile', path);
  } catch (err) {
    throw fileError('readRunRecordFile', path, err);
  }
  try {
    return readRunRecord(bytes);
  } catch (err) {
    throw fileError('readRunRecordFile', path, err);
  }
}
