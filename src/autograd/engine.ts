import { AutogradError, ValueError, fmtShape } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { Node } from './node.js';
import { tape } from './observe.js';
import { bornIn, giveStorage, newStorageEpoch, ownStorage, takeStorage } from '../tensor/storage-pool.js';
import { keepStorage } from '../tensor/storage-scope.js';
import { backend } from '../kernels/backend.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface BackwardOptions {
  /** Keep the saved tensors so the graph can be differentiated again. Default: createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives. Default false. */
  createGraph?: boolean;
}

export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (needed for non-scalar outputs). */
  gradOutputs?: readonly (Tensor | null)[];
  /** Return null for inputs not reached from the outputs instead of throwing. Default false. */
  allowUnused?: boolean;
}

/** Tensors reachable from `roots` through gradFn inputs, in topological order (outputs first). */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const post: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: a 1,000-layer net must not overflow the stack.
  const stack: { t: Tensor; i: number }[] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push({ t: r, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = (top.t.gradFn as Node | null)?.inputs ?? [];
      if (top.i < inputs.length) {
        const next = inputs[top.i++]!;
        if (next.requiresGrad && !seen.has(next)) {
          seen.add(next);
          stack.push({ t: next, i: 0 });
        }
      } else {
        post.push(top.t);
        stack.pop();
      }
    }
  }
  return post.reverse();
}

/**
 * A tensor hook may declare, through a `keepsGradient()` property, whether it holds on to the
 * gradient it is shown (the doctor's parameter hooks do only on the steps they record).
 */
interface HookMeta {
  keepsGradient?: () => boolean;
}

/** Whether one of t's hooks may keep the gradient it sees (then its storage is neither adopted nor recycled). */
function mayKeep(t: Tensor): boolean {
  const hooks = t._hooks;
  if (!hooks) return false;
  for (const h of hooks) if ((h as HookMeta).keepsGradient?.() !== false) return true;
  return false;
}

function seedGrad(t: Tensor, g: Tensor | null | undefined, op: string): Tensor {
  if (g === null || g === undefined) {
    if (t.data.length !== 1)
      throw new AutogradError(
        op,
        `grad can be implicitly created only for scalar outputs, got shape ${fmtShape(t.shape)}; ` +
          `pass a gradient of the same shape, e.g. t.backward(onesLike(t))`,
      );
    const one = takeStorage(1, false);
    one[0] = 1;
    return new Tensor(one, t.shape);
  }
  if (!shapesEqual(g.shape, t.shape))
    throw new ValueError(op, `gradient has shape ${fmtShape(g.shape)} but the output has shape ${fmtShape(t.shape)}`);
  return g;
}

