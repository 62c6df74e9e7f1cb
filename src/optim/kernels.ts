/**
 * The optimizers' per-element update loops. Every option is decided once, outside the loop, so
 * each loop body is straight-line arithmetic (V8 does not unswitch loops: a per-element
 * `maximize ? … : …` or `if (wd !== 0)` costs ~4× on a 1.7M-parameter step). `sign` is ±1 for
 * maximize; multiplying by it is exact, so results equal the branchy formulation bit for bit.
 */
import { backend } from '../kernels/backend.js';

/** θ ← θ − lr·(sign·g + wd·θ) (the wd term only when wd ≠ 0, so ±Inf weights stay as PyTorch leaves them). */
export function sgdPlain(w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): void {
  if (backend().sgdStep?.(w, g, lr, sign, wd)) return;
  const n = w.length;
  if (wd === 0) {
    const s = lr * sign;
    if (s === lr) for (let i = 0; i < n; i++) w[i] = w[i]! - lr * g[i]!;
    else for (let i = 0; i < n; i++) w[i] = w[i]! - lr * (sign * g[i]!);
  } else {
    for (let i = 0; i < n; i++) w[i] = w[i]! - lr * (sign * g[i]! + wd * w[i]!);
  }
}

/**
 * Momentum SGD: d = sign·g (+ wd·θ); b ← d on the first step, else momentum·b + (1 − dampening)·d;
 * θ ← θ − lr·(d + momentum·b) with nesterov, else θ − lr·b.
 */
export function sgdMomentum(
  w: Float32Array, g: Float32Array, b: Float32Array, lr: number, sign: number, wd: number,
  momentum: number, dampening: number, nesterov: boolean, fresh: boolean,
): void {
  const n = w.length;
  const keep = 1 - dampening;
  const useWd = wd !== 0;
  for (let i = 0; i < n; i++) {
    const d = useWd ? sign * g[i]! + wd * w[i]! : sign * g[i]!;
    b[i] = fresh ? d : momentum * b[i]! + keep * d;
  }
  if (nesterov) {
    for (let i = 0; i < n; i++) {
      const d = useWd ? sign * g[i]! + wd * w[i]! : sign * g[i]!;
      w[i] = w[i]! - lr * (d + momentum * b[i]!);
    }
  } else {
    for (let i = 0; i < n; i++) w[i] = w[i]! - lr * b[i]!;
  }
}

/**
 * One Adam/AdamW step on a parameter. `decay` multiplies θ first (AdamW: 1 − lr·wd, else 1);
 * `l2` is Adam's coupled weight decay (0 for AdamW). With `vmax` (amsgrad) the running maximum
 * of the second moment is used.
 */
export function adamStep(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null,
  sign: number, decay: number, l2: number, b1: number, b2: number,
  stepSize: number, bc2Sqrt: number, eps: number,
): void {
  const n = w.length;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  if (decay !== 1) for (let i = 0; i < n; i++) w[i] = w[i]! * decay;
  if (l2 !== 0) {
    for (let i = 0; i < n; i++) {
      const d = sign * g[i]! + l2 * w[i]!;
      m[i] = b1 * m[i]! + c1 * d;
      v[i] = b2 * v[i]! + c2 * d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = sign * g[i]!;
      m[i] = b1 * m[i]! + c1 * d;
      v[i] = b2 * v[i]! + c2 * d * d;
    }
  }
  if (vmax) {
    for (let i = 0; i < n; i++) {
      const vi = v[i]!;
      if (vi > vmax[i]! || vi !== vi) vmax[i] = vi;
      w[i] = w[i]! - (stepSize * m[i]!) / (Math.sqrt(vmax[i]!) / bc2Sqrt + eps);
    }
  } else {
    for (let i = 0; i < n; i++) w[i] = w[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
  }
}
