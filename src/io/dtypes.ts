import { ValueError } from '../tensor/errors.js';
/**
 * The safetensors dtype table and the codecs between gradlab's float32 storage and each dtype's
 * little-endian bytes. Pure typed-array code: runs in Node and in the browser.
 *
 * Reading (`decodeAs`) always yields float32:
 * - F32 as is; F16 and BF16 exactly (every half and bfloat16 value is a float32 value);
 * - F64 rounded to nearest float32 (a finite value beyond float32's range is refused);
 * - BOOL, U8, I8, I16, U16 exactly; I32, U32, I64, U64 exactly when float32 holds the integer
 *   (always for |v| ≤ 2^24), otherwise refused: the value would not survive a round trip.
 * Writing (`encodeAs`) rounds to nearest-even like PyTorch's `.half()` / `.bfloat16()`, and refuses
 * values the target cannot hold (a finite value that overflows F16/BF16, a non-integer or
 * out-of-range value for an integer dtype, anything but 0/1 for BOOL).
 */

/** Every dtype name of the safetensors format that gradlab reads. */
export type SafetensorsDtype =
  | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** The dtypes `serialize`/`save` can write. */
export type WritableDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';

interface DtypeInfo {
  /** bytes per element */
  size: number;
  /** position in the reference implementation's dtype order (increasing alignment) */
  rank: number;
}

/** Sizes and sort ranks, in the reference implementation's order of increasing alignment. */
export const DTYPES: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  BOOL: { size: 1, rank: 0 },
  U8: { size: 1, rank: 1 },
  I8: { size: 1, rank: 2 },
  // F8_E5M2 = 3, F8_E4M3 = 4 (refused)
  I16: { size: 2, rank: 5 },
  U16: { size: 2, rank: 6 },
  F16: { size: 2, rank: 7 },
  BF16: { size: 2, rank: 8 },
  I32: { size: 4, rank: 9 },
  U32: { size: 4, rank: 10 },
  F32: { size: 4, rank: 11 },
  F64: { size: 8, rank: 12 },
  I64: { size: 8, rank: 13 },
  U64: { size: 8, rank: 14 },
};

/** Dtypes of the format (and of its later versions) that have no float32 reading here. */
export const REFUSED_DTYPES: ReadonlySet<string> = new Set([
  'F8_E5M2', 'F8_E4M3', 'F8_E4M3FN', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64', 'C128',
]);

export const WRITABLE: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'U8', 'BOOL']);

export function isDtype(s: string): s is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPES, s);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let halfTable: Float32Array | null = null;

/** Exact value of an IEEE half given its 16 bits. */
export function halfToFloat(h: number): number {
  if (typeof h !== 'number') throw new ValueError('halfToFloat', `expected a number, got ${typeof h}`);
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** The 16 bits of the half nearest to `v` (ties to even; NaN → quiet NaN; overflow → ±Inf). */
export function floatToHalf(v: number): number {
  if (typeof v !== 'number') throw new ValueError('floatToHalf', `expected a number, got ${typeof v}`);
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | (mant ? 0x7e00 : 0x7c00);
  const e = exp - 112; // half's biased exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The 16 bits of the bfloat16 nearest to `v` (ties to even; NaN → 0x7fc0), as PyTorch rounds. */
export function floatToBfloat16(v: number): number {
  if (typeof v !== 'number') throw new ValueError('floatToBfloat16', `expected a number, got ${typeof v}`);
  f32[0] = v;
  const x = u32[0]!;
  if (Number.isNaN(f32[0])) return 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bfloat16ToFloat(b: number): number {
  if (typeof b !== 'number') throw new ValueError('bfloat16ToFloat', `expected a number, got ${typeof b}`);
  u32[0] = (b & 0xffff) << 16;
  return f32[0]!;
}

/** Thrown by the codecs; the caller adds the tensor's name and turns it into a typed error. */
export class CodecError extends Error {}

/** Decode `n` elements of `dtype` from `bytes` (little endian, any alignment) into float32. */
export function decodeAs(dtype: SafetensorsDtype, bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  if (n === 0) return out;
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n * DTYPES[dtype].size);
  const exactInt = (v: number, i: number): number => {
    const f = Math.fround(v);
    if (f !== v) throw new CodecError(`element ${i} is ${v}, an integer float32 cannot hold exactly (beyond ±2^24)`);
    return f;
  };
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) {
        const v = dv.getFloat64(8 * i, true);
        const f = Math.fround(v);
        if (Number.isFinite(v) && !Number.isFinite(f)) throw new CodecError(`element ${i} is ${v}, beyond float32's range (±3.4e38)`);
        out[i] = f;
      }
      break;
    case 'F16': {
      const table = (halfTable ??= buildHalfTable());
      for (let i = 0; i < n; i++) out[i] = table[dv.getUint16(2 * i, true)]!;
      break;
    }
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bfloat16ToFloat(dv.getUint16(2 * i, true));
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) {
        const b = bytes[i]!;
        if (b > 1) throw new CodecError(`element ${i} is byte ${b}; a BOOL byte must be 0 or 1`);
        out[i] = b;
      }
      break;
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = bytes[i]!;
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = dv.getInt8(i);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, true);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = exactInt(dv.getInt32(4 * i, true), i);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) out[i] = exactInt(dv.getUint32(4 * i, true), i);
      break;
    case 'I64':
    case 'U64':
      for (let i = 0; i < n; i++) {
        const big = dtype === 'I64' ? dv.getBigInt64(8 * i, true) : dv.getBigUint64(8 * i, true);
        const f = Math.fround(Number(big));
        if (BigInt(f) !== big) throw new CodecError(`element ${i} is ${big}, an integer float32 cannot hold exactly (beyond ±2^24)`);
        out[i] = f;
      }
      break;
  }
  return out;
}

function buildHalfTable(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = halfToFloat(h);
  return t;
}

const INT_RANGE: Partial<Record<WritableDtype, [number, number]>> = {
  I64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  I32: [-2147483648, 2147483647],
  U8: [0, 255],
  BOOL: [0, 1],
};

/** Encode float32 values as `dtype`'s little-endian bytes into `out` (length n × size). */
export function encodeAs(dtype: WritableDtype, data: Float32Array, out: Uint8Array): void {
  const n = data.length;
  if (n === 0) return;
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, n * 4));
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) dv.setFloat32(4 * i, data[i]!, true);
      return;
    case 'F64':
      for (let i = 0; i < n; i++) dv.setFloat64(8 * i, data[i]!, true);
      return;
    case 'F16':
    case 'BF16': {
      const enc = dtype === 'F16' ? floatToHalf : floatToBfloat16;
      const inf = dtype === 'F16' ? 0x7c00 : 0x7f80;
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        const h = enc(v);
        if ((h & 0x7fff) === inf && Number.isFinite(v))
          throw new CodecError(`element ${i} is ${v}, which overflows ${dtype} (largest finite ${dtype === 'F16' ? '65504' : '3.39e38'})`);
        dv.setUint16(2 * i, h, true);
      }
      return;
    }
    default: {
      const [lo, hi] = INT_RANGE[dtype]!;
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        if (!Number.isInteger(v) || v < lo || v > hi)
          throw new CodecError(`element ${i} is ${v}, not ${dtype === 'BOOL' ? '0 or 1' : `an integer in [${lo}, ${hi}]`}`);
        if (dtype === 'I64') dv.setBigInt64(8 * i, BigInt(v), true);
        else if (dtype === 'I32') dv.setInt32(4 * i, v, true);
        else out[i] = v;
      }
    }
  }
}
