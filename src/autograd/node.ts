import { AutogradError, fmtShape } from '../tensor/errors.js';
import type { GradFn, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { tape } from './observe.js';

/**
 * A backward rule: given the gradient of the loss with respect to an op's output, return the
 * gradient with respect to each input, in order (null for an input that needs none). Rules are
 * written with tensor ops, so they are themselves differentiable (createGraph).
 *
 * `consumable` is true when the engine owns `gradOutput`'s storage alone and drops it after the
 * rule (see autograd/engine.ts): the rule may then write its result over that storage and return
 * a tensor on it, which saves an allocation (elementwise backwards such as ReLU's and tanh's).
 */
export type BackwardRule = (gradOutput: Tensor, consumable?: boolean) => readonly (Tensor | null)[];

/** One recorded operation: its output's gradFn. */
export class Node implements GradFn {
  readonly name: string;
  inputs: readonly Tensor[];
  private rule: BackwardRule | null;
  /**
   * Whether the rule keeps no reference to the gradient it is given (true for every op of the
   * library; false for rules recorded through the public `autograd.record`, which may). Only then
   * may the engine recycle that gradient's storage once the rule has run.
   */
  pure = true;

  /** The tensors the rule reads (inputs and/or the output) and their versions when recorded. */
  private saved: readonly Tensor[];
  private versions: number[];

  constructor(name: string, inputs: readonly Tensor[], rule: BackwardRule, saved: readonly Tensor[] = inputs) {
    this.name = name;
    this.inputs = inputs;
    this.rule = rule;
    this.saved = saved;
    this.versions = saved.map((t) => t._vc.v);
  }

  /**
   * Throw if a saved tensor was modified in place since it was recorded (PyTorch's version-counter
   * check): the rule would read the new values and return a wrong gradient without a word.
   */
  checkVersions(): void {
    const saved = this.saved;
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i]!;
      if (t._vc.v !== this.versions[i]) throw this.modifiedError(t, this.versions[i]!);
    }
  }

  private modifiedError(t: Tensor, expected: number): AutogradError {
    const k = this.inputs.indexOf(t);
    const role = t.gradFn === this ? 'output' : k >= 0 ? `input ${k}` : 'saved tensor';
    return new AutogradError(
      'backward',
      `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
        `[${this.name}'s ${role} of shape ${fmtShape(t.shape)} is at version ${t._vc.v}; expected version ${expected}]. ` +
        `Change it after backward() (e.g. call optimizer.step() after loss.backward()), use the out-of-place op ` +
        `(x.mul(2) instead of x.mul_(2)), or clone() it before the in-place change`,
    );
  }

  get freed(): boolean {
    return this.rule === null;
  }

  apply(gradOutput: Tensor, consumable = false): readonly (Tensor | null)[] {
    if (this.rule === null)
      throw new AutogradError(
        'backward',
        `trying to backward through the graph a second time (through ${this.name}): its saved tensors were freed ` +
          `after the first backward(); pass { retainGraph: true } to the first backward() if you need to go through it twice`,
      );
    this.checkVersions();
    return this.rule(gradOutput, consumable);
  }

  /**
   * Drop the saved tensors (closure) after a backward pass without retainGraph. A node that saved
   * none (add, sum, reshape…) stays usable, so a second backward through a graph of such nodes
   * works, as in PyTorch.
   */
  free(): void {
    if (this.saved.length === 0) return;
    this.rule = null;
    this.inputs = [];
    this.saved = [];
  }
}

/** Does any input need a gradient under the current grad mode? */
export function needsGrad(...inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Record `out` as produced by op `name` from `inputs`, with the backward `rule` (required: an op
 * cannot record without one). A no-op when no input requires grad or recording is off.
 *
 * `saved` lists the tensors the rule reads — by default the inputs; `[out]` for ops whose
 * gradient is computed from their result (tanh, exp, softmax), `[]` for ops that need only
 * shapes (add, sum, reshape). Their versions are checked before the rule runs.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  rule: BackwardRule,
  saved: readonly Tensor[] = inputs,
): Tensor {
  if (needsGrad(...inputs)) {
    out.requiresGrad = true;
    out.gradFn = new Node(name, inputs, rule, saved);
  }
  // the doctor's tape observer (null unless a probe records this step): sees every op
  if (tape.op !== null) tape.op(out, name, inputs);
  return out;
}
