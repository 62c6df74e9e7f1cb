/**
 * Loading a safetensors file of any size without holding it twice. A file is read into one
 * buffer of its size that stays untouched (the system hands out its pages only when written):
 * the header goes in, `readHeader` checks it completely against the file's length, then each F32
 * tensor is read straight from the file into its own Float32Array (little-endian hosts), and
 * only tensors of other dtypes pass through the buffer to be converted. So a 3 GiB checkpoint
 * costs 3 GiB of memory and one read, and files over 2 GiB (which `fs.readFileSync` refuses)
 * load. Small files take the plain path: read whole, `deserialize`.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { FormatError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { deserialize, readHeader } from '../io/safetensors.js';
import { CodecError, DTYPES, decodeAs } from '../io/dtypes.js';
import { CHUNK, allocateBytes } from './read-bytes.js';

/** Files from this size on are read tensor by tensor. */
export const STREAM_FROM = 256 * 1024 * 1024;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface Checkpoint {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** One read the loader needs: fill `dst` with the file's bytes from `pos` on. */
interface Read {
  dst: Uint8Array;
  pos: number;
}

/**
 * The loading steps, as a generator of the reads they need (so one body serves the synchronous
 * and the asynchronous reader): header, check, then each tensor's bytes.
 */
function* steps(op: string, bytes: Uint8Array): Generator<Read, Checkpoint, void> {
  yield { dst: bytes.subarray(0, Math.min(8, bytes.length)), pos: 0 };
  if (bytes.length >= 8) {
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    // a lying length is left to readHeader, which names the problem
    if (n <= bytes.length - 8) yield { dst: bytes.subarray(8, 8 + n), pos: 8 };
  }
  const h = readHeader(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, { dtype, shape, dataOffsets: [b, e] }] of Object.entries(h.tensors)) {
    const n = (e - b) / DTYPES[dtype].size;
    let data: Float32Array;
    if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
      data = new Float32Array(n);
      yield { dst: new Uint8Array(data.buffer), pos: h.dataStart + b };
    } else {
      const region = bytes.subarray(h.dataStart + b, h.dataStart + e);
      yield { dst: region, pos: h.dataStart + b };
      try {
        data = decodeAs(dtype, region, n);
      } catch (err) {
        if (!(err instanceof CodecError)) throw err;
        throw new FormatError(op, `tensor ${JSON.stringify(name)} (${dtype}): ${err.message}; gradlab tensors are float32, so convert it in Python first`);
      }
    }
    Object.defineProperty(tensors, name, { value: new Tensor(data, shape), enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata: h.metadata };
}

const ended = (op: string, at: number): FormatError =>
  new FormatError(op, `the file ended at byte ${at} while it was being read; it was truncated meanwhile`);

/** Load the safetensors file at `path` (synchronous); fs errors propagate as node:fs throws them. */
export function readCheckpointSync(op: string, path: string, streamFrom = STREAM_FROM): Checkpoint {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = allocateBytes(op, path, size);
    const readAt = ({ dst, pos }: Read): void => {
      for (let off = 0; off < dst.length; ) {
        const n = fs.readSync(fd, dst, off, Math.min(CHUNK, dst.length - off), pos + off);
        if (n === 0) throw ended(op, pos + off);
        off += n;
      }
    };
    if (size < streamFrom) {
      readAt({ dst: bytes, pos: 0 });
      return deserialize(bytes);
    }
    const it = steps(op, bytes);
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) return r.value;
      readAt(r.value);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** `readCheckpointSync` without blocking the event loop. */
export async function readCheckpoint(op: string, path: string, streamFrom = STREAM_FROM): Promise<Checkpoint> {
  const fh = await fsp.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const bytes = allocateBytes(op, path, size);
    const readAt = async ({ dst, pos }: Read): Promise<void> => {
      for (let off = 0; off < dst.length; ) {
        const { bytesRead } = await fh.read(dst, off, Math.min(CHUNK, dst.length - off), pos + off);
        if (bytesRead === 0) throw ended(op, pos + off);
        off += bytesRead;
      }
    };
    if (size < streamFrom) {
      await readAt({ dst: bytes, pos: 0 });
      return deserialize(bytes);
    }
    const it = steps(op, bytes);
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) return r.value;
      await readAt(r.value);
    }
  } finally {
    await fh.close();
  }
}
