/**
 * The safetensors format (Hugging Face; what the PyTorch ecosystem uses for weights), on bytes, so
 * it runs unchanged in Node and in the browser. Files written here load with
 * `safetensors.torch.load_file` and the other way round.
 *
 * Layout: an 8-byte little-endian u64 N; N bytes of UTF-8 JSON (padded with spaces to a multiple
 * of 8) mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
 * into the data after the header) plus an optional `"__metadata__"` object of strings; then the
 * tensors' bytes, little endian, C order, back to back with no gaps.
 *
 * `serialize` writes the way the reference implementation does (compact JSON, `__metadata__`
 * first, tensors sorted by decreasing dtype alignment then by name, header padded to 8 bytes), so
 * the same tensors give the same bytes. `deserialize` accepts tensors in any order but checks the
 * header completely before touching the data: sizes, offsets (no overlap, no gap, nothing past the
 * end, nothing left over), shape × dtype size against each byte span, duplicate or empty keys,
 * dtypes. Anything wrong is a `FormatError` naming the problem.
 *
 * gradlab tensors are float32: see ./dtypes.ts for how each dtype is read and written. By default
 * every tensor is written as F32, except that a key ending in `num_batches_tracked` (BatchNorm's
 * step counter, an int64 buffer in PyTorch) is written as I64 so that PyTorch's
 * `load_state_dict` gets the dtype it expects; `opts.dtypes` overrides both.
 */
import { FormatError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import {
  CodecError, DTYPES, REFUSED_DTYPES, WRITABLE, decodeAs, encodeAs, isDtype,
  type SafetensorsDtype, type WritableDtype,
} from './dtypes.js';
import { JsonSyntaxError, parseStrictJson, type Json } from './strict-json.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export { type SafetensorsDtype, type WritableDtype, floatToHalf, halfToFloat, floatToBfloat16, bfloat16ToFloat } from './dtypes.js';

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** N, the header's length in bytes (padding included). */
  headerSize: number;
  /** Where the data section starts in the file: 8 + N. */
  dataStart: number;
  /** Entries in the order the header lists them. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** The `__metadata__` object ({} when absent). */
  metadata: Record<string, string>;
}

