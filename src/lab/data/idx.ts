/**
 * The IDX format of the MNIST distribution (LeCun et al.): a 4-byte magic `00 00 TT ND` (TT the
 * element type, ND the number of dimensions), ND big-endian uint32 dimension sizes, then the
 * elements in row-major order. MNIST and Fashion-MNIST use type 0x08 (unsigned byte), the only
 * type gradlab reads: images idx3 [N, 28, 28], labels idx1 [N].
 *
 * Files may be gzipped (the originals are distributed as .gz); gzip is recognised by its magic
 * bytes (1f 8b), not by the file name, and decoded with the portable `DecompressionStream`
 * (Node ≥ 18 and every current browser), so this file runs unchanged in both.
 */
import { FormatError } from '../../tensor/errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short (int16)',
  0x0c: 'int (int32)',
  0x0d: 'float (float32)',
  0x0e: 'double (float64)',
};

const FIX = 'use the original IDX files (train-images-idx3-ubyte, …) or a gzip of them, re-downloaded if in doubt';

/** Whether the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parse IDX bytes (already decompressed). Every inconsistency is a `FormatError` naming `fileName`. */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const op = `IDX ${fileName}`;
  if (isGzip(bytes)) throw new FormatError(op, 'the bytes are still gzipped; decode them with readIdx (or gunzip the file) first');
  if (bytes.length < 4)
    throw new FormatError(op, `file is ${bytes.length} bytes long, too short for the 4-byte IDX magic; it is truncated or empty — ${FIX}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FormatError(op, `bad magic number ${hex}: an IDX file starts with 00 00, then its type and rank — this is not an IDX file; ${FIX}`);
  }
  const type = bytes[2]!;
  const nd = bytes[3]!;
  if (type !== 0x08) {
    const what = TYPES[type] !== undefined ? `element type 0x${type.toString(16)} (${TYPES[type]})` : `unknown element type 0x${type.toString(16).padStart(2, '0')}`;
    throw new FormatError(op, `${what}; gradlab reads unsigned-byte IDX files (type 0x08) as MNIST and Fashion-MNIST ship them — ${FIX}`);
  }
  if (nd === 0) throw new FormatError(op, `rank 0 in the magic number: an IDX file has at least one dimension — ${FIX}`);
  const head = 4 + 4 * nd;
  if (bytes.length < head)
    throw new FormatError(op, `file is ${bytes.length} bytes long but its header declares ${nd} dimensions (${head} header bytes); it is truncated — ${FIX}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const body = bytes.length - head;
  if (body !== count) {
    const shape = `[${dims.join(', ')}]`;
    const why = body < count ? `it is truncated (${count - body} bytes missing)` : `${body - count} extra bytes follow the data`;
    throw new FormatError(op, `header declares shape ${shape} = ${count} bytes of data but the file holds ${body}: ${why} — ${FIX}`);
  }
  return { dims, data: bytes.subarray(head) };
}

/** Encode an unsigned-byte IDX file (the inverse of parseIdx). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  let count = 1;
  for (const d of dims) count *= d;
  if (count !== data.length)
    throw new FormatError('encodeIdx', `shape [${dims.join(', ')}] needs ${count} bytes but ${data.length} were given`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    total += value.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Decompress gzip bytes with the portable DecompressionStream; a damaged stream is a FormatError naming the file. */
export async function gunzip(bytes: Uint8Array, fileName: string): Promise<Uint8Array> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  // Write and read concurrently: awaiting the write first would deadlock on large inputs
  // (the writable side waits for the readable side to be pulled).
  const written = writer.write(bytes).then(() => writer.close());
  try {
    const [out] = await Promise.all([drain(ds.readable as ReadableStream<Uint8Array>), written]);
    return out;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new FormatError(`gzip ${fileName}`, `the gzip stream is damaged or truncated (${why}); re-download the file, or store it uncompressed`);
  }
}

/** Read IDX bytes that may be gzipped (recognised by the magic, whatever the file name). */
export async function readIdx(bytes: Uint8Array, fileName: string): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, fileName) : bytes, fileName);
}
