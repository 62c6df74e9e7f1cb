/**
 * Run records on disk (Node). Lines are appended as a run makes them, so a crash leaves a
 * readable record (the reader drops a cut last line); whole records are written atomically.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import type { Finding } from '../diagnostics/detectors/types.js';
import { readRunRecord } from '../diagnostics/record/reader.js';
import type { RunRecord, StepRecord } from '../diagnostics/record/types.js';
import { RunRecordWriter, formatRunRecord, type RunHeaderOptions } from '../diagnostics/record/writer.js';
import { writeFileAtomic } from './atomic-write.js';

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
    writeFileSync(path, this.writer.header());
  }
  step(rec: StepRecord): void {
    appendFileSync(this.path, this.writer.step(rec));
  }
  finding(f: Finding): void {
    appendFileSync(this.path, this.writer.finding(f));
  }
  end(status: 'completed' | 'failed' | 'stopped' = 'completed', error?: string): void {
    appendFileSync(this.path, this.writer.end(status, error));
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

/** Read and validate a run record file (see readRunRecord). */
export function readRunRecordFile(path: string): RunRecord {
  return readRunRecord(readFileSync(path, 'utf8'));
}
