import type { ConvGeometry } from '../backend.js';

/** x[C,H,W] → cols[C*kH*kW, outH*outW], zero padding. Row r = (c*kH + i)*kW + j. */
export function im2colPortable(x: Float32Array, xOff: number, g: ConvGeometry, cols: Float32Array, colOff: number): void {
  const { C, H, W, kH, kW, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = g;
  const L = outH * outW;
  let row = colOff;
  for (let c = 0; c < C; c++) {
    const xc = xOff + c * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        let o = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * strideH - padH + i * dilH;
          if (ih < 0 || ih >= H) {
            cols.fill(0, o, o + outW);
            o += outW;
            continue;
          }
          const xr = xc + ih * W;
          let iw = j * dilW - padW;
          if (strideW === 1 && iw >= 0 && iw + outW <= W) {
            cols.set(x.subarray(xr + iw, xr + iw + outW), o);
            o += outW;
            continue;
          }
          for (let ow = 0; ow < outW; ow++, iw += strideW) cols[o++] = iw >= 0 && iw < W ? x[xr + iw]! : 0;
        }
        row += L;
      }
    }
  }
}

/** cols[C*kH*kW, outH*outW] accumulated (+=) back into x[C,H,W]. */
export function col2imPortable(cols: Float32Array, colOff: number, g: ConvGeometry, x: Float32Array, xOff: number): void {
  const { C, H, W, kH, kW, strideH, strideW, padH, padW, dilH, dilW, outH, outW } = g;
  const L = outH * outW;
  let row = colOff;
  for (let c = 0; c < C; c++) {
    const xc = xOff + c * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++) {
        let o = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * strideH - padH + i * dilH;
          if (ih < 0 || ih >= H) {
            o += outW;
            continue;
          }
          const xr = xc + ih * W;
          let iw = j * dilW - padW;
          for (let ow = 0; ow < outW; ow++, iw += strideW, o++) if (iw >= 0 && iw < W) x[xr + iw] += cols[o]!;
        }
        row += L;
      }
    }
  }
}
