/**
 * Atomic file replacement for Node: readers of `path` see either the old contents or the new,
 * never a half-written file, even if the process dies or the disk fills mid-write.
 *
 * The data goes to a temporary file in the same directory (`.<name>.<pid>.<random>.tmp`, so the
 * final rename stays on one file system), which is flushed to disk (fsync), then renamed over
 * `path`; finally the directory is fsynced so the rename itself survives a crash (best effort:
 * platforms that cannot fsync a directory skip it). On any failure the temporary file is removed
 * and the old file is left untouched. A symlink at `path` is followed: its target is replaced. An
 * existing file's permission bits are kept unless `mode` is given.
 *
 * A process killed mid-write leaves its temporary file behind. After each successful write, the
 * temporaries of the same target left by earlier writes are removed: only names of exactly the
 * pattern above for this target, written by a process that no longer runs, last modified before
 * the current write began (see staleTemps). Temporaries of other files, and those of a live
 * process (another writer at work), are never touched.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ValueError } from '../tensor/errors.js';
import { checkPath } from './file-error.js';

/** Bytes, text (written as UTF-8), or chunks of either, produced lazily. */
export type AtomicData = Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

export interface AtomicWriteOptions {
  /** Permission bits of the new file (default: the old file's, else 0o666 minus the umask). */
  mode?: number;
  /** Flush file and directory to disk before returning (default true). */
  fsync?: boolean;
}

const encoder = new TextEncoder();
const toBytes = (c: Uint8Array | string): Uint8Array => (typeof c === 'string' ? encoder.encode(c) : c);

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `<pid>.<12 hex digits>`: what tempPathFor puts between `.<name>.` and `.tmp`. */
const TEMP_ID = /^([0-9]+)\.[0-9a-f]{12}$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // it exists, owned by someone else
  }
}

/**
 * The names in `names` (entries of target's directory) that are temporaries of `target` left by a
 * dead process: exactly `.<basename>.<pid>.<12 hex>.tmp`, pid not this process and not running.
 * The caller also checks each one's mtime against the start of its own write.
 */
function staleTempNames(target: string, names: readonly string[]): string[] {
  const prefix = `.${basename(target)}.`;
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = TEMP_ID.exec(name.slice(prefix.length, -'.tmp'.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    out.push(name);
  }
  return out;
}

/** Remove stale temporaries of `target` modified before `startedAt` (ms); best effort. */
function removeStaleTempsSync(target: string, startedAt: number): void {
  try {
    const dir = dirname(target);
    for (const name of staleTempNames(target, fs.readdirSync(dir))) {
      const p = join(dir, name);
      try {
        const st = fs.lstatSync(p);
        if (st.isFile() && st.mtimeMs < startedAt) fs.unlinkSync(p);
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  } catch {
    /* an unreadable directory: nothing to clean */
  }
}

async function removeStaleTemps(target: string, startedAt: number): Promise<void> {
  try {
    const dir = dirname(target);
    for (const name of staleTempNames(target, await fsp.readdir(dir))) {
      const p = join(dir, name);
      try {
        const st = await fsp.lstat(p);
        if (st.isFile() && st.mtimeMs < startedAt) await fsp.unlink(p);
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  } catch {
    /* an unreadable directory: nothing to clean */
  }
}

async function resolveTarget(path: string): Promise<{ target: string; mode: number | undefined }> {
  try {
    const target = await fsp.realpath(path);
    return { target, mode: (await fsp.stat(target)).mode & 0o7777 };
  } catch {
    return { target: path, mode: undefined };
  }
}

function resolveTargetSync(path: string): { target: string; mode: number | undefined } {
  try {
    const target = fs.realpathSync(path);
    return { target, mode: fs.statSync(target).mode & 0o7777 };
  } catch {
    return { target: path, mode: undefined };
  }
}

function isChunkSource(data: unknown): data is Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> {
  return typeof data === 'object' && data !== null && !(data instanceof Uint8Array) &&
    (Symbol.iterator in data || Symbol.asyncIterator in data);
}

function checkArgs(op: string, path: unknown, data: unknown): void {
  checkPath(op, path);
  if (typeof data !== 'string' && !(data instanceof Uint8Array) && !isChunkSource(data))
    throw new ValueError(op, `data must be a Uint8Array, a string, or an iterable of them; got ${data === null ? 'null' : typeof data}`);
}

/** Replace the file at `path` with `data`, atomically (see the module comment). */
export async function writeFileAtomic(path: string, data: AtomicData, opts: AtomicWriteOptions = {}): Promise<void> {
  checkArgs('writeFileAtomic', path, data);
  const startedAt = Date.now();
  const { target, mode: oldMode } = await resolveTarget(path);
  const mode = opts.mode ?? oldMode;
  const tmp = tempPathFor(target);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await fh.chmod(mode);
    const chunks = isChunkSource(data) ? data : [data];
    for await (const c of chunks) {
      const b = toBytes(c);
      for (let off = 0; off < b.length; ) off += (await fh.write(b, off, b.length - off)).bytesWritten;
    }
    if (opts.fsync ?? true) await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, target);
  } catch (err) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (opts.fsync ?? true) await syncDir(dirname(target));
  await removeStaleTemps(target, startedAt);
}

/** Synchronous `writeFileAtomic` (chunk sources must be synchronous iterables). */
export function writeFileAtomicSync(path: string, data: Uint8Array | string | Iterable<Uint8Array | string>, opts: AtomicWriteOptions = {}): void {
  checkArgs('writeFileAtomicSync', path, data);
  if (typeof data === 'object' && Symbol.asyncIterator in data && !(Symbol.iterator in data))
    throw new ValueError('writeFileAtomicSync', 'data is an async iterable; use writeFileAtomic');
  const startedAt = Date.now();
  const { target, mode: oldMode } = resolveTargetSync(path);
  const mode = opts.mode ?? oldMode;
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode ?? 0o666);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    const chunks = isChunkSource(data) ? data : [data];
    for (const c of chunks) {
      const b = toBytes(c);
      for (let off = 0; off < b.length; ) off += fs.writeSync(fd, b, off, b.length - off);
    }
    if (opts.fsync ?? true) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already failing */ }
    try { fs.unlinkSync(tmp); } catch { /* never created, or already gone */ }
    throw err;
  }
  if (opts.fsync ?? true) syncDirSync(dirname(target));
  removeStaleTempsSync(target, startedAt);
}

// Directory fsync makes the rename durable on POSIX; Windows and some file systems refuse it.
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    /* best effort */
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* ignore */ }
  }
}