export interface SerializeOptions {
  /** Write these tensors in another dtype than F32 (default: F32; `*num_batches_tracked` → I64). */
  dtypes?: Record<string, WritableDtype>;
  /** String → string pairs stored under `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
}

/** The reference implementation's header size limit. */
export const MAX_HEADER_SIZE = 100_000_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();

function setOwn<T>(obj: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function asBytes(op: string, bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ValueError(op, `expected a Uint8Array or ArrayBuffer of file bytes, got ${typeof bytes}`);
}

function foreignHint(b: Uint8Array): string {
  const s = String.fromCharCode(...b.subarray(0, 4));
  if (s === 'PK\x03\x04') return ' (it looks like a torch.save zip checkpoint: convert it in Python with safetensors.torch.save_file(model.state_dict(), path))';
  if (b[0] === 0x80 && b[1]! <= 5) return ' (it looks like a pickle, e.g. a legacy torch.save file: convert it in Python with safetensors.torch.save_file)';
  if (s === 'GGUF') return ' (it is a GGUF file, not safetensors)';
  return '';
}

/** Parse and check the header of a safetensors file without decoding any tensor. */
export function readHeader(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  return checkHeader('readHeader', asBytes('readHeader', input));
}

function checkHeader(op: string, bytes: Uint8Array): SafetensorsHeader {
  const bad = (msg: string): never => {
    throw new FormatError(op, msg);
  };
  if (bytes.length < 8)
    bad(`${bytes.length} bytes is too short for a safetensors file (the first 8 hold the header length); the file is truncated or empty`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(4, true) * 2 ** 32 + dv.getUint32(0, true);
  if (n > MAX_HEADER_SIZE)
    bad(`header length field says ${n} bytes, above the format's limit of ${MAX_HEADER_SIZE}; the file is corrupt or not safetensors${foreignHint(bytes)}`);
  if (8 + n > bytes.length)
    bad(`header length field says ${n} bytes but only ${bytes.length - 8} follow it; the file is truncated or corrupt${foreignHint(bytes)}`);
  if (n < 2) bad(`header length field says ${n} bytes, too short for a JSON object; the file is corrupt`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    bad('header is not valid UTF-8; the file is corrupt or not safetensors');
  }
  let json: Json = null;
  try {
    json = parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    if (e.duplicate !== undefined) bad(`header lists the key ${JSON.stringify(e.duplicate)} twice; the file is corrupt (each tensor name may appear once)`);
    bad(`header is not valid JSON (${e.message}); the file is corrupt or not safetensors${foreignHint(bytes)}`);
  }
  if (!(json instanceof Map)) bad(`header is JSON but not an object (got ${Array.isArray(json) ? 'an array' : typeof json}); the file is corrupt`);
  const top = json as Map<string, Json>;

  const metadata: Record<string, string> = {};
  const meta = top.get('__metadata__');
  if (meta !== undefined) {
    if (!(meta instanceof Map)) bad('"__metadata__" must be an object of string values');
    for (const [k, v] of meta as Map<string, Json>) {
      if (typeof v !== 'string') bad(`"__metadata__" value for ${JSON.stringify(k)} is ${JSON.stringify(v)}; metadata values must be strings`);
      setOwn(metadata, k, v as string);
    }
  }

  const dataLen = bytes.length - 8 - n;
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, raw] of top) {
    if (name === '__metadata__') continue;
    const q = JSON.stringify(name);
    if (name === '') bad('a tensor has an empty name; the header is corrupt');
    if (LONE_SURROGATE.test(name)) bad(`tensor name ${q} is not valid Unicode (a lone surrogate escape)`);
    if (!(raw instanceof Map)) bad(`entry for tensor ${q} is not an object with dtype, shape and data_offsets`);
    const e = raw as Map<string, Json>;
    for (const k of e.keys())
      if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') bad(`entry for tensor ${q} has unknown field ${JSON.stringify(k)}`);
    const dtype = e.get('dtype');
    if (typeof dtype !== 'string') bad(`tensor ${q} has no dtype string`);
    const dt = dtype as string;
    if (!isDtype(dt)) {
      if (REFUSED_DTYPES.has(dt))
        bad(`tensor ${q} has dtype ${dt}, which gradlab does not read (no float32 reading of it); convert it in Python (t.float()) and save again`);
      bad(`tensor ${q} has unknown dtype ${JSON.stringify(dt)}; known: ${Object.keys(DTYPES).join(' ')}`);
    }
    const shape = e.get('shape');
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
      bad(`tensor ${q} has shape ${JSON.stringify(shape ?? null)}; a shape is an array of non-negative integers`);
    const offs = e.get('data_offsets');
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
      bad(`tensor ${q} has data_offsets ${JSON.stringify(offs ?? null)}; expected [begin, end], non-negative integers`);
    const [b, end] = offs as [number, number];
    if (end < b) bad(`tensor ${q} has data_offsets [${b},${end}] with end before begin`);
    const shp = shape as number[];
    let need = DTYPES[dt as SafetensorsDtype].size;
    for (const d of shp) need *= d;
    if (!Number.isSafeInteger(need)) bad(`tensor ${q} has shape ${fmtShape(shp)} whose byte size overflows; the header is corrupt`);
    if (need !== end - b)
      bad(`tensor ${q} (${dt}, shape ${fmtShape(shp)}) needs ${need} bytes but data_offsets [${b},${end}] span ${end - b}; the header is corrupt`);
    const info: SafetensorsTensorInfo = { dtype: dt as SafetensorsDtype, shape: shp, dataOffsets: [b, end] };
    setOwn(tensors, name, info);
    entries.push([name, info]);
  }

  // The byte spans must tile the data section exactly: sorted by offset, each begins where the last ended.
  entries.sort((x, y) => x[1].dataOffsets[0] - y[1].dataOffsets[0] || x[1].dataOffsets[1] - y[1].dataOffsets[1]);
  let pos = 0;
  let prev = '';
  for (const [name, { dataOffsets: [b, e] }] of entries) {
    const q = JSON.stringify(name);
    if (b < pos) bad(`tensor ${q} (bytes [${b},${e}]) overlaps tensor ${JSON.stringify(prev)} (which ends at ${pos}); the header is corrupt`);
    if (b > pos)
      bad(`${b - pos} bytes at [${pos},${b}] of the data belong to no tensor (gap before ${q}); the offsets must cover the data exactly`);
    if (e > dataLen)
      bad(`tensor ${q} (bytes [${b},${e}]) runs past the end of the data (${dataLen} bytes); the file is truncated or the header is corrupt`);
    pos = e;
    prev = name;
  }
  if (pos !== dataLen)
    bad(`${dataLen - pos} bytes after the last tensor belong to no tensor (the data is ${dataLen} bytes, the tensors cover ${pos}); the offsets must cover the data exactly`);
  return { headerSize: n, dataStart: 8 + n, tensors, metadata };
}

/** Decode a safetensors file's bytes into float32 tensors (see ./dtypes.ts for the conversions). */
export function deserialize(input: Uint8Array | ArrayBuffer): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const bytes = asBytes('deserialize', input);
  const header = checkHeader('deserialize', bytes);
  const tensors: Record<string, Tensor> = {};
  for (const [name, { dtype, shape, dataOffsets: [b, e] }] of Object.entries(header.tensors)) {
    const n = (e - b) / DTYPES[dtype].size;
    let data: Float32Array;
    try {
      data = decodeAs(dtype, bytes.subarray(header.dataStart + b, header.dataStart + e), n);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      throw new FormatError('deserialize', `tensor ${JSON.stringify(name)} (${dtype}): ${err.message}; gradlab tensors are float32, so convert it in Python first`);
    }
    setOwn(tensors, name, new Tensor(data, shape));
  }
  return { tensors, metadata: header.metadata };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const m = Math.min(a.length, b.length);
  for (let i = 0; i < m; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const SERIALIZE_KEYS = optionKeys<SerializeOptions>({ dtypes: true, metadata: true });

/** The dtype `serialize` writes a tensor as, given its name and the options. */
export function dtypeFor(name: string, opts: SerializeOptions = {}): WritableDtype {
  opts = checkOptions('dtypeFor', opts, SERIALIZE_KEYS);
  if (typeof name !== 'string') throw new ValueError('dtypeFor', `expects a tensor name (a string), got ${typeof name}`);
  const chosen = opts.dtypes && Object.prototype.hasOwnProperty.call(opts.dtypes, name) ? opts.dtypes[name] : undefined;
  return chosen ?? (name.endsWith('num_batches_tracked') ? 'I64' : 'F32');
}

/** Encode named tensors (e.g. a `stateDict()`) as the bytes of a safetensors file. */
export function serialize(tensors: Record<string, Tensor>, opts: SerializeOptions = {}): Uint8Array {
  opts = checkOptions('serialize', opts, SERIALIZE_KEYS);
  const op = 'serialize';
  if (tensors === null || typeof tensors !== 'object' || tensors instanceof Tensor)
    throw new ValueError(op, 'expected an object mapping names to tensors (e.g. model.stateDict())');
  const names = Object.keys(tensors);
  for (const k of Object.keys(opts.dtypes ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(tensors, k))
      throw new ValueError(op, `opts.dtypes names ${JSON.stringify(k)}, which is not among the tensors being saved; check the key`);
    if (!WRITABLE.has(opts.dtypes![k]!))
      throw new ValueError(op, `opts.dtypes[${JSON.stringify(k)}] is ${JSON.stringify(opts.dtypes![k])}; writable dtypes: ${[...WRITABLE].join(' ')}`);
  }
  const metaParts: string[] = [];
  if (opts.metadata !== undefined) {
    if (opts.metadata === null || typeof opts.metadata !== 'object') throw new ValueError(op, 'opts.metadata must be an object of strings');
    for (const [k, v] of Object.entries(opts.metadata)) {
      if (typeof v !== 'string') throw new ValueError(op, `opts.metadata[${JSON.stringify(k)}] is ${typeof v}; metadata values must be strings (use JSON.stringify for structured values)`);
      if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) throw new ValueError(op, `opts.metadata[${JSON.stringify(k)}] is not valid Unicode (lone surrogate)`);
      metaParts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
  }
  const items = names.map((name) => {
    const t = tensors[name];
    const q = JSON.stringify(name);
    if (!(t instanceof Tensor)) throw new ValueError(op, `value for ${q} is not a Tensor`);
    if (name === '') throw new ValueError(op, 'a tensor has an empty name; give every tensor a non-empty name');
    if (name === '__metadata__') throw new ValueError(op, 'a tensor cannot be named "__metadata__" (reserved by the format); rename it');
    if (LONE_SURROGATE.test(name)) throw new ValueError(op, `tensor name ${q} is not valid Unicode (lone surrogate); rename it`);
    const dtype = dtypeFor(name, opts);
    return { name, t, dtype, key: encoder.encode(name), nbytes: t.data.length * DTYPES[dtype].size };
  });
  items.sort((a, b) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareBytes(a.key, b.key));

  const parts: string[] = [];
  if (opts.metadata !== undefined) parts.push(`"__metadata__":{${metaParts.join(',')}}`);
  let offset = 0;
  for (const it of items) {
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":[${it.t.shape.join(',')}],"data_offsets":[${offset},${offset + it.nbytes}]}`);
    offset += it.nbytes;
  }
  const json = encoder.encode(`{${parts.join(',')}}`);
  const headerSize = Math.ceil(json.length / 8) * 8;
  if (headerSize > MAX_HEADER_SIZE) throw new ValueError(op, `the header would be ${headerSize} bytes, above the format's ${MAX_HEADER_SIZE}-byte limit`);
  const out = new Uint8Array(8 + headerSize + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerSize, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerSize);
  let pos = 8 + headerSize;
  for (const it of items) {
    try {
      encodeAs(it.dtype, it.t.data, out.subarray(pos, pos + it.nbytes));
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      throw new ValueError(op, `tensor ${JSON.stringify(it.name)} cannot be written as ${it.dtype}: ${err.message}; choose another dtype in opts.dtypes (F32 holds every value)`);
    }
    pos += it.nbytes;
  }
  return out;
}
