/**
 * 2-D pooling kernels on contiguous [planes, H, W] data (planes = N·C). Every pooling flavour
 * (max, average with or without padding in the divisor, adaptive) is described by its windows:
 * for each output row oh the input rows hs[oh], hs[oh]+dilH, … < he[oh] (already clipped to the
 * input), likewise for columns. Average pooling divides by hDiv[oh]·wDiv[ow], or by `divisor`
 * when it is set (> 0).
 */
export interface PoolWindows {
  outH: number;
  outW: number;
  hs: Int32Array;
  he: Int32Array;
  ws: Int32Array;
  we: Int32Array;
  dilH: number;
  dilW: number;
  hDiv: Float64Array;
  wDiv: Float64Array;
  /** Fixed divisor (PyTorch's divisor_override); 0 = use hDiv·wDiv. */
  divisor: number;
}

/**
 * Max over each window; idx receives the flat index (ih·W + iw) of the winner within its plane.
 * NaN wins (and propagates), as in PyTorch; an all −∞ window reports its first element.
 */
export function maxPool2dKernel(x: Float32Array, planes: number, H: number, W: number, win: PoolWindows, out: Float32Array, idx: Float32Array): void {
  const { outH, outW, hs, he, ws, we, dilH, dilW } = win;
  const HW = H * W;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = hs[oh]!;
      const h1 = he[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ws[ow]!;
        const w1 = we[ow]!;
        let best = -Infinity;
        let bi = h0 * W + w0;
        for (let ih = h0; ih < h1; ih += dilH) {
          const row = ih * W;
          for (let iw = w0; iw < w1; iw += dilW) {
            const v = x[base + row + iw]!;
            if (v > best || v !== v) {
              best = v;
              bi = row + iw;
            }
          }
        }
        out[o] = best;
        idx[o] = bi;
      }
    }
  }
}

/** Whether the windows are one window over the whole (non-empty) plane: global average pooling. */
function isGlobal(win: PoolWindows, H: number, W: number): boolean {
  return win.outH === 1 && win.outW === 1 && win.hs[0] === 0 && win.he[0] === H && win.ws[0] === 0 && win.we[0] === W && H * W > 0;
}

/** Mean over each window (window elements summed in float64). */
export function avgPool2dKernel(x: Float32Array, planes: number, H: number, W: number, win: PoolWindows, out: Float32Array): void {
  const { outH, outW, hs, he, ws, we, hDiv, wDiv, divisor } = win;
  const HW = H * W;
  if (isGlobal(win, H, W)) {
    // one window over the whole plane: the same row-major sum as below, as one flat loop
    const div = divisor > 0 ? divisor : hDiv[0]! * wDiv[0]!;
    for (let p = 0; p < planes; p++) {
      let s = 0;
      for (let i = p * HW, e = i + HW; i < e; i++) s += x[i]!;
      out[p] = s / div;
    }
    return;
  }
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = hs[oh]!;
      const h1 = he[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ws[ow]!;
        const w1 = we[ow]!;
        if (h0 >= h1 || w0 >= w1) {
          out[o] = 0;
          continue;
        }
        let s = 0;
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * W;
          for (let iw = w0; iw < w1; iw++) s += x[row + iw]!;
        }
        out[o] = s / (divisor > 0 ? divisor : hDiv[oh]! * wDiv[ow]!);
      }
    }
  }
}

/** Adjoint of avgPool2dKernel: dx[window] += g / divisor (dx must be zeroed by the caller). */
export function avgPool2dBackwardKernel(g: Float32Array, planes: number, H: number, W: number, win: PoolWindows, dx: Float32Array): void {
  const { outH, outW, hs, he, ws, we, hDiv, wDiv, divisor } = win;
  const HW = H * W;
  if (isGlobal(win, H, W)) {
    // one window over the whole plane (global average pooling): each element gets exactly one
    // addition to its zero, 0 + v, which is v with −0 made +0
    const div = divisor > 0 ? divisor : hDiv[0]! * wDiv[0]!;
    for (let p = 0; p < planes; p++) dx.fill(g[p]! / div + 0, p * HW, (p + 1) * HW);
    return;
  }
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = hs[oh]!;
      const h1 = he[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ws[ow]!;
        const w1 = we[ow]!;
        if (h0 >= h1 || w0 >= w1) continue;
        const v = g[o]! / (divisor > 0 ? divisor : hDiv[oh]! * wDiv[ow]!);
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * W;
          for (let iw = w0; iw < w1; iw++) dx[row + iw] += v;
        }
      }
    }
  }
}

/** out[p, l] = x[p, idx[p, l]] for planes of HW inputs and L outputs. */
export function gatherPlanes(x: Float32Array, planes: number, HW: number, idx: Float32Array, L: number, out: Float32Array): void {
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * HW;
    for (let l = 0; l < L; l++, o++) out[o] = x[base + idx[o]!]!;
  }
}

/** dx[p, idx[p, l]] += g[p, l] (dx must be zeroed by the caller). */
export function scatterPlanes(g: Float32Array, planes: number, HW: number, idx: Float32Array, L: number, dx: Float32Array): void {
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * HW;
    for (let l = 0; l < L; l++, o++) dx[base + idx[o]!] += g[o]!;
  }
}
