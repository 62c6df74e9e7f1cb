/**
 * Broadcasting elementwise kernels on typed arrays. Each op's loop is written out so the hot
 * arithmetic (add, sub, mul, div) never goes through a function call per element.
 */
export type BinaryCode = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * C's pow (which PyTorch uses): unlike JS `Math.pow`, 1^y is 1 for every y (NaN included) and
 * (-1)^±Inf is 1.
 */
export function powC(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** Strides of `shape` seen from a broadcast `outShape` (0 where the dim is broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const n = outShape.length;
  const st = new Array<number>(n).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = i + n - shape.length;
    st[oi] = shape[i] === 1 && outShape[oi] !== 1 ? 0 : acc;
    acc *= shape[i]!;
  }
  return st;
}

function scalarOp(code: BinaryCode, x: number, y: number): number {
  switch (code) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'pow': return powC(x, y);
    case 'maximum': return x !== x || y !== y ? NaN : x > y ? x : y;
    case 'minimum': return x !== x || y !== y ? NaN : x < y ? x : y;
    case 'atan2': return Math.atan2(x, y);
    case 'eq': return x === y ? 1 : 0;
    case 'ne': return x !== y ? 1 : 0;
    case 'lt': return x < y ? 1 : 0;
    case 'le': return x <= y ? 1 : 0;
    case 'gt': return x > y ? 1 : 0;
    case 'ge': return x >= y ? 1 : 0;
  }
}

/** out[i] = a[ia] ∘ b[ib] along one row of n elements with strides sa, sb. */
function row(code: BinaryCode, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, out: Float32Array, io: number, n: number): void {
  switch (code) {
    case 'add':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia]! + b[ib]!;
      return;
    case 'sub':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia]! - b[ib]!;
      return;
    case 'mul':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia]! * b[ib]!;
      return;
    case 'div':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia]! / b[ib]!;
      return;
    default:
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = scalarOp(code, a[ia]!, b[ib]!);
  }
}

/** out = a ∘ b with NumPy broadcasting; `outShape` must be the broadcast of the two shapes. */
export function binaryKernel(
  code: BinaryCode,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  out: Float32Array,
  outShape: readonly number[],
): void {
  const total = out.length;
  if (total === 0) return;
  if (a.length === total && b.length === total) return row(code, a, 0, 1, b, 0, 1, out, 0, total);
  if (b.length === 1 && a.length === total) return row(code, a, 0, 1, b, 0, 0, out, 0, total);
  if (a.length === 1 && b.length === total) return row(code, a, 0, 0, b, 0, 1, out, 0, total);
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const n = outShape[nd - 1]!;
  const rows = total / n;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  const ia1 = sa[nd - 1]!;
  const ib1 = sb[nd - 1]!;
  for (let r = 0; r < rows; r++) {
    row(code, a, ia, ia1, b, ib, ib1, out, r * n, n);
    // advance the multi-index over all but the last dim
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < outShape[d]!) break;
      ia -= sa[d]! * outShape[d]!;
      ib -= sb[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Copy a broadcast view of x (shape `shape`) into a contiguous array of `outShape`. */
export function expandKernel(x: Float32Array, shape: readonly number[], out: Float32Array, outShape: readonly number[]): void {
  if (x.length === out.length) {
    out.set(x);
    return;
  }
  if (x.length === 1) {
    out.fill(x[0]!);
    return;
  }
  const zero = new Float32Array(1);
  binaryKernel('add', x, shape, zero, [], out, outShape);
}
