import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, GradlabError, Tensor, ValueError } from '../src/tensor/index.js';
import * as safetensors from '../src/io/safetensors.js';
import { floatToBfloat16, floatToHalf, halfToFloat, bfloat16ToFloat } from '../src/io/dtypes.js';
import { load, loadAsync, loadWithMetadata, loadWithMetadataAsync, save, saveAsync, writeFileAtomic, writeFileAtomicSync } from '../src/node/index.js';

const { serialize, deserialize, readHeader } = safetensors;
const FIX = fileURLToPath(new URL('./fixtures/safetensors/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/interop/safetensors_check.py', import.meta.url));
const PY = '/usr/bin/python3';
const hasTorch = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gradlab-st-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let tmpN = 0;
const tmpDir = (): string => fs.mkdtempSync(path.join(tmpRoot, `d${tmpN++}-`));

const T = (values: number[], shape: number[] = [values.length]): Tensor => new Tensor(Float32Array.from(values), shape);
const enc = new TextEncoder();
const dec = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

/** Exact equality, NaN equal to NaN, -0 distinct from 0. */
function expectExact(t: Tensor | undefined, shape: number[], values: number[], what = ''): void {
  expect(t, what).toBeInstanceOf(Tensor);
  expect([...t!.shape], `${what} shape`).toEqual(shape);
  expect(Array.from(t!.data).map((v) => (Object.is(v, -0) ? '-0' : v)), what).toEqual(values.map((v) => (Object.is(v, -0) ? '-0' : Math.fround(v))));
}

