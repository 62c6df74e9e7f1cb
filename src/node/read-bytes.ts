/**
 * Whole-file reads in pieces. `fs.readFileSync` refuses files over 2 GiB ("File size … is
 * greater than 2 GiB"), and a checkpoint of a large model is bigger than that: these read into one
 * Uint8Array, at most CHUNK bytes per system call, up to the largest typed array the engine allows.
 */
import * as fs from 'node:fs';
import { FileError } from '../tensor/errors.js';

/** Bytes per read call (below the 2 GiB a single read may return). */
export const CHUNK = 1 << 30;

/** Largest typed array V8 allocates on 64-bit platforms (2^32 − 1 bytes on Node 20). */
const MAX_BYTES = 2 ** 32 - 1;

/** A zeroed buffer of `size` bytes for reading the file at `path`, or a FileError saying why not. */
export function allocateBytes(op: string, path: string, size: number): Uint8Array {
  if (size > MAX_BYTES)
    throw new FileError(op, `${path}: ${size} bytes is more than the ${MAX_BYTES} one buffer can hold here; split the file into several`);
  try {
    return new Uint8Array(size);
  } catch (e) {
    throw new FileError(op, `${path}: cannot allocate ${size} bytes to read it (${(e as Error).message}); free memory or split the file`);
  }
}

/** The whole file at `path` (synchronous). System errors propagate as thrown by node:fs. */
export function readBytesSync(op: string, path: string): Uint8Array {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const out = allocateBytes(op, path, size);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, out, off, Math.min(CHUNK, size - off), off);
      if (n === 0) break; // the file shrank while being read
      off += n;
    }
    return off === size ? out : out.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}
