import { ValueError } from '../../tensor/errors.js';
import type { Finding } from '../detectors/types.js';
import {
  LIBRARY_VERSION,
  RUN_RECORD_FORMAT,
  RUN_RECORD_VERSION,
  type RunEnd,
  type RunHeader,
  type StepRecord,
} from './types.js';
import { SchemaMismatch, encodeNonFinite, validateLine } from './validate.js';

const OP = 'RunRecordWriter';

export interface RunHeaderOptions {
  seed?: number | null;
  spec?: unknown;
  environment?: Record<string, string | number | boolean | null>;
  /** ISO time, a Date, or null; default: now. */
  createdAt?: string | Date | null;
  probe?: unknown;
}

/** Encode one record line (non-finite numbers as strings), validated, with its newline. */
export function encodeRunLine(value: RunHeader | StepRecord | (Finding & { type: 'finding' }) | RunEnd): string {
  const text = JSON.stringify(value, encodeNonFinite);
  try {
    validateLine(JSON.parse(text));
  } catch (e) {
    if (!(e instanceof SchemaMismatch)) throw e;
    throw new ValueError(OP, `refusing to write an invalid '${String((value as { type?: unknown }).type)}' line: ${e.message}`);
  }
  return `${text}\n`;
}

/**
 * Produces the lines of a run record, in order: `header()` first, then `step(record)` for each
 * recorded step (increasing step numbers), `finding(f)` for each finding, and `end()`. Each call
 * returns one line with its newline, ready to append to a file or send over a socket; the writer
 * does no I/O (see src/node/run-record-file.ts for files). Every line is validated before it is
 * returned, so a writer never produces a record its reader refuses.
 */
export class RunRecordWriter {
  private readonly headerLine: RunHeader;
  private state: 'new' | 'steps' | 'findings' | 'ended' = 'new';
  private lastStep = -1;
  private nSteps = 0;

  constructor(opts: RunHeaderOptions = {}) {
    const seed = opts.seed ?? null;
    if (seed !== null && !(Number.isInteger(seed) && seed >= 0))
      throw new ValueError(OP, `seed must be a non-negative integer or null, got ${seed}`);
    const at = opts.createdAt === undefined ? new Date() : opts.createdAt;
    this.headerLine = {
      type: 'header',
      format: RUN_RECORD_FORMAT,
      version: RUN_RECORD_VERSION,
      createdAt: at instanceof Date ? at.toISOString() : at,
      library: { name: 'gradlab', version: LIBRARY_VERSION },
      seed,
      spec: opts.spec ?? null,
      environment: { ...(opts.environment ?? {}) },
      ...(opts.probe !== undefined ? { probe: opts.probe } : {}),
    };
  }

  /** Number of step lines written so far. */
  get steps(): number {
    return this.nSteps;
  }

  header(): string {
    if (this.state !== 'new') throw new ValueError(OP, 'header() was already written; it is the first line and comes once');
    const line = encodeRunLine(this.headerLine);
    this.state = 'steps';
    return line;
  }

  step(rec: StepRecord): string {
    this.expect(['steps'], 'step');
    if (!(rec.step > this.lastStep))
      throw new ValueError(OP, `step ${rec.step} does not come after step ${this.lastStep}; steps must increase`);
    const line = encodeRunLine({ ...rec, type: 'step' });
    this.lastStep = rec.step;
    this.nSteps++;
    return line;
  }

  finding(f: Finding): string {
    this.expect(['steps', 'findings'], 'finding');
    const line = encodeRunLine({ type: 'finding', ...f });
    this.state = 'findings';
    return line;
  }

  end(status: RunEnd['status'] = 'completed', error?: string): string {
    this.expect(['steps', 'findings'], 'end');
    const line = encodeRunLine({ type: 'end', steps: this.nSteps, status, ...(error !== undefined ? { error } : {}) });
    this.state = 'ended';
    return line;
  }

  private expect(states: string[], what: string): void {
    if (states.includes(this.state)) return;
    const why =
      this.state === 'new' ? 'write header() first' : this.state === 'ended' ? 'the record already ended' : 'steps come before findings';
    throw new ValueError(OP, `cannot write a ${what} line now: ${why}`);
  }
}

/** A whole record as text: header, steps, findings, end. */
export function formatRunRecord(
  parts: { steps: readonly StepRecord[]; findings?: readonly Finding[]; status?: RunEnd['status']; error?: string },
  opts: RunHeaderOptions = {},
): string {
  const w = new RunRecordWriter(opts);
  let out = w.header();
  for (const s of parts.steps) out += w.step(s);
  for (const f of parts.findings ?? []) out += w.finding(f);
  return out + w.end(parts.status ?? 'completed', parts.error);
}