function run(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: BackwardOptions,
  capture: Map<Tensor, Tensor | null> | null,
): void {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topoOrder(roots);
  const grads = new Map<Tensor, Tensor>();
  // How often each gradient storage was handed to a tensor in this pass (seeds and hook results
  // count as foreign). A leaf may take a gradient's storage as its .grad, instead of a copy, only
  // when that storage was handed out exactly once: then nothing else can see it.
  // Storage is identified by its buffer, so that views (subarray) count with what they view;
  // blocks of the wasm memory share one buffer, so there a block the allocator made is identified
  // by its array, and a view into the wasm memory that it did not make cannot be traced to its
  // block: then nothing of this pass is recycled.
  const handed = new Map<object, number>();
  let untraceable = false;
  const key = (a: Float32Array): object => {
    if (a.buffer instanceof ArrayBuffer) return a.buffer;
    if (ownStorage(a)) return a;
    untraceable = true;
    return a.buffer;
  };
  const note = (g: Tensor, k: number): void => {
    const id = key(g.data);
    handed.set(id, (handed.get(id) ?? 0) + k);
  };
  // Storage of a gradient seen by nothing but this pass (born in it from the storage pool, handed
  // out once): once it has been used it goes back to the pool for the next op's output. Not when
  // recording the pass (createGraph), nor in grad() (it returns gradients), nor after a hook.
  const epoch = newStorageEpoch();
  const ownsAlone = (g: Tensor): boolean =>
    !createGraph && capture === null && !untraceable && handed.get(key(g.data)) === 1 && bornIn(g.data, epoch);
  const recycle = (g: Tensor): void => {
    if (!ownsAlone(g)) return;
    handed.delete(key(g.data));
    giveStorage(g.data);
  };
  const accumulate = (t: Tensor, g: Tensor): void => {
    note(g, 1);
    const prev = grads.get(t);
    if (prev === undefined) grads.set(t, g);
    else {
      const sum = add(prev, g);
      note(sum, 1);
      grads.set(t, sum);
      recycle(prev);
      recycle(g);
    }
  };
  roots.forEach((r, i) => {
    note(seeds[i]!, 2);
    accumulate(r, seeds[i]!);
  });
  const owned = (t: Tensor, g: Tensor): boolean =>
    !createGraph &&
    t.gradFn === null &&
    !mayKeep(t) &&
    !untraceable &&
    handed.get(key(g.data)) === 1 &&
    (ownStorage(g.data) || (g.data.byteOffset === 0 && g.data.byteLength === g.data.buffer.byteLength));
  const body = (): void => {
    for (const t of order) {
      let g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      if (t._hooks)
        for (const h of t._hooks) {
          const r = h(g);
          if (r !== undefined && r !== null) {
            note(r, 2);
            g = r;
          }
        }
      if (capture) {
        if (capture.has(t)) capture.set(t, g);
      } else if (t.gradFn === null || t._retainsGrad) {
        // a gradient added into an existing .grad is dead afterwards (nothing else saw it)
        if (storeGrad(t, g, createGraph, owned(t, g)) === 'added' && t.gradFn === null && !mayKeep(t)) recycle(g);
      }
      const node = t.gradFn as Node | null;
      if (node === null) continue;
      const hooked = mayKeep(t);
      // g is dead after the rule unless t keeps it (retainGrad), a hook saw it, or the rule may
      // keep it; when the pass alone owns it, the rule may also write its result over it
      const dead = node.pure && !hooked && !t._retainsGrad;
      const consumable = dead && ownsAlone(g);
      const inGrads = node.apply(g, consumable);
      if (tape.backward !== null) tape.backward(node, g, inGrads);
      const inputs = node.inputs;
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i]!;
        const gi = inGrads[i];
        if (!x.requiresGrad || gi === null || gi === undefined) continue;
        if (!shapesEqual(gi.shape, x.shape))
          throw new AutogradError(
            node.name,
            `backward rule returned a gradient of shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(x.shape)}`,
          );
        accumulate(x, gi);
      }
      // a dead g goes back to the pool, unless the rule passed it on (or a view of it), which
      // raised its count above one; a rule that wrote its result over a consumable g (or passed g
      // on) gave the storage to those results: each was counted as it was accumulated, and g's own
      // count ends here (an add's backward hands the same g to both inputs: then two hold it)
      if (consumable && inGrads.some((r) => r !== null && r !== undefined && key(r.data) === key(g.data))) {
        const k = key(g.data);
        const left = (handed.get(k) ?? 1) - 1;
        if (left > 0) handed.set(k, left);
        else {
          handed.set(k, 1);
          recycle(g);
        }
      } else if (dead) recycle(g);
      if (!retainGraph) node.free();
    }
  };
  try {
    if (createGraph) enableGrad(body);
    else noGrad(body);
  } finally {
    // storage taken after the pass belongs to no pass
    newStorageEpoch();
  }
}

/**
 * Put `g` into `t.grad`: added in place to an existing gradient, else a copy — or `g` itself when
 * the pass owns its storage (`adopt`), which saves an allocation and a copy per parameter per step.
 */
