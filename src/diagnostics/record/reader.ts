import { FormatError, ValueError } from '../../tensor/errors.js';
import type { Finding } from '../detectors/types.js';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunEnd, type RunHeader, type RunRecord, type StepRecord } from './types.js';
import { SchemaMismatch, validateLine } from './validate.js';

const OP = 'readRunRecord';

/**
 * Read a run record (JSON Lines text, docs/run-record.md) and validate every line against
 * `runRecordSchema`.
 *
 * A run that crashed while writing leaves its last line incomplete: such a line (the last one,
 * without its newline, not valid JSON or not a valid record line) is dropped and the result says
 * `truncated: true`. Anything else that is wrong — a bad line in the middle, a missing header, a
 * record from a newer format version, lines out of order — throws a FormatError naming the line.
 * Blank lines are ignored; `\r\n` line ends are accepted.
 *
 * Encoding: UTF-8. Bytes (a Uint8Array) are decoded strictly — invalid UTF-8 is a FormatError
 * naming its byte offset, never silently replaced. A byte-order mark at the very start of the
 * text is ignored (editors on Windows add one); anywhere else it is an error that names it.
 */
export function readRunRecord(input: string | Uint8Array): RunRecord {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = decodeUtf8(input);
  else
    throw new ValueError(
      OP,
      `expected the file's text (a string) or its bytes (a Uint8Array), got ${input === null ? 'null' : typeof input}`,
    );
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const raw = text.split('\n');
  const terminated = raw[raw.length - 1] === '';
  if (terminated) raw.pop();
  let lastContent = raw.length - 1;
  while (lastContent >= 0 && raw[lastContent]!.trim() === '') lastContent--;
  if (lastContent < 0) throw new FormatError(OP, 'the text is empty; a run record starts with a header line {"type":"header",...}');

  let header: RunHeader | null = null;
  const steps: StepRecord[] = [];
  const findings: Finding[] = [];
  let end: RunEnd | null = null;
  let truncated = false;

  for (let i = 0; i <= lastContent; i++) {
    const line = raw[i]!.endsWith('\r') ? raw[i]!.slice(0, -1) : raw[i]!;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const mayBeCut = i === lastContent && !terminated;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (mayBeCut && header !== null) {
        truncated = true;
        break;
      }
      if (line.includes('\uFEFF'))
        throw new FormatError(
          OP,
          `line ${lineNo}: a byte-order mark (U+FEFF) inside the text; only the very start of a file may hold one — ` +
            'were two files concatenated? Remove the mark or split the files',
        );
      throw new FormatError(
        OP,
        `line ${lineNo}: not valid JSON (${(e as Error).message})${header === null && mayBeCut ? ' — the header line is incomplete' : ''}; ` +
          'the record is corrupt: every line must be one JSON object',
      );
    }
    if (header === null) {
      header = readHeader(value, lineNo);
      continue;
    }
    let decoded: { type: string };
    try {
      decoded = validateLine(value) as { type: string };
    } catch (e) {
      if (!(e instanceof SchemaMismatch)) throw e;
      if (mayBeCut) {
        truncated = true;
        break;
      }
      throw new FormatError(OP, `line ${lineNo}: ${e.path || '/'}: ${e.detail}; the line does not follow the run-record schema (docs/run-record.md)`);
    }
    if (end !== null) throw new FormatError(OP, `line ${lineNo}: a '${decoded.type}' line after the end line; the end line must be last`);
    switch (decoded.type) {
      case 'header':
        throw new FormatError(OP, `line ${lineNo}: a second header; two records were concatenated? Split them into separate files`);
      case 'step': {
        const s = decoded as unknown as StepRecord;
        const prev = steps[steps.length - 1];
        if (findings.length > 0) throw new FormatError(OP, `line ${lineNo}: a step line after the findings; findings come after all steps`);
        if (prev && s.step <= prev.step)
          throw new FormatError(OP, `line ${lineNo}: step ${s.step} does not come after step ${prev.step}; steps must increase`);
        steps.push(s);
        break;
      }
      case 'finding': {
        const { type: _t, ...f } = decoded as unknown as Finding & { type: string };
        findings.push(f as Finding);
        break;
      }
      case 'end':
        end = decoded as unknown as RunEnd;
        break;
    }
  }
  return { header: header!, steps, findings, end, truncated };
}

function readHeader(value: unknown, lineNo: number): RunHeader {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || v.type !== 'header' || v.format !== RUN_RECORD_FORMAT)
    throw new FormatError(
      OP,
      `line ${lineNo}: expected the header {"type":"header","format":"${RUN_RECORD_FORMAT}",...}; this is not a gradlab run record`,
    );
  if (typeof v.version === 'number' && v.version > RUN_RECORD_VERSION)
    throw new FormatError(
      OP,
      `line ${lineNo}: format version ${v.version} is newer than this reader (version ${RUN_RECORD_VERSION}); upgrade gradlab to read it`,
    );
  try {
    return validateLine(v) as RunHeader;
  } catch (e) {
    if (!(e instanceof SchemaMismatch)) throw e;
    throw new FormatError(OP, `line ${lineNo}: header ${e.path || '/'}: ${e.detail}; the header does not follow the run-record schema`);
  }
}

/** Strict UTF-8 decoding: a FormatError naming the offset of the first invalid byte. */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const [at, cut] = firstInvalidUtf8(bytes);
    // a write cut inside a character (the process died mid-line): the last line is incomplete
    // anyway, and the reader drops it as a cut line
    if (cut) return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, at));
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new FormatError(
      OP,
      `the bytes are not valid UTF-8 (line ${line}, byte offset ${at}: 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}); ` +
        'a run record is UTF-8 text — re-encode the file as UTF-8 or re-create it',
    );
  }
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, and
 * whether that sequence is merely cut by the end of the bytes.
 */
function firstInvalidUtf8(b: Uint8Array): [number, boolean] {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return [i, false];
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return [i, true];
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return [i, false];
    }
    i += n + 1;
  }
  return [b.length, false];
}
