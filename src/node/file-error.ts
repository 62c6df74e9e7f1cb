/**
 * File-system failures as typed errors. Node's own errors (ENOENT, EISDIR…) say what the system
 * call saw, not what the user should do; these name the path, the problem and the fix.
 */
import { FileError, GradlabError, ValueError } from '../tensor/errors.js';

const WHY: Record<string, string> = {
  ENOENT: 'no such file or directory; check the path (relative paths start from the current directory)',
  EISDIR: 'is a directory, not a file; pass the path of a file inside it',
  ENOTDIR: 'a part of the path is a file, not a directory; check the path',
  EACCES: 'permission denied; check the file’s and its directory’s permissions',
  EPERM: 'operation not permitted; check the file’s permissions',
  EROFS: 'the file system is read-only; write somewhere else',
  ENOSPC: 'no space left on the device; free some space or write elsewhere',
  EMFILE: 'too many open files in this process; close some files',
  ENAMETOOLONG: 'the path is too long; use a shorter path',
  EEXIST: 'a file already exists there',
};

/**
 * `err` (thrown by a node:fs call on `path` inside `op`) as a GradlabError that names the path:
 * a GradlabError keeps its kind and gets the path in front of its message; a system error becomes
 * a FileError with Node's `code`.
 */
export function fileError(op: string, path: string, err: unknown): GradlabError {
  if (err instanceof GradlabError) {
    const Kind = err.constructor as new (op: string, message: string) => GradlabError;
    const e = new Kind(op, `${path}: ${err.message.slice(err.op.length + 2)}`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  const code = (err as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' ? WHY[code] : undefined;
  const why = known ?? `${String((err as Error | null)?.message ?? err)}`;
  const e = new FileError(op, `${path}: ${why}`);
  (e as { cause?: unknown }).cause = err;
  if (typeof code === 'string') e.code = code;
  return e;
}

/** A path argument: a non-empty string, else a ValueError. */
export function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string' || path === '')
    throw new ValueError(op, `path must be a non-empty string, got ${path === '' ? 'an empty string' : JSON.stringify(path) ?? typeof path}`);
  return path;
}
