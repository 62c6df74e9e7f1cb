/**
 * The kernel interface (floor 2). Ops call kernels only through `backend()`, so that a faster
 * backend (WASM SIMD, threads) replaces the portable TypeScript one without touching any op.
 *
 * Kernels work on plain typed arrays, row-major and contiguous, with element offsets where a
 * caller wants to address part of a buffer (batched matmul, conv groups). Kernels never allocate
 * tensors and know nothing of autograd.
 */
import { ValueError } from '../tensor/errors.js';
export interface ConvGeometry {
  /** channels of the slice being unfolded */
  C: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  outH: number;
  outW: number;
}

/** A whole-batch convolution for the fused conv kernels: C is all input channels here. */
export interface Conv2dGeometry extends ConvGeometry {
  /** images in the batch */
  N: number;
  /** output channels */
  O: number;
  /** C and O are split into this many groups (weight is [O, C/groups, kH, kW]) */
  groups: number;
}

export interface Backend {
  readonly name: string;
  /**
   * General matrix multiply: C = op(A) · op(B) (+ C when `accumulate`).
   * op(A) is M×K: A is stored M×K, or K×M when `transA`. op(B) is K×N: B is stored K×N, or N×K
   * when `transB`. C is M×N. All row-major and contiguous from their offsets.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Float32Array,
    aOff: number,
    B: Float32Array,
    bOff: number,
    C: Float32Array,
    cOff: number,
    accumulate: boolean,
  ): void;
  /**
   * Unfold one image slice x[C,H,W] (from `xOff`) into columns cols[C*kH*kW, outH*outW] (from
   * `colOff`); zero padding.
   */
  im2col(x: Float32Array, xOff: number, g: ConvGeometry, cols: Float32Array, colOff: number): void;
  /** Inverse of im2col: accumulate (+=) cols[C*kH*kW, outH*outW] into x[C,H,W]. */
  col2im(cols: Float32Array, colOff: number, g: ConvGeometry, x: Float32Array, xOff: number): void;
  /**
   * Optional elementwise kernels. Each returns false when it declines (say, an array too short to
   * pay for copies into its memory); the caller then runs its portable JavaScript loop.
   *
   * tanh: out[outOff..+n) = tanh(x[xOff..+n)), within 2 ulp of the correctly rounded float32
   * tanh, exact at ±0, ±Inf → ±1, NaN → NaN.
   */
  tanh?(x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean;
  /** out[i] = g[i]·(1 − y[i]²) for i < n (tanh's backward from its output), as float64 rounded once. */
  tanhBackward?(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean;
  /**
   * out[i] = max(x[i], 0) for i < n, bit-identical to ops' JavaScript loop: positive values and
   * NaNs (with their bits) pass, every other value (−0 included) becomes +0.
   */
  relu?(x: Float32Array, out: Float32Array, n: number): boolean;
  /**
   * ReLU's backward from its output: out[i] = g[i] where y[i] > 0 or y[i] is NaN, else +0
   * (PyTorch's threshold_backward(g, y, 0)), bit-identical to ops' JavaScript loop.
   */
  reluBackward?(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean;
  /**
   * Plain SGD in place over all of w: w ← w − lr·(sign·g + wd·w), the wd term only when wd ≠ 0,
   * each element in float64 rounded once (bit-identical to the JavaScript update).
   */
  sgdStep?(w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): boolean;
  /**
   * Zero-filled storage for long-lived tensors (layer weights) that this backend's kernels read
   * without copying; null when it has none to give (then an ordinary array is used).
   */
  allocPersistent?(n: number): Float32Array | null;
  /**
   * Optional fused convolution over a whole batch (ops fall back to im2col/col2im + gemm when a
   * backend lacks them). All arrays are contiguous, NCHW; results are overwritten, not added to.
   * y[N,O,outH,outW] = conv(x[N,C,H,W], w[O,C/groups,kH,kW]) (+ bias[O]).
   */
  conv2dForward?(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, y: Float32Array): void;
  /** dx[N,C,H,W] = the gradient of conv2d with respect to its input (the transposed convolution). */
  conv2dInputGrad?(dy: Float32Array, w: Float32Array, g: Conv2dGeometry, dx: Float32Array): void;
  /**
   * dw[O,C/groups,kH,kW] = the gradient of conv2d with respect to its weight, summed over the
   * batch; with `db`, also db[O] = the bias gradient, summed exactly as ops' biasGradData does
   * (src/ops/conv-bias.ts), so it is bit-identical to it.
   */
  conv2dWeightGrad?(dy: Float32Array, x: Float32Array, g: Conv2dGeometry, dw: Float32Array, db?: Float32Array | null): void;
  /**
   * Both of the above (and db when given) from one dy, as one call: what conv2d's backward needs
   * when input and weight both want gradients. Results as the separate calls give them.
   */
  conv2dBackward?(
    dy: Float32Array, x: Float32Array, w: Float32Array, g: Conv2dGeometry, dx: Float32Array, dw: Float32Array, db: Float32Array | null,
  ): void;
}

const registry = new Map<string, Backend>();
let current: Backend | null = null;

export function registerBackend(b: Backend, makeCurrent = false): void {
  registry.set(b.name, b);
  if (makeCurrent || current === null) current = b;
}

/** The backend ops use now. */
export function backend(): Backend {
  if (current === null) throw new ValueError('kernels', 'no backend registered; import gradlab (it registers the portable backend) or call registerBackend()');
  return current;
}

/**
 * Zero-filled storage of n floats for a long-lived tensor such as a layer's weight: the current
 * backend's persistent storage where it has some (the wasm backend's kernels then read it in
 * place), else an ordinary Float32Array. Either way it behaves as an ordinary array.
 */
export function persistentZeros(n: number): Float32Array {
  return current?.allocPersistent?.(n) ?? new Float32Array(n);
}

/** Select a registered backend by name ('portable', 'wasm', …). */
export function setBackend(name: string): Backend {
  const b = typeof name === 'string' ? registry.get(name) : undefined;
  if (!b)
    throw new ValueError(
      'setBackend',
      `unknown backend ${typeof name === 'string' ? `'${name}'` : String(name)}; the registered backends are ` +
        `${[...registry.keys()].map((k) => `'${k}'`).join(', ') || '(none)'}: pass one of them (listBackends() lists them)`,
    );
  current = b;
  return b;
}

export function listBackends(): string[] {
  return [...registry.keys()];
}
