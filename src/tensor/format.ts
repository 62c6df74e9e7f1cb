/**
 * Tensors printed as PyTorch prints them (torch/_tensor_str.py, default print options):
 * `tensor([[ 0.1234, -1.2000]], requiresGrad=true)`. Four decimals; scientific notation when the
 * nonzero finite magnitudes span more than 1000×, exceed 1e8 or go below 1e-4; whole numbers as
 * `1.`; every element padded to one width; more than 1000 elements summarized to the first and
 * last 3 along each dim with `...`; lines wrapped at 80 characters. Numbers are rounded from their
 * exact binary value, ties to even, as Python's format does (JavaScript's toFixed rounds ties up).
 */
import { numel } from './shape.js';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

/** The exact decimal expansion of |x| (finite): digits and the position of the decimal point in them. */
function exact(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (mant === 0n) return { digits: '0', point: 1 };
  if (e >= 0) {
    const d = (mant << BigInt(e)).toString();
    return { digits: d, point: d.length };
  }
  // m / 2^k = m·5^k / 10^k
  const d = (mant * 5n ** BigInt(-e)).toString();
  return { digits: d, point: d.length + e };
}

/** Round the digit string to `keep` digits (keep ≥ 0), ties to even; returns the digits and a carry flag. */
function roundDigits(digits: string, keep: number): { kept: string; carry: boolean } {
  if (keep >= digits.length) return { kept: digits.padEnd(keep, '0'), carry: false };
  let kept = keep > 0 ? digits.slice(0, keep) : '';
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const lastOdd = kept.length > 0 && (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (beyond || lastOdd));
  if (!up) return { kept: kept.padStart(keep, '0'), carry: false };
  // add one in the last kept place
  const arr = kept.split('').map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) arr[i--] = 0;
  if (i >= 0) {
    arr[i]!++;
    kept = arr.join('');
    return { kept, carry: false };
  }
  return { kept: `1${arr.join('')}`, carry: true };
}

const sign = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Python's `'{:.{p}f}'.format(x)`. */
export function formatFixed(x: number, p: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const { digits, point } = exact(x);
  // digits before the point (at least one), then p after it
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits;
  const intLen = Math.max(point, 1);
  const { kept } = roundDigits(padded, intLen + p);
  const intPart = kept.slice(0, kept.length - p).replace(/^0+(?=\d)/, '');
  const frac = kept.slice(kept.length - p);
  return `${sign(x)}${intPart}${p > 0 ? `.${frac}` : ''}`;
}

/** Python's `'{:.{p}e}'.format(x)`: one digit, p decimals, an exponent of at least two digits. */
export function formatSci(x: number, p: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let mant: string;
  let e10: number;
  if (x === 0) {
    mant = '0'.repeat(p + 1);
    e10 = 0;
  } else {
    const { digits, point } = exact(x);
    const lead = digits.search(/[1-9]/);
    const { kept, carry } = roundDigits(digits.slice(lead), p + 1);
    mant = carry ? kept.slice(0, p + 1) : kept;
    e10 = point - lead - 1 + (carry ? 1 : 0);
  }
  const exp = `${e10 < 0 ? '-' : '+'}${String(Math.abs(e10)).padStart(2, '0')}`;
  return `${sign(x)}${mant[0]}${p > 0 ? `.${mant.slice(1)}` : ''}e${exp}`;
}

/** PyTorch's _Formatter: one width and one mode for all the elements shown. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private width = 1;

  constructor(values: ArrayLike<number>) {
    const vals: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v) && v !== 0) vals.push(v);
    }
    if (vals.length === 0) return;
    let lo = Infinity;
    let hi = 0;
    for (const v of vals) {
      const a = Math.abs(v);
      if (a < lo) lo = a;
      if (a > hi) hi = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (this.intMode) {
      this.sciMode = hi / lo > 1000 || hi > 1e8;
      for (const v of vals) this.width = Math.max(this.width, this.sciMode ? formatSci(v, PRECISION).length : formatFixed(v, 0).length + 1);
    } else {
      this.sciMode = hi / lo > 1000 || hi > 1e8 || lo < 1e-4;
      for (const v of vals) this.width = Math.max(this.width, (this.sciMode ? formatSci(v, PRECISION) : formatFixed(v, PRECISION)).length);
    }
  }

  get elementWidth(): number {
    return this.width;
  }

  format(v: number): string {
    let s: string;
    if (this.sciMode) s = formatSci(v, PRECISION);
    else if (this.intMode) s = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v, PRECISION);
    return s.padStart(this.width, ' ');
  }
}

/** Row-major strides of `shape`. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Indices shown along a dim of size n: all, or the first and last EDGE with a gap marker (-1). */
function shown(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/** The values the formatter measures: the shown ones only when summarizing (get_summarized_data). */
function shownValues(data: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  const st = strides(shape);
  const out: number[] = [];
  const walk = (d: number, off: number): void => {
    if (d === shape.length) {
      out.push(data[off]!);
      return;
    }
    for (const i of shown(shape[d]!, summarize)) if (i >= 0) walk(d + 1, off + i * st[d]!);
  };
  walk(0, 0);
  return out;
}

/** The bracketed body of a tensor of `shape` over `data` (PyTorch's _tensor_str), `indent` = the prefix's length. */
export function formatTensorBody(data: ArrayLike<number>, shape: readonly number[], indent: number): string {
  const n = numel(shape);
  if (n === 0) return '[]';
  const summarize = n > THRESHOLD;
  const f = new Formatter(shownValues(data, shape, summarize));
  if (shape.length === 0) return f.format(data[0]!);
  const st = strides(shape);
  const rec = (d: number, off: number, ind: number): string => {
    const idx = shown(shape[d]!, summarize);
    if (d === shape.length - 1) {
      const items = idx.map((i) => (i < 0 ? ' ...' : f.format(data[off + i * st[d]!]!)));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (f.elementWidth + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    }
    const parts = idx.map((i) => (i < 0 ? '...' : rec(d + 1, off + i * st[d]!, ind + 1)));
    const dimLeft = shape.length - d;
    return `[${parts.join(`,${'\n'.repeat(dimLeft - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return rec(0, 0, indent);
}

/** PyTorch's _add_suffixes: `, suffix` on the last line, or on a new line past 80 characters. */
function addSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  let out = body;
  let last = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (last + s.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      last = indent + s.length;
    } else {
      out += `, ${s}`;
      last += s.length + 2;
    }
  }
  return `${out})`;
}

/** What a tensor knows about itself that printing needs. */
export interface Printable {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly requiresGrad: boolean;
  readonly gradFn: { readonly name: string } | null;
}

/** The name PyTorch gives an op's backward node: `mul` → `MulBackward`. */
export function backwardName(op: string): string {
  return `${op.charAt(0).toUpperCase()}${op.slice(1)}Backward`;
}

/** `tensor([...], requiresGrad=true)` / `tensor([...], gradFn=<MulBackward>)`, as PyTorch's repr. */
export function formatTensor(t: Printable): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (numel(t.shape) === 0 && t.shape.length !== 1) suffixes.push(`size=[${t.shape.join(', ')}]`);
  if (t.gradFn !== null) suffixes.push(`gradFn=<${backwardName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requiresGrad=true');
  return addSuffixes(prefix + formatTensorBody(t.data, t.shape, indent), suffixes, indent);
}