/** Hand-made file: length field (default: the header's length), header text, data. */
function raw(header: string | object, data: number | Uint8Array = 0, n?: number): Uint8Array {
  const h = enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(n ?? h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

const refused = (bytes: Uint8Array, re: RegExp, headerToo = true): void => {
  expect(() => deserialize(bytes)).toThrow(FormatError);
  expect(() => deserialize(bytes)).toThrow(re);
  if (headerToo) expect(() => readHeader(bytes)).toThrow(FormatError);
};

describe('bytes identical to the reference implementation', () => {
  // Byte vectors from huggingface/safetensors' own unit tests (safetensors/src/tensor.rs).
  const f32Bytes = [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64];
  it('one F32 tensor', () => {
    const out = serialize({ 'attn.0': T([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect([...out]).toEqual([64, 0, 0, 0, 0, 0, 0, 0, ...enc.encode(header), ...f32Bytes]);
  });
  it('header padded with spaces to a multiple of 8', () => {
    const out = serialize({ attn0: T([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ';
    expect([...out]).toEqual([72, 0, 0, 0, 0, 0, 0, 0, ...enc.encode(header), ...f32Bytes]);
  });
  it('no tensors, with and without metadata', () => {
    expect([...serialize({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const out = serialize({}, { metadata: { framework: 'pt' } });
    expect([...out]).toEqual([40, 0, 0, 0, 0, 0, 0, 0, ...enc.encode('{"__metadata__":{"framework":"pt"}}     ')]);
    expect(deserialize(out)).toEqual({ tensors: {}, metadata: { framework: 'pt' } });
  });
});

describe('reference files written by PyTorch (test/fixtures/safetensors)', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8'));
  for (const file of ['model.safetensors', 'mixed.safetensors']) {
    it(`${file}: every tensor, dtype conversion and metadata`, () => {
      const exp = expected.files[file];
      const { tensors, metadata } = deserialize(fs.readFileSync(path.join(FIX, file)));
      expect(metadata).toEqual(exp.metadata);
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(exp.tensors).sort());
      const header = readHeader(fs.readFileSync(path.join(FIX, file)));
      for (const [name, e] of Object.entries<any>(exp.tensors)) {
        expect(header.tensors[name]!.dtype).toBe(e.dtype);
        expectExact(tensors[name], e.shape, e.values.map(dec), name);
      }
    });
  }
  it('model.safetensors: re-serialized byte for byte (I64 num_batches_tracked by default)', () => {
    const bytes = fs.readFileSync(path.join(FIX, 'model.safetensors'));
    const { tensors, metadata } = deserialize(bytes);
    expect(readHeader(bytes).tensors['1.num_batches_tracked']!.dtype).toBe('I64');
    expect(Buffer.from(serialize(tensors, { metadata })).equals(bytes)).toBe(true);
  });
  it('F16 and BF16 fixture values decode exactly, including subnormal, -0, inf and NaN', () => {
    const { tensors } = deserialize(fs.readFileSync(path.join(FIX, 'mixed.safetensors')));
    expectExact(tensors.half, [7], [1, -0, 65504, 2 ** -24, 0.0999755859375, Infinity, NaN]);
    expectExact(tensors.bf16, [2, 2], [1, 3.00405527047391e38, -0.00099945068359375, -Infinity]);
    expectExact(tensors.scalar, [], [3.5]);
    expectExact(tensors.empty, [0, 3], []);
  });
});

describe('round trips', () => {
  it('every writable dtype, 0-d and empty tensors, unicode names, metadata', () => {
    const sd: Record<string, Tensor> = {
      f32: T([1.5, -0, NaN, Infinity, -3e38, 1e-45], [2, 3]),
      f16: T([0.5, -2, 65504, 2 ** -24, NaN, -Infinity]),
      bf16: T([1, -2.5, 3.00405527047391e38, NaN]), // all exact in bfloat16
      f64: T([Math.fround(Math.PI), -1e-40]),
      i64: T([-(2 ** 24), 0, 2 ** 24, 2 ** 40]),
      i32: T([-2147483648, 2147483520]),
      u8: T([0, 255, 7]),
      mask: T([1, 0, 1, 1], [2, 2]),
      scalar: new Tensor(Float32Array.of(-7.25), []),
      empty: new Tensor(new Float32Array(0), [3, 0, 2]),
      'größe.μ': T([1]),
      '模型.权重 🚀': T([2]),
      'we"ird\\name\n\t\u0001': T([3]),
    };
    Object.defineProperty(sd, '__proto__', { value: T([4]), enumerable: true });
    const dtypes = { f16: 'F16', bf16: 'BF16', f64: 'F64', i64: 'I64', i32: 'I32', u8: 'U8', mask: 'BOOL' } as const;
    const metadata = { format: 'pt', 'ünï': 'cödé ✓ "q" \n', empty: '' };
    const bytes = serialize(sd, { dtypes, metadata });
    const h = readHeader(bytes);
    expect(h.dataStart % 8).toBe(0); // header padded so the data is 8-byte aligned
    for (const [k, d] of Object.entries(dtypes)) expect(h.tensors[k]!.dtype).toBe(d);
    const back = deserialize(bytes);
    expect(back.metadata).toEqual(metadata);
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) expectExact(back.tensors[k], [...t.shape], Array.from(t.data), k);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
  });

  it('writes in the reference order: decreasing alignment, then name by UTF-8 bytes', () => {
    const sd = { b: T([1]), a: T([1]), z8: T([1]), m64: T([1]), '\uffff': T([1]), '😀': T([1]) };
    const h = readHeader(serialize(sd, { dtypes: { z8: 'U8', m64: 'I64' } }));
    const order = Object.entries(h.tensors).sort((x, y) => x[1].dataOffsets[0] - y[1].dataOffsets[0]).map(([k]) => k);
    // U+FFFF is EF BF BF and U+1F600 is F0 9F 98 80 in UTF-8, so the emoji sorts last (UTF-16 order would differ).
    expect(order).toEqual(['m64', 'a', 'b', '\uffff', '😀', 'z8']);
  });

  it('num_batches_tracked is I64 by default (PyTorch dtype); opts.dtypes overrides', () => {
    const sd = { 'bn.num_batches_tracked': new Tensor(Float32Array.of(12), []), 'bn.weight': T([1, 2]) };
    expect(readHeader(serialize(sd)).tensors['bn.num_batches_tracked']!.dtype).toBe('I64');
    expect(readHeader(serialize(sd, { dtypes: { 'bn.num_batches_tracked': 'F32' } })).tensors['bn.num_batches_tracked']!.dtype).toBe('F32');
    expect(safetensors.dtypeFor('x.num_batches_tracked')).toBe('I64');
    expect(safetensors.dtypeFor('x.weight')).toBe('F32');
  });

  it('reads the dtypes it does not write (I8, I16, U16, U32, U64) and tensors in any order', () => {
    const data = new Uint8Array(28);
    const dv = new DataView(data.buffer);
    dv.setInt8(0, -128);
    dv.setInt8(1, 5);
    dv.setInt16(2, -300, true);
    dv.setUint16(4, 65535, true);
    dv.setUint16(6, 7, true);
    dv.setUint32(8, 2 ** 31, true); // exactly representable in float32
    dv.setBigUint64(12, 2n ** 63n, true);
    dv.setBigInt64(20, -(2n ** 24n), true);
    const file = raw({
      z: { dtype: 'I64', shape: [], data_offsets: [20, 28] },
      u64: { dtype: 'U64', shape: [1], data_offsets: [12, 20] },
      i8: { dtype: 'I8', shape: [2], data_offsets: [0, 2] },
      u32: { dtype: 'U32', shape: [1], data_offsets: [8, 12] },
      i16: { dtype: 'I16', shape: [1], data_offsets: [2, 4] },
      u16: { dtype: 'U16', shape: [2], data_offsets: [4, 8] },
    }, data);
    const { tensors } = deserialize(file);
    expectExact(tensors.i8, [2], [-128, 5]);
    expectExact(tensors.i16, [1], [-300]);
    expectExact(tensors.u16, [2], [65535, 7]);
    expectExact(tensors.u32, [1], [2 ** 31]);
    expectExact(tensors.u64, [1], [2 ** 63]);
    expectExact(tensors.z, [], [-(2 ** 24)]);
    expect(Object.keys(tensors)).toEqual(['z', 'u64', 'i8', 'u32', 'i16', 'u16']); // header order
    // an unaligned data section (header length not a multiple of 8) and an ArrayBuffer input
    const odd = raw('{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(new Float64Array([0.5]).buffer));
    expect(readHeader(odd).dataStart % 8).not.toBe(0);
    expectExact(deserialize(odd.slice().buffer).tensors.a, [1], [0.5]);
  });
});

describe('float16 / bfloat16 codecs', () => {
  it('every finite half survives decode → encode; midpoints round to even', () => {
    const bad: string[] = []; // collected, then asserted once (65536 expect() calls are slow)
    const check = (what: string, got: number, want: number): void => {
      if (got !== want && bad.length < 5) bad.push(`${what}: got ${got.toString(16)}, want ${want.toString(16)}`);
    };
    for (let h = 0; h < 0x10000; h++) {
      const v = halfToFloat(h);
      if (Number.isNaN(v)) {
        if (!Number.isNaN(halfToFloat(floatToHalf(v)))) bad.push(`NaN ${h}`);
        continue;
      }
      check(`${v}`, floatToHalf(v), h);
      if ((h & 0x7fff) < 0x7bff) {
        const next = halfToFloat(h + 1);
        const mid = (v + next) / 2; // exact in float32: one bit more than a half's significand
        check(`mid ${mid}`, floatToHalf(mid), h & 1 ? h + 1 : h);
        check(`above mid ${mid}`, floatToHalf(mid + (next - v) / 8), h + 1);
        check(`below mid ${mid}`, floatToHalf(mid - (next - v) / 8), h);
      }
    }
    expect(bad).toEqual([]);
    expect(floatToHalf(65520)).toBe(0x7c00); // halfway to 2^16 rounds up to inf
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(2 ** -25)).toBe(0); // halfway to the smallest subnormal rounds to even (0)
    expect(floatToHalf(2 ** -25 * 1.0001)).toBe(1);
    expect(floatToHalf(-0)).toBe(0x8000);
  });

  it('bfloat16 rounds to nearest even, as PyTorch does', () => {
    const bad: number[] = [];
    for (let b = 0; b < 0x10000; b++) {
      const v = bfloat16ToFloat(b);
      if (Number.isNaN(v)) continue;
      if (floatToBfloat16(v) !== b) bad.push(b);
      if ((b & 0x7fff) < 0x7f7f) {
        const mid = (v + bfloat16ToFloat(b + 1)) / 2;
        if (floatToBfloat16(mid) !== (b & 1 ? b + 1 : b)) bad.push(b);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(floatToBfloat16(NaN)).toBe(0x7fc0);
    expect(bfloat16ToFloat(floatToBfloat16(0.1))).toBe(0.10009765625);
  });
});

describe('serialize refuses what it cannot write', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['F16 overflow', () => serialize({ w: T([1, 70000]) }, { dtypes: { w: 'F16' } }), /"w" cannot be written as F16: element 1 is 70000, which overflows F16/],
    ['BF16 overflow', () => serialize({ w: T([3.4e38]) }, { dtypes: { w: 'BF16' } }), /overflows BF16/],
    ['non-integer I64', () => serialize({ n: T([1.5]) }, { dtypes: { n: 'I64' } }), /element 0 is 1.5, not an integer/],
    ['num_batches_tracked that is not an integer', () => serialize({ 'bn.num_batches_tracked': T([NaN]) }), /cannot be written as I64/],
    ['U8 out of range', () => serialize({ u: T([256]) }, { dtypes: { u: 'U8' } }), /not an integer in \[0, 255\]/],
    ['BOOL not 0/1', () => serialize({ m: T([2]) }, { dtypes: { m: 'BOOL' } }), /not 0 or 1/],
    ['dtype for a missing tensor', () => serialize({ w: T([1]) }, { dtypes: { v: 'F16' } }), /opts.dtypes names "v", which is not among the tensors/],
    ['unwritable dtype', () => serialize({ w: T([1]) }, { dtypes: { w: 'I8' as never } }), /writable dtypes: /],
    ['non-string metadata', () => serialize({}, { metadata: { epoch: 3 as never } }), /metadata values must be strings/],
    ['non-tensor value', () => serialize({ w: [1, 2] as never }), /value for "w" is not a Tensor/],
    ['not an object', () => serialize(T([1]) as never), /expected an object mapping names to tensors/],
    ['reserved name', () => serialize({ __metadata__: T([1]) }), /reserved/],
    ['empty name', () => serialize({ '': T([1]) }), /empty name/],
    ['lone surrogate', () => serialize({ ['a\ud800']: T([1]) }), /not valid Unicode/],
  ];
  for (const [what, fn, re] of cases)
    it(what, () => {
      expect(fn).toThrow(ValueError);
      expect(fn).toThrow(re);
    });
  it('bad input type to deserialize/readHeader', () => {
    expect(() => deserialize('abc' as never)).toThrow(ValueError);
    expect(() => readHeader(null as never)).toThrow(/expected a Uint8Array or ArrayBuffer/);
  });
});

describe('deserialize refuses corrupt files with a FormatError naming the problem', () => {
  const good = serialize({ a: T([1, 2, 3]), b: T([4, 5]), c: T([6]) }, { metadata: { format: 'pt' } });
  const hlen = readHeader(good).headerSize;
  const entry = (dtype: string, shape: number[], offs: number[]) => ({ dtype, shape, data_offsets: offs });

  it('truncated at every interesting point', () => {
    for (const cut of [0, 1, 7]) refused(good.subarray(0, cut), /too short for a safetensors file/);
    for (const cut of [8, 20, 8 + hlen - 1]) refused(good.subarray(0, cut), /header length field says \d+ bytes but only \d+ follow/);
    for (const cut of [8 + hlen, 8 + hlen + 5, good.length - 1]) refused(good.subarray(0, cut), /runs past the end of the data .* truncated/);
  });
  it('header length past the end, absurd, or too short', () => {
    refused(raw('{}', 0, 1000), /header length field says 1000 bytes but only 2 follow/);
    const huge = raw('{}');
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    refused(huge, /above the format's limit of 100000000/);
    refused(raw('{}', 0, 2 ** 32 + 2), /above the format's limit/);
    refused(raw('', 0, 0), /too short for a JSON object/);
  });
  it('hints at a torch.save zip checkpoint', () => {
    refused(enc.encode('PK\x03\x04 this is a zip file with more bytes'), /torch\.save zip checkpoint/);
  });
  it('header not UTF-8, not JSON, not an object', () => {
    refused(raw(new TextDecoder().decode(Uint8Array.of(0x7b, 0x7d)).replace('}', '') + '\u0000'), /not valid JSON/);
    const bad = raw('{"a":1}');
    bad[10] = 0xff;
    refused(bad, /not valid UTF-8/);
    refused(raw('{"a": {"dtype": "F32",'), /not valid JSON \(.*at character/);
    refused(raw('[1,2]'), /not an object \(got an array\)/);
    refused(raw('"x"'), /not an object/);
    refused(raw('{} x'), /not valid JSON/);
  });
  it('duplicate and invalid keys, bad entries', () => {
    refused(raw('{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}', 8), /lists the key "a" twice/);
    refused(raw({ '': entry('F32', [1], [0, 4]) }, 4), /empty name/);
    refused(raw('{"a\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), /not valid Unicode/);
    refused(raw({ a: 5 }), /entry for tensor "a" is not an object/);
    refused(raw({ a: { ...entry('F32', [1], [0, 4]), offset: 3 } }, 4), /unknown field "offset"/);
    refused(raw({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /has no dtype/);
    refused(raw({ a: entry('F32', [-1], [0, 4]) }, 4), /shape \[-1\]; a shape is an array of non-negative integers/);
    refused(raw({ a: entry('F32', [1.5], [0, 4]) }, 4), /non-negative integers/);
    refused(raw({ a: entry('F32', [1], [0]) }, 4), /expected \[begin, end\]/);
    refused(raw({ a: entry('F32', [0], [4, 0]) }, 4), /end before begin/);
    refused(raw({ __metadata__: { epoch: 3 } }), /metadata values must be strings/);
    refused(raw({ __metadata__: [] }), /must be an object of string values/);
  });
  it('unknown and unsupported dtypes', () => {
    refused(raw({ a: entry('F128', [1], [0, 16]) }, 16), /unknown dtype "F128"; known: BOOL U8 I8/);
    refused(raw({ a: entry('F8_E4M3', [2], [0, 2]) }, 2), /dtype F8_E4M3, which gradlab does not read.*convert it in Python/);
  });
  it('offsets that overlap, leave gaps, run out of range, or do not cover the data', () => {
    refused(raw({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) }, 12), /"b" \(bytes \[4,12\]\) overlaps tensor "a"/);
    refused(raw({ a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) }, 12), /4 bytes at \[4,8\] of the data belong to no tensor \(gap before "b"\)/);
    refused(raw({ a: entry('F32', [1], [4, 8]) }, 8), /gap before "a"/);
    refused(raw({ a: entry('F32', [4], [0, 16]) }, 8), /runs past the end of the data \(8 bytes\)/);
    refused(raw({ a: entry('F32', [1], [0, 4]) }, 10), /6 bytes after the last tensor belong to no tensor/);
    refused(raw({ a: entry('F32', [1], [2 ** 60, 2 ** 60 + 4]) }, 4), /data_offsets .* non-negative integers|gap/);
  });
  it('shape × dtype size that does not match the byte span', () => {
    refused(raw({ a: entry('F32', [2, 3], [0, 20]) }, 20), /"a" \(F32, shape \[2,3\]\) needs 24 bytes but data_offsets \[0,20\] span 20/);
    refused(raw({ a: entry('F16', [2 ** 30, 2 ** 30, 2 ** 30], [0, 8]) }, 8), /byte size overflows/);
  });
  it('values float32 cannot hold', () => {
    const i64 = new Uint8Array(8);
    new DataView(i64.buffer).setBigInt64(0, 2n ** 24n + 1n, true);
    refused(raw({ n: entry('I64', [1], [0, 8]) }, i64), /"n" \(I64\): element 0 is 16777217, an integer float32 cannot hold exactly/, false);
    const i32 = new Uint8Array(4);
    new DataView(i32.buffer).setInt32(0, -(2 ** 25) - 1, true);
    refused(raw({ n: entry('I32', [1], [0, 4]) }, i32), /cannot hold exactly/, false);
    refused(raw({ n: entry('F64', [1], [0, 8]) }, new Uint8Array(new Float64Array([1e300]).buffer)), /beyond float32's range/, false);
    refused(raw({ m: entry('BOOL', [2], [0, 2]) }, Uint8Array.of(1, 2)), /element 1 is byte 2; a BOOL byte must be 0 or 1/, false);
  });
});

describe('gradlab/node: save / load', () => {
  const sd = () => ({ 'l.weight': T([1, 2, 3, 4], [2, 2]), 'l.bias': T([0.5, -0.5]), 'bn.num_batches_tracked': new Tensor(Float32Array.of(3), []) });

  it('save then load (sync and async), with metadata', async () => {
    const d = tmpDir();
    const p = path.join(d, 'model.safetensors');
    save(sd(), p, { metadata: { epoch: '3' } });
    const back = load(p);
    expectExact(back['l.weight'], [2, 2], [1, 2, 3, 4]);
    expectExact(back['bn.num_batches_tracked'], [], [3]);
    expect(loadWithMetadata(p).metadata).toEqual({ epoch: '3' });
    const p2 = path.join(d, 'async.safetensors');
    await saveAsync(sd(), p2, { dtypes: { 'l.weight': 'F16' } });
    expect(readHeader(fs.readFileSync(p2)).tensors['l.weight']!.dtype).toBe('F16');
    expectExact((await loadAsync(p2))['l.bias'], [2], [0.5, -0.5]);
    expect((await loadWithMetadataAsync(p2)).metadata).toEqual({});
    expect(fs.readdirSync(d).sort()).toEqual(['async.safetensors', 'model.safetensors']);
  });

  it('errors name the file', async () => {
    const d = tmpDir();
    const missing = path.join(d, 'nope.safetensors');
    expect(() => load(missing)).toThrow(GradlabError);
    expect(() => load(missing)).toThrow(`load: ${missing}: no such file or directory`);
    await expect(loadAsync(missing)).rejects.toThrow(/loadAsync: .*nope\.safetensors: no such file/);
    const bad = path.join(d, 'bad.safetensors');
    fs.writeFileSync(bad, raw({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, 8));
    expect(() => load(bad)).toThrow(FormatError);
    expect(() => loadWithMetadata(bad)).toThrow(`loadWithMetadata: ${bad}: tensor "a" (bytes [0,12]) runs past the end`);
    expect(() => save(sd(), path.join(d, 'x.safetensors'), { dtypes: { 'l.weight': 'U8', 'l.bias': 'U8' } })).toThrow(
      /save: .*x\.safetensors: tensor "l\.bias" cannot be written as U8/,
    );
    expect(() => save(sd(), path.join(d, 'no', 'such', 'dir.safetensors'))).toThrow(/save: .*dir\.safetensors: .*ENOENT|no such file/);
    expect(() => load(d)).toThrow(/is a directory/);
    expect(() => save(sd(), '' as string)).toThrow(/path must be a non-empty string/);
    expect(fs.readdirSync(d).sort()).toEqual(['bad.safetensors']);
  });

  it('a failed save leaves the old checkpoint intact', () => {
    const d = tmpDir();
    const p = path.join(d, 'ckpt.safetensors');
    save(sd(), p);
    const before = fs.readFileSync(p);
    expect(() => save({ w: T([1e6]) }, p, { dtypes: { w: 'F16' } })).toThrow(ValueError);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['ckpt.safetensors']);
  });
});

describe('gradlab/node: writeFileAtomic', () => {
  function* failingMidway(): Generator<Uint8Array> {
    yield new Uint8Array(1000).fill(1);
    yield new Uint8Array(1000).fill(2);
    throw new Error('disk full (simulated)');
  }
  async function* failingAsync(): AsyncGenerator<Uint8Array | string> {
    yield 'partial ';
    throw new Error('stream broke (simulated)');
  }

  it('keeps the old file when the write fails midway, and removes the temp file', async () => {
    const d = tmpDir();
    const p = path.join(d, 'run.json');
    writeFileAtomicSync(p, '{"old":true}');
    expect(() => writeFileAtomicSync(p, failingMidway())).toThrow('disk full (simulated)');
    expect(fs.readFileSync(p, 'utf8')).toBe('{"old":true}');
    await expect(writeFileAtomic(p, failingAsync())).rejects.toThrow('stream broke (simulated)');
    expect(fs.readFileSync(p, 'utf8')).toBe('{"old":true}');
    expect(fs.readdirSync(d)).toEqual(['run.json']);
  });

  it('cleans up when the final rename fails', async () => {
    const d = tmpDir();
    const target = path.join(d, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(() => writeFileAtomicSync(target, 'data')).toThrow();
    expect(fs.readdirSync(d)).toEqual(['occupied']);
  });

  it('writes bytes, strings and chunks; keeps the mode; follows symlinks', async () => {
    const d = tmpDir();
    const p = path.join(d, 'f.bin');
    await writeFileAtomic(p, Uint8Array.of(1, 2, 3));
    expect([...fs.readFileSync(p)]).toEqual([1, 2, 3]);
    await writeFileAtomic(p, ['a', Uint8Array.of(0x62), 'ç']);
    expect(fs.readFileSync(p, 'utf8')).toBe('abç');
    if (process.platform !== 'win32') {
      fs.chmodSync(p, 0o640);
      writeFileAtomicSync(p, 'new', { fsync: false });
      expect(fs.statSync(p).mode & 0o777).toBe(0o640);
      await writeFileAtomic(p, 'moded', { mode: 0o600 });
      expect(fs.statSync(p).mode & 0o777).toBe(0o600);
      const link = path.join(d, 'link');
      fs.symlinkSync(p, link);
      writeFileAtomicSync(link, 'through link');
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.readFileSync(p, 'utf8')).toBe('through link');
    }
    expect(() => writeFileAtomicSync(p, 42 as never)).toThrow(ValueError);
    await expect(writeFileAtomic('' as string, 'x')).rejects.toThrow(/non-empty string/);
    expect(() => writeFileAtomicSync(p, failingAsync() as never)).toThrow(/async iterable; use writeFileAtomic/);
  });
});

describe('interop with PyTorch (scripts/interop/safetensors_check.py)', () => {
  if (!hasTorch) console.log('safetensors interop: skipped, `/usr/bin/python3 -c "import torch"` fails on this machine');
  const py = (...args: string[]) => spawnSync(PY, [SCRIPT, ...args], { encoding: 'utf8' });
  const describeFor = (tensors: Record<string, Tensor>, dtypes: Record<string, string>, metadata: Record<string, string>, model: string | null) => ({
    model,
    metadata,
    tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, {
      dtype: dtypes[k] ?? safetensors.dtypeFor(k),
      shape: [...t.shape],
      values: Array.from(t.data, (v): number | string => (Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0.0' : Number.isFinite(v) ? v : String(v).replace('Infinity', 'inf'))),
    }])),
  });

  it.runIf(hasTorch)('PyTorch → gradlab: freshly written files load with the expected values', () => {
    const d = tmpDir();
    const r = py('write', d);
    expect(r.status, r.stderr).toBe(0);
    const exp = JSON.parse(fs.readFileSync(path.join(d, 'expected.json'), 'utf8'));
    for (const [file, e] of Object.entries<any>(exp.files)) {
      const { tensors, metadata } = loadWithMetadata(path.join(d, file));
      expect(metadata).toEqual(e.metadata);
      for (const [k, te] of Object.entries<any>(e.tensors)) expectExact(tensors[k], te.shape, te.values.map(dec), `${file}:${k}`);
    }
    expect(fs.readFileSync(path.join(d, 'model.safetensors')).equals(serialize(load(path.join(d, 'model.safetensors')), { metadata: { format: 'pt' } }))).toBe(true);
  });

  it.runIf(hasTorch)('gradlab → PyTorch: dtypes, values (F16/BF16 rounding bit for bit) and load_state_dict', () => {
    const d = tmpDir();
    // a model state dict that gradlab changed, saved with the default dtypes
    const model = load(path.join(FIX, 'model.safetensors'));
    for (const [k, t] of Object.entries(model)) for (let i = 0; i < t.data.length; i++) t.data[i] = k.endsWith('num_batches_tracked') ? 41 : t.data[i]! * 2 - 0.125;
    save(model, path.join(d, 'model.safetensors'), { metadata: { format: 'pt' } });
    fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify(describeFor(model, {}, { format: 'pt' }, 'mlp_bn')));

    // every writable dtype, values chosen to exercise rounding (ties, subnormals, specials)
    const mixed: Record<string, Tensor> = {
      f16: T([0.1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -25, 3 * 2 ** -26, 65504, -0, NaN, -Infinity, 1e-8]),
      bf16: T([0.1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3e38, -1e-40, NaN, Infinity]),
      f64: T([Math.fround(Math.PI), 1e-45, -0]),
      i64: T([-(2 ** 24), 41, 2 ** 40]),
      i32: T([-2147483648, 123456]),
      u8: T([0, 200, 255]),
      mask: T([1, 0, 0, 1], [2, 2]),
      scalar: new Tensor(Float32Array.of(2.5), []),
      empty: new Tensor(new Float32Array(0), [0, 4]),
      'größe/μ 🚀': T([1.25, -3]),
    };
    const dtypes = { f16: 'F16', bf16: 'BF16', f64: 'F64', i64: 'I64', i32: 'I32', u8: 'U8', mask: 'BOOL' } as const;
    const meta = { format: 'pt', note: 'ünï "q"\n' };
    save(mixed, path.join(d, 'mixed.safetensors'), { dtypes, metadata: meta });
    fs.writeFileSync(path.join(d, 'mixed.json'), JSON.stringify(describeFor(mixed, dtypes, meta, null)));
    let r = py('read', ...['model', 'mixed'].flatMap((f) => [path.join(d, `${f}.safetensors`), path.join(d, `${f}.json`)]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok: .*model\.safetensors: 9 tensors match\nok: .*mixed\.safetensors: 10 tensors match/);

    // the checker is not a rubber stamp: a wrong expectation fails
    const wrong = describeFor(mixed, dtypes, meta, null);
    wrong.tensors.f16!.values[0] = 0.2;
    fs.writeFileSync(path.join(d, 'wrong.json'), JSON.stringify(wrong));
    r = py('read', path.join(d, 'mixed.safetensors'), path.join(d, 'wrong.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/'f16': values/);
  });
});
