/**
 * Exit codes and the errors that map to them. Everything a user can get wrong ends in a one-line
 * reason that names the fix, never a stack trace; only an unexpected error (a bug) exits 70
 * (EX_SOFTWARE), and shows its stack under --debug.
 */
import { GradlabError } from '../tensor/errors.js';

export const EXIT = {
  ok: 0,
  /** Findings at or above --fail-on. */
  findings: 1,
  /** Bad command line, missing or unreadable file, invalid spec, corrupt data or record. */
  usage: 2,
  /** A run failed (non-finite loss with stopOnNonFinite, an error inside training). */
  runFailed: 3,
  /** A bug in gradlab. */
  internal: 70,
} as const;

/** A mistake on the command line or in an input file: message says what and how to fix it. */
export class UsageError extends GradlabError {
  constructor(message: string, readonly showHelp = false) {
    super('gradlab', message);
  }
}

/** Ends the command with an exit code after its output was printed (not an error). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const FS_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A Node file-system error as a one-line reason, or null when it is not one. */
export function fsReason(e: unknown): string | null {
  const err = e as { code?: unknown; path?: unknown };
  if (typeof err?.code !== 'string' || !(err.code in FS_CODES)) return null;
  return `${typeof err.path === 'string' ? `${err.path}: ` : ''}${FS_CODES[err.code]}`;
}

/** The one line to print and the exit code for an error that reached the top. */
export function describeError(e: unknown): { message: string; code: number; internal: boolean } {
  if (e instanceof GradlabError) {
    // GradlabError messages start with the op ("parseSpec: …"); the command's own say "gradlab: …".
    return { message: e.message.startsWith('gradlab: ') ? e.message.slice(9) : e.message, code: EXIT.usage, internal: false };
  }
  const fs = fsReason(e);
  if (fs !== null) return { message: fs, code: EXIT.usage, internal: false };
  const msg = e instanceof Error ? e.message : String(e);
  return { message: `internal error: ${msg.split('\n')[0]} (this is a bug in gradlab; run again with --debug for the stack trace and report it)`, code: EXIT.internal, internal: true };
}
