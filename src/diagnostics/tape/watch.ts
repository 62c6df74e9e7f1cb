/**
 * The probe's eye on the tape for one recorded step: every op of the forward pass is attributed
 * to the innermost module of the watched model that runs it (through the running-module stack of
 * nn/module-stack.ts), activations and weight ops called as functions become layers of their own
 * (`block.0/tanh#1`), the hidden states of recurrent layers are collected, and the first place a
 * non-finite value came out of finite inputs — op, module, forward or backward pass — is kept.
 *
 * Installed only while a recorded step runs (see probe.ts); it only reads tensors.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled } from '../../autograd/grad-mode.js';
import type { Node } from '../../autograd/node.js';
import { observeTape, type TapeObserver } from '../../autograd/observe.js';
import type { Module } from '../../nn/module.js';
import { moduleCalls, moduleStack } from '../../nn/module-stack.js';
import { ACTIVATION_KINDS, opKind } from '../layer-kind.js';
import type { LayerKind, NonFiniteOrigin } from '../record/types.js';
import { allFinite } from './finite.js';

/** What the watch needs from its probe. */
export interface WatchHost {
  /** Dotted path of each module of the watched model. */
  readonly names: ReadonlyMap<Module, string>;
  readonly kinds: ReadonlyMap<Module, LayerKind>;
  /** The model's parameters (to tell a non-finite weight from non-finite data). */
  readonly params: ReadonlySet<Tensor>;
  /** The probe is computing (Jacobian re-runs, statistics): ignore its ops. */
  busy(): boolean;
  readonly recordNoGrad: boolean;
  /** An op called as a function inside `module` is a layer: `key` is its record name. */
  functional(key: string, kind: LayerKind, op: string, module: Module, out: Tensor, inputs: readonly Tensor[], aggregate: boolean): void;
  /** An activation computed inside a recurrent module: a hidden state h_t. */
  hidden(module: Module, call: number, h: Tensor): void;
}

/** The watch whose model ran an op most recently: ops outside every module (the loss) are its. */
let lastOwner: TapeWatch | null = null;

export class TapeWatch {
  /** Where a non-finite value first appeared in this step, if it did. */
  origin: NonFiniteOrigin | null = null;
  /** Modules that ran at least one op themselves (as the innermost module) in this step. */
  readonly ranOps = new Set<Module>();
  private nodeModule = new Map<Node, string | null>();
  private occurrences = new Map<Module, { call: number; counts: Map<string, number> }>();
  private remove: (() => void) | null = null;
  private readonly observer: TapeObserver;

  constructor(private readonly host: WatchHost) {
    this.observer = {
      op: (out, name, inputs) => this.onOp(out, name, inputs),
      backward: (node, g, gi) => this.onBackward(node, g, gi),
    };
  }

  /** Start watching (a recorded step begins). */
  start(): void {
    this.remove ??= observeTape(this.observer);
  }

  /** Stop watching. */
  stop(): void {
    this.remove?.();
    this.remove = null;
    if (lastOwner === this) lastOwner = null;
  }

  get watching(): boolean {
    return this.remove !== null;
  }

  /** Forget the step (called when it closes). */
  reset(): void {
    this.origin = null;
    this.ranOps.clear();
    this.nodeModule = new Map();
    this.occurrences = new Map();
  }

  /**
   * Index in the running-module stack of the innermost module of the watched model; -1 outside
   * every module (an op of the loss, when this model ran last); undefined: another model's op.
   */
  private owner(): number | undefined {
    const stack = moduleStack();
    if (stack.length === 0) return lastOwner === this ? -1 : undefined;
    const names = this.host.names;
    for (let i = stack.length - 1; i >= 0; i--) if (names.has(stack[i]!)) return i;
    return undefined;
  }

  private onOp(out: Tensor, name: string, inputs: readonly Tensor[]): void {
    if (this.host.busy()) return;
    // backward rules and optimizer updates run with recording off and outside every module
    if (!isGradEnabled() && !(this.host.recordNoGrad && moduleStack().length > 0)) return;
    const at = this.owner();
    if (at === undefined) return;
    const m = at < 0 ? null : moduleStack()[at]!;
    if (m !== null) {
      lastOwner = this;
      this.ranOps.add(m);
    }
    const path = m === null ? null : this.host.names.get(m)!;
    if (out.gradFn !== null) this.nodeModule.set(out.gradFn as Node, path);
    if (this.origin === null) this.checkForward(out, name, inputs, path);
    if (m === null) return;
    const kind = opKind(name);
    if (kind === null) return;
    const mk = this.host.kinds.get(m)!;
    const recurrent = mk === 'recurrent';
    const act = ACTIVATION_KINDS.includes(kind);
    // inside a layer module the op is the layer itself (Linear's linear, Tanh's tanh)
    if (!(mk === 'other' || (recurrent && act))) return;
    const call = moduleCalls()[at]!;
    if (recurrent) {
      // the cell's activation unrolled over time: one layer, and each output is a hidden state
      this.host.hidden(m, call, out);
      this.host.functional(`${prefix(path!)}${name}#1`, kind, name, m, out, inputs, true);
      return;
    }
    let occ = this.occurrences.get(m);
    if (!occ || occ.call !== call) this.occurrences.set(m, (occ = { call, counts: new Map() }));
    const k = (occ.counts.get(name) ?? 0) + 1;
    occ.counts.set(name, k);
    this.host.functional(`${prefix(path!)}${name}#${k}`, kind, name, m, out, inputs, false);
  }

  private checkForward(out: Tensor, name: string, inputs: readonly Tensor[], path: string | null): void {
    // a view shares its input's storage: it cannot make a non-finite value
    if (inputs.length > 0 && inputs[0]!.data.buffer === out.data.buffer) return;
    if (allFinite(out.data)) return;
    const bad = inputs.find((x) => !allFinite(x.data));
    this.origin = {
      pass: 'forward',
      op: name,
      module: path,
      cause: bad === undefined ? 'op' : this.host.params.has(bad) ? 'weight' : 'input',
    };
  }

  private onBackward(node: Node, g: Tensor, gi: readonly (Tensor | null | undefined)[]): void {
    if (this.origin !== null || this.host.busy() || !this.nodeModule.has(node)) return;
    for (const t of gi) {
      if (!t || allFinite(t.data)) continue;
      const path = this.nodeModule.get(node);
      this.origin = {
        pass: 'backward',
        op: node.name,
        module: path ?? null,
        // the rule was given a non-finite gradient (a hook or the seed made it), or made one
        cause: allFinite(g.data) ? 'op' : 'gradient',
      };
      return;
    }
  }
}

function prefix(path: string): string {
  return path === '' ? '' : `${path}/`;
}
