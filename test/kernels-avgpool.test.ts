/**
 * Average pooling's kernels on one window over the whole plane (global average pooling, their
 * flat-loop and fill fast paths) against the general loops they replace, bit for bit: −0, NaN
 * and odd plane sizes, a divisor override, and the result through adaptiveAvgPool2d.
 */
import { describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { avgPool2dBackwardKernel, avgPool2dKernel, type PoolWindows } from '../src/kernels/portable/pool.js';

function globalWindow(H: number, W: number, divisor = 0): PoolWindows {
  return {
    outH: 1, outW: 1, hs: Int32Array.of(0), he: Int32Array.of(H), ws: Int32Array.of(0), we: Int32Array.of(W),
    dilH: 1, dilW: 1, hDiv: Float64Array.of(H), wDiv: Float64Array.of(W), divisor,
  };
}

/** The general loop: dx[window] += g / divisor on a zeroed dx. */
function reference(g: Float32Array, planes: number, H: number, W: number, divisor: number): Float32Array {
  const dx = new Float32Array(planes * H * W);
  for (let p = 0; p < planes; p++) {
    const v = g[p]! / (divisor > 0 ? divisor : H * W);
    for (let i = 0; i < H * W; i++) dx[p * H * W + i] += v;
  }
  return dx;
}

const bits = (a: Float32Array): number[] => Array.from(new Int32Array(a.buffer, a.byteOffset, a.length));

describe('avgPool2dBackwardKernel over the whole plane', () => {
  it('equals the general accumulation bit for bit (−0, NaN, odd sizes, divisor override)', () => {
    const g = Float32Array.of(1.5, -0, 0, -3.25, NaN, Infinity, 1e-30, 7);
    for (const [H, W] of [[1, 1], [3, 5], [7, 7], [2, 9]] as const)
      for (const divisor of [0, 3]) {
        const dx = new Float32Array(g.length * H * W);
        avgPool2dBackwardKernel(g, g.length, H, W, globalWindow(H, W, divisor), dx);
        expect(bits(dx)).toEqual(bits(reference(g, g.length, H, W, divisor)));
      }
  });

  it('the forward sums each plane row by row in float64 as the general loop does', () => {
    const H = 5, W = 7, planes = 3;
    const x = Float32Array.from({ length: planes * H * W }, (_, i) => Math.fround(Math.sin(i * 1.3) * 10 ** (i % 5)));
    x[40] = -0;
    for (const divisor of [0, 4]) {
      const out = new Float32Array(planes);
      avgPool2dKernel(x, planes, H, W, globalWindow(H, W, divisor), out);
      const want = new Float32Array(planes);
      for (let p = 0; p < planes; p++) {
        let s = 0;
        for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) s += x[p * H * W + h * W + w]!;
        want[p] = s / (divisor > 0 ? divisor : H * W);
      }
      expect(bits(out)).toEqual(bits(want));
    }
  });

  it('gives adaptiveAvgPool2d(1) its gradient g / (H·W) everywhere', () => {
    const x = gl.randn([2, 3, 5, 7], { requiresGrad: true });
    const y = gl.F.adaptiveAvgPool2d(x, 1);
    const g = gl.randn([2, 3, 1, 1]);
    gl.sum(gl.mul(y, g)).backward();
    const want = reference(g.data, 6, 5, 7, 0);
    expect(bits(x.grad!.data)).toEqual(bits(want));
  });
});
