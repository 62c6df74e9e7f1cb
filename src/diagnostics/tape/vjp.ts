/**
 * Vector–Jacobian products read off the recorded tape of the step, without running any forward
 * again: a layer's Jacobian is sampled by applying the backward rules of the ops between its
 * input and its output to a random vector. Nothing is re-run, so a stateful custom layer (one
 * that counts calls, caches or draws random numbers) is never disturbed.
 *
 * Only the sub-graph between `x` and `y` is walked: tensors are numbered in creation order
 * (`Tensor.id`), so one made before `x` cannot depend on it and is not explored. Rules run with
 * recording off and may not keep the vector; a rule recorded by user code (`autograd.record`) may
 * have side effects, so such a path gives no estimate (null) — except the library's identity
 * nodes of full backward hooks, which are passed through without firing the user's hooks.
 */
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Node } from '../../autograd/node.js';
import { add } from '../../ops/binary.js';

/** Most tape nodes walked for one product (a guard against walking a whole network). */
const MAX_NODES = 20000;

function nodeOf(t: Tensor): Node | null {
  return t.gradFn as Node | null;
}

/** Tensors between x and y (y first, in an order where every tensor precedes its inputs), or null. */
function between(y: Tensor, x: Tensor): Tensor[] | null {
  const reaches = new Map<Tensor, boolean>();
  reaches.set(x, true);
  const post: Tensor[] = [];
  const stack: { t: Tensor; i: number }[] = [{ t: y, i: 0 }];
  const open = new Set<Tensor>([y]);
  let walked = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const ins = nodeOf(top.t)?.inputs ?? [];
    if (top.i < ins.length) {
      const next = ins[top.i++]!;
      if (next === x || reaches.has(next) || open.has(next)) continue;
      if (next.id < x.id || !next.requiresGrad || next.gradFn === null) {
        reaches.set(next, false);
        continue;
      }
      if (++walked > MAX_NODES) return null;
      open.add(next);
      stack.push({ t: next, i: 0 });
    } else {
      stack.pop();
      open.delete(top.t);
      reaches.set(top.t, ins.some((u) => reaches.get(u) === true));
      post.push(top.t);
    }
  }
  if (reaches.get(y) !== true) return null;
  return post.reverse().filter((t) => reaches.get(t) === true);
}

/**
 * vᵀ·∂y/∂x from the tape: the gradient with respect to `x` of ⟨v, y⟩, or null when y does not
 * depend on x through the tape, a node was freed, or a user-recorded rule lies on the path.
 */
export function tapeVjp(y: Tensor, x: Tensor, v: Tensor): Tensor | null {
  return propagate(y, x, v, null);
}

/**
 * vᵀ·∂y/∂xᵢ for several tensors at once, in one walk: `xs` in creation order, `xs[0]` the
 * earliest, every later one on a path from it to `y` (the hidden states of a sequence). Each is
 * the total derivative, through every path of the tape (for an LSTM: through the cell state as
 * well as the hidden state). Null entries where no gradient arrives; null when the tape has no path.
 */
export function tapeVjpAll(y: Tensor, xs: readonly Tensor[], v: Tensor): (Tensor | null)[] | null {
  if (xs.length === 0) return [];
  const seen = new Map<Tensor, Tensor>();
  const want = new Set(xs.slice(1));
  const first = propagate(y, xs[0]!, v, { want, seen });
  if (first === null) return null;
  return xs.map((x, i) => (i === 0 ? first : (seen.get(x) ?? null)));
}

function propagate(y: Tensor, x: Tensor, v: Tensor, keep: { want: ReadonlySet<Tensor>; seen: Map<Tensor, Tensor> } | null): Tensor | null {
  if (!x.requiresGrad || !y.requiresGrad || y.gradFn === null || y === x) return null;
  const order = between(y, x);
  if (order === null) return null;
  for (const t of order) {
    const n = nodeOf(t)!;
    if (n.freed || (!n.pure && n.name !== 'BackwardHookFunction')) return null;
  }
  const inOrder = new Set(order);
  try {
    return noGrad(() => {
      const grads = new Map<Tensor, Tensor>([[y, v]]);
      for (const t of order) {
        const g = grads.get(t);
        if (g === undefined) continue;
        grads.delete(t);
        // every tensor comes before its inputs: its gradient is complete here
        if (keep?.want.has(t)) keep.seen.set(t, g);
        const n = nodeOf(t)!;
        // identity nodes of full backward hooks: pass through, never fire the user's hooks
        const gi = n.pure ? n.apply(g, false) : [g];
        n.inputs.forEach((u, i) => {
          const gu = gi[i];
          if (gu === null || gu === undefined || !(u === x || inOrder.has(u))) return;
          const prev = grads.get(u);
          grads.set(u, prev === undefined ? gu : add(prev, gu));
        });
      }
      return grads.get(x) ?? null;
    });
  } catch {
    return null;
  }
}

/**
 * Estimate of tr(JJᵀ)/dim(out) of y = f(x) from `samples` Gaussian vectors drawn from `normal`
 * (the probe's own generator): the mean of ‖vᵀJ‖²/‖v‖². Null when the tape has no path.
 */
export function tapeJacobianMsv(y: Tensor, x: Tensor, samples: number, normal: () => number): number | null {
  let acc = 0;
  for (let s = 0; s < samples; s++) {
    const v = new Float32Array(y.data.length);
    let vv = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] = normal();
      vv += v[i]! * v[i]!;
    }
    const gx = tapeVjp(y, x, new Tensor(v, y.shape));
    if (gx === null) return null;
    let gg = 0;
    for (let i = 0; i < gx.data.length; i++) gg += gx.data[i]! * gx.data[i]!;
    acc += vv > 0 ? gg / vv : 0;
  }
  return acc / samples;
}