function storeGrad(t: Tensor, g: Tensor, createGraph: boolean, adopt: boolean): 'added' | 'stored' {
  if (createGraph) {
    t.grad = t.grad ? add(t.grad, g) : g;
    keepStorage(t.grad);
    return 'stored';
  }
  if (t.grad && shapesEqual(t.grad.shape, g.shape) && t.grad.gradFn === null) {
    const a = t.grad.data;
    const b = g.data;
    // a + b as the SGD kernel w − (−1)·(1·g + 0·w), each element in float64 rounded once: the same
    // bits as the loop, and in place when both lie in the wasm memory (storage-scope.ts)
    if (!(backend().sgdStep?.(a, b, -1, 1, 0) ?? false)) for (let i = 0; i < a.length; i++) a[i] += b[i]!;
    t.grad._version++;
    return 'added';
  }
  if (adopt && g.gradFn === null && !g.requiresGrad) t.grad = new Tensor(g.data, g.shape);
  else {
    const copy = takeStorage(g.data.length, false);
    copy.set(g.data);
    t.grad = new Tensor(copy, g.shape);
  }
  // .grad outlives a storage scope (storage-scope.ts)
  keepStorage(t.grad);
  return 'stored';
}

/**
 * Backpropagate from `t` (PyTorch: `t.backward(gradient, retain_graph=…)`), accumulating into
 * leaves' `.grad`. Forms: `backward(t)`, `backward(t, gradient)`, `backward(t, gradient, opts)`
 * and `backward(t, opts)` (a scalar output with options, e.g. `{ retainGraph: true }`).
 */
export function backward(t: Tensor, gradient?: Tensor | null | BackwardOptions, opts?: BackwardOptions): void {
  if (!(t instanceof Tensor)) throw new ValueError('backward', `expects the Tensor to differentiate (e.g. the loss), got ${t === null ? 'null' : typeof t}`);
  if (gradient !== null && gradient !== undefined && !(gradient instanceof Tensor)) {
    if (typeof gradient !== 'object' || Array.isArray(gradient) || opts !== undefined)
      throw new ValueError(
        'backward',
        `expected backward(gradient?: Tensor, options?) or backward(options), got ${describe(gradient)} as the first ` +
          `argument; pass the gradient as a Tensor of the output's shape, or { retainGraph, createGraph }`,
      );
    opts = gradient;
    gradient = undefined;
  }
  opts ??= {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new ValueError('backward', `options must be an object such as { retainGraph: true }, got ${describe(opts)}`);
  if (!t.requiresGrad)
    throw new AutogradError(
      'backward',
      `element 0 of tensors does not require grad and does not have a gradFn; create the leaves with ` +
        `{ requiresGrad: true } (and do not compute the loss inside noGrad)`,
    );
  run([t], [seedGrad(t, gradient as Tensor | null | undefined, 'backward')], opts, null);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/**
 * Gradients of `outputs` with respect to `inputs` (PyTorch: `torch.autograd.grad`). Leaves'
 * `.grad` are left untouched.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  for (const [what, v] of [['outputs', outputs], ['inputs', inputs]] as const)
    if (!(v instanceof Tensor) && !(Array.isArray(v) && v.every((x) => x instanceof Tensor)))
      throw new ValueError('grad', `${what} must be a Tensor or an array of Tensors, got ${v === null ? 'null' : typeof v}`);
  opts = checkOptions('grad', opts, optionKeys<GradOptions>({ retainGraph: true, createGraph: true, gradOutputs: true, allowUnused: true }));
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  for (const [i, x] of ins.entries())
    if (!x.requiresGrad)
      throw new AutogradError('grad', `input ${i} does not require grad; create it with { requiresGrad: true }`);
  for (const [i, o] of outs.entries())
    if (!o.requiresGrad) throw new AutogradError('grad', `output ${i} does not require grad and has no gradFn`);
  const seeds = outs.map((o, i) => seedGrad(o, opts.gradOutputs?.[i], 'grad'));
  const capture = new Map<Tensor, Tensor | null>(ins.map((x) => [x, null]));
  run(outs, seeds, opts, capture);
  return ins.map((x, i) => {
    const g = capture.get(x) ?? null;
    if (g === null && !(opts.allowUnused ?? false))
      throw new AutogradError(
        'grad',
        `input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
      );
    return g;
  });
}
