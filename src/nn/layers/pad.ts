import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../../autograd/node.js';
import { checkTensor } from '../../ops/util.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * Pad the two spatial dims of x [N, C, H, W] by [top, bottom, left, right] with Conv2d's padding
 * modes: 'zeros', 'reflect' (mirror without repeating the edge), 'replicate' (repeat the edge) or
 * 'circular' (wrap around). A gather through an index map whose backward is the matching
 * scatter-add (and vice versa), so it is differentiable to any order.
 */
export function pad2d(x: Tensor, pads: readonly [number, number, number, number], mode: PaddingMode): Tensor {
  checkTensor(x, 'pad2d');
  const op = 'pad2d';
  if (x.ndim !== 4) throw new ShapeError(op, `expects input [N, C, H, W], got ${fmtShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [pt, pb, pl, pr] = pads;
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new ValueError(op, `paddings must be non-negative integers, got ${JSON.stringify(pads)}`);
  const limitH = mode === 'reflect' ? H - 1 : mode === 'circular' ? H : Infinity;
  const limitW = mode === 'reflect' ? W - 1 : mode === 'circular' ? W : Infinity;
  if (Math.max(pt, pb) > limitH || Math.max(pl, pr) > limitW || (mode === 'replicate' && (H === 0 || W === 0)))
    throw new ValueError(
      op,
      `${mode} padding ${JSON.stringify(pads)} is too large for input ${fmtShape(x.shape)}; ` +
        `${mode === 'reflect' ? 'each pad must be < the size of its dim' : 'each pad must be ≤ the size of its dim'}`,
    );
  const mapH = axisMap(H, pt, pb, mode);
  const mapW = axisMap(W, pl, pr, mode);
  const Ho = mapH.length;
  const Wo = mapW.length;
  const map = new Int32Array(Ho * Wo);
  for (let i = 0; i < Ho; i++)
    for (let j = 0; j < Wo; j++) map[i * Wo + j] = mapH[i]! < 0 || mapW[j]! < 0 ? -1 : mapH[i]! * W + mapW[j]!;
  return gatherPlanes(x, map, N * C, H * W, [N, C, Ho, Wo]);
}

function axisMap(n: number, before: number, after: number, mode: PaddingMode): Int32Array {
  const m = new Int32Array(n + before + after);
  for (let o = 0; o < m.length; o++) {
    const i = o - before;
    if (i >= 0 && i < n) m[o] = i;
    else if (mode === 'zeros') m[o] = -1;
    else if (mode === 'replicate') m[o] = i < 0 ? 0 : n - 1;
    else if (mode === 'reflect') m[o] = i < 0 ? -i : 2 * (n - 1) - i;
    else m[o] = ((i % n) + n) % n;
  }
  return m;
}

/**
 * out[p, k] = x[p, map[k]] (0 where map is -1) over `planes` contiguous planes of x (each
 * `inPlane` long); differentiable to any order (its backward is the matching scatter-add).
 */
export function gatherPlanes(x: Tensor, map: Int32Array, planes: number, inPlane: number, outShape: number[]): Tensor {
  const outPlane = map.length;
  const out = new Tensor(new Float32Array(planes * outPlane), outShape);
  const xd = x.data;
  const od = out.data;
  for (let p = 0; p < planes; p++) {
    const xo = p * inPlane;
    const oo = p * outPlane;
    for (let k = 0; k < outPlane; k++) {
      const s = map[k]!;
      od[oo + k] = s < 0 ? 0 : xd[xo + s]!;
    }
  }
  return record(out, 'pad2d', [x], (g) => [scatterPlanes(g, map, planes, inPlane, x.shape)], []);
}

/** The adjoint: x[p, map[k]] += g[p, k]. */
function scatterPlanes(g: Tensor, map: Int32Array, planes: number, inPlane: number, inShape: readonly number[]): Tensor {
  const outPlane = map.length;
  const out = new Tensor(new Float32Array(planes * inPlane), inShape);
  const gd = g.data;
  const od = out.data;
  for (let p = 0; p < planes; p++) {
    const xo = p * inPlane;
    const go = p * outPlane;
    for (let k = 0; k < outPlane; k++) {
      const s = map[k]!;
      if (s >= 0) od[xo + s] += gd[go + k]!;
    }
  }
  return record(out, 'pad2dBackward', [g], (gg) => [gatherPlanes(gg, map, planes, inPlane, [...g.shape])], []);
}
