import { AutogradError } from '../tensor/errors.js';
import type { GradFn, Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

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

  constructor(name: string, inputs: readonly Tensor[], rule: BackwardRule) {
    this.name = name;
    this.inputs = inputs;
    this.rule = rule;
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
    return this.rule(gradOutput, consumable);
  }

  /** Drop the saved tensors (closure) after a backward pass without retainGraph. */
  free(): void {
    this.rule = null;
    this.inputs = [];
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
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], rule: BackwardRule): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  out.gradFn = new Node(name, inputs, rule);
  return out;
}
