/**
 * Where the doctor watches the tape: every op passes through `record()` and every backward rule
 * through the engine, so an observer installed here sees every op of the forward pass (module or
 * function, library or user code) and every gradient a rule produces.
 *
 * Observers are installed only for the steps being recorded; otherwise `tape.op` and
 * `tape.backward` are null and the cost is one null check per op and per rule. Observers only
 * read: they must not change a tensor, the tape or any random state.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Node } from './node.js';

/** Called after an op computed `out` from `inputs` (out.gradFn is its Node when it was recorded). */
export type OpObserver = (out: Tensor, name: string, inputs: readonly Tensor[]) => void;
/** Called after a backward rule mapped the gradient `gradOut` of `node`'s output to `gradIns`. */
export type BackwardObserver = (node: Node, gradOut: Tensor, gradIns: readonly (Tensor | null | undefined)[]) => void;

export interface TapeObserver {
  op?: OpObserver;
  backward?: BackwardObserver;
}

/** The dispatch points read by record() and the engine (null when nothing watches). */
export const tape: { op: OpObserver | null; backward: BackwardObserver | null } = { op: null, backward: null };

const observers: TapeObserver[] = [];

function rebuild(): void {
  const ops = observers.flatMap((o) => (o.op ? [o.op] : []));
  const bws = observers.flatMap((o) => (o.backward ? [o.backward] : []));
  tape.op = ops.length === 0 ? null : ops.length === 1 ? ops[0]! : (out, name, inputs) => { for (const f of ops) f(out, name, inputs); };
  tape.backward = bws.length === 0 ? null : bws.length === 1 ? bws[0]! : (n, g, gi) => { for (const f of bws) f(n, g, gi); };
}

/** Install an observer (idempotent); returns a function that removes it. */
export function observeTape(o: TapeObserver): () => void {
  if (!observers.includes(o)) {
    observers.push(o);
    rebuild();
  }
  return () => {
    const i = observers.indexOf(o);
    if (i >= 0) {
      observers.splice(i, 1);
      rebuild();
    }
  };
}
