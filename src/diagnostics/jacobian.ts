/**
 * Estimate of a layer's Jacobian mean squared singular value, tr(JJᵀ)/dim(out), from random
 * vector–Jacobian products: for Gaussian v, E‖vᵀJ‖² = tr(JJᵀ) and E‖v‖² = dim(out). It is the
 * factor by which the layer multiplies the squared norm of an isotropic upstream gradient — the
 * per-layer factor whose product over depth makes gradients vanish (< 1) or explode (> 1), and
 * the quantity Glorot's and dynamical-isometry analyses keep at 1.
 *
 * Only library modules are re-run (their forward is known: a function of the input, the
 * parameters, the buffers and the random generators), on a detached copy of the input with the
 * parameters' requiresGrad off; the training graph, the parameters' `.grad`, the buffers
 * (BatchNorm running statistics), the default generator and every generator the module holds
 * are left exactly as they were. A user's layer is never run again (it may count calls, cache or
 * draw random numbers): its Jacobian is read off the recorded tape instead (tape/vjp.ts).
 */
import { Tensor } from '../tensor/tensor.js';
import { Generator, defaultGenerator } from '../tensor/rng.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { grad } from '../autograd/engine.js';
import type { Module } from '../nn/module.js';
import { isLibraryModule } from '../nn/module-type.js';

function firstTensor(v: unknown): Tensor | null {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) return x;
  return null;
}

/**
 * The raw forward implementation (no hooks), found on the class; null when the module defines
 * forward some other way.
 */
function rawForward(m: Module): ((...a: unknown[]) => unknown) | null {
  const f = (Object.getPrototypeOf(m) as { forward?: unknown }).forward;
  return typeof f === 'function' ? (f as (...a: unknown[]) => unknown) : null;
}

/**
 * Mean over `samples` random v of ‖vᵀJ‖²/‖v‖²; null when the layer's input is not
 * differentiable. With `rows`, only the first `rows` samples of the batch (dim 0) are used — for
 * layers that treat samples independently the per-sample Jacobians are the same, so this only
 * trades variance for time.
 */
export function jacobianMsv(m: Module, args: readonly unknown[], samples: number, gen: Generator, rows = Infinity): number | null {
  let x0 = args[0];
  if (!(x0 instanceof Tensor) || x0.data.length === 0) return null;
  if (x0.ndim >= 2 && x0.shape[0]! > rows) {
    const per = x0.data.length / x0.shape[0]!;
    x0 = new Tensor(x0.data.subarray(0, rows * per), [rows, ...x0.shape.slice(1)]);
  }
  const xIn = x0 as Tensor;
  const mods = [...m.namedModules()].map(([, mod]) => mod);
  if (!mods.every(isLibraryModule)) return null;
  const impl = rawForward(m);
  if (!impl) return null;
  const gens = mods.flatMap((mod) => Object.values(mod).filter((v): v is Generator => v instanceof Generator && v !== defaultGenerator));
  const genStates = gens.map((g) => g.getState());
  const params = m.parameters();
  const flags = params.map((p) => p.requiresGrad);
  const buffers = mods.flatMap((mod) =>
    [...mod._ownBuffers()].map(([k, b]) => ({ mod, k, b, arr: b.data, data: b.data.slice(), version: b._version })),
  );
  const rng = defaultGenerator.getState();
  try {
    for (const p of params) p.requiresGrad = false;
    return enableGrad(() => {
      const x = new Tensor(xIn.data, xIn.shape, true);
      const rest = args.slice(1).map((a) => (a instanceof Tensor ? new Tensor(a.data, a.shape) : a));
      const y = firstTensor(impl.apply(m, [x, ...rest]));
      if (!y || !y.requiresGrad || y.data.length === 0) return null;
      let acc = 0;
      for (let s = 0; s < samples; s++) {
        const v = new Float32Array(y.data.length);
        let vv = 0;
        for (let i = 0; i < v.length; i++) {
          v[i] = gen.normal();
          vv += v[i]! * v[i]!;
        }
        const [gx] = grad([y], [x], { gradOutputs: [new Tensor(v, y.shape)], retainGraph: s < samples - 1, allowUnused: true });
        if (!gx) return 0;
        let gg = 0;
        for (let i = 0; i < gx.data.length; i++) gg += gx.data[i]! * gx.data[i]!;
        acc += gg / vv;
      }
      return acc / samples;
    });
  } finally {
    params.forEach((p, i) => (p.requiresGrad = flags[i]!));
    for (const { mod, k, b, arr, data, version } of buffers) {
      (mod as unknown as Record<string, unknown>)[k] = b;
      b.data = arr;
      arr.set(data);
      b._version = version;
    }
    defaultGenerator.setState(rng);
    gens.forEach((g, i) => g.setState(genStates[i]!));
  }
}
