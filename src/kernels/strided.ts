/**
 * Strided copies between a contiguous array and a strided view of another (offset + Σ idx_k ·
 * strides_k): `gatherStrided` reads the view (permute, slice, narrow, flip…), `scatterAddStrided`
 * adds back into it (their backward). Both walk the view's rows with the same multi-index.
 */

/** Calls `row(base, r)` for each of the view's rows (the last dim), base = its start offset. */
function forEachRow(shape: readonly number[], strides: readonly number[], offset: number, rows: number, row: (base: number, r: number) => void): void {
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let r = 0; r < rows; r++) {
    row(base, r);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** out[i] = src[offset + Σ idx_k·strides_k] over the out shape. */
export function gatherStrided(src: Float32Array, out: Float32Array, shape: readonly number[], strides: readonly number[], offset = 0): void {
  if (out.length === 0) return;
  if (shape.length === 0) {
    out[0] = src[offset]!;
    return;
  }
  const n = shape[shape.length - 1]!;
  const s1 = strides[shape.length - 1]!;
  forEachRow(shape, strides, offset, out.length / n, (base, r) => {
    for (let k = 0, o = r * n, p = base; k < n; k++, p += s1) out[o++] = src[p]!;
  });
}

/** out[offset + Σ idx_k·strides_k] += src[i]: the adjoint of gatherStrided. */
export function scatterAddStrided(src: Float32Array, out: Float32Array, shape: readonly number[], strides: readonly number[], offset = 0): void {
  if (src.length === 0) return;
  if (shape.length === 0) {
    out[offset] += src[0]!;
    return;
  }
  const n = shape[shape.length - 1]!;
  const s1 = strides[shape.length - 1]!;
  forEachRow(shape, strides, offset, src.length / n, (base, r) => {
    for (let k = 0, i = r * n, p = base; k < n; k++, p += s1) out[p] += src[i++]!;
  });
}
