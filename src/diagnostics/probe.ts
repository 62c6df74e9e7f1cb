/**
 * The probe: watches every selected layer of a model while it trains, through hooks only.
 *
 * ```ts
 * const probe = new Probe(model);                      // + 1 line
 * for (const [x, y] of batches) {
 *   optimizer.zeroGrad();
 *   const loss = crossEntropy(model.forward(x), y);
 *   loss.backward();
 *   clipGradNorm_(model.parameters(), 1.0);            // optional
 *   optimizer.step();
 *   probe.step({ loss, optimizer });                   // + 1 line
 * }
 * probe.detach();                                      // + 1 line
 * const findings = probe.findings({ lang: 'fr' });
 * ```
 *
 * On a recorded step (every `every`-th) the forward hooks summarize each layer module's output
 * (and the input of activations: the pre-activation), and the tape watch (tape/watch.ts) sees
 * every op: activations and weight ops called as functions inside a custom forward, a residual
 * block or an RNN become layers of their own (`block.0/tanh#1`), a user's layer that runs ops of
 * its own is recorded too, recurrent layers get their hidden states' gradient norms through time,
 * and the first op that made a non-finite value is named. A tensor hook on each output
 * summarizes the gradient flowing back to it, and hooks on the parameters see the gradients
 * before any clipping. `probe.step()` then adds the parameters (norms, ‖Δw‖/‖w‖ of the optimizer
 * step that just ran, non-finite counts), the loss, the global gradient norm before and after
 * clipping and the learning rates, and closes the record. Nothing the model computes changes:
 * hooks return nothing, the probe draws from its own generator, library layers are re-run for the
 * Jacobian estimate on a detached copy (jacobian.ts) and a user's layer is never re-run (its
 * Jacobian is read off the tape, tape/vjp.ts). Training with and without a probe is
 * bit-identical (tested, with a stateful custom layer too). Unrecorded steps cost a null check
 * per op.
 */
import { ValueError } from '../tensor/errors.js';
import { Generator, type GeneratorState } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { registerHook } from '../autograd/tensor-autograd.js';
import { Module, type RemovableHandle } from '../nn/module.js';
import type { Parameter } from '../nn/parameter.js';
import { isLibraryModule, typeNameChain, typeNameOf } from '../nn/module-type.js';
import { ACTIVATION_KINDS, WEIGHT_KINDS, layerKind, opKind } from './layer-kind.js';
import { jacobianMsv } from './jacobian.js';
import { resolveProbeOptions, type ProbeOptions, type ResolvedProbeOptions } from './probe-options.js';
import type { LayerKind, LayerRecord, StepRecord, TensorSummary } from './record/types.js';
import { moments, type Moments } from './stats.js';
import { summarize, type SummaryOptions } from './summary.js';
import { deadUnitShare, saturationShare } from './unit-stats.js';
import { paramRecords, timeProfile } from './probe-params.js';
import type { Finding } from './detectors/types.js';
import { runDetectors, type DetectorOptions } from './detectors/index.js';
import { explain, type Lang } from './explain/index.js';
import { TapeWatch, type WatchHost } from './tape/watch.js';
import { tapeJacobianMsv } from './tape/vjp.js';
import { HiddenStates, outputSequence, recurrentSpectralRadius } from './tape/recurrent.js';

/** What the probe reads from an optimizer: the learning rate of each parameter group. */
export interface OptimizerLike {
  paramGroups: readonly { lr?: unknown }[];
  registerStepPreHook?: (hook: () => void) => { remove(): void };
}

export interface ProbeStepInfo {
  /** The step's loss (a scalar tensor or a number). */
  loss?: Tensor | number | null;
  /** The optimizer, for the learning rates. */
  optimizer?: OptimizerLike | null;
  /** The total norm returned by clipGradNorm_ (the norm before clipping), if you clip. */
  gradNorm?: Tensor | number | null;
}

interface Watched {
  name: string;
  module: Module;
  kind: LayerKind;
  /** Selected by kind; false: a user's layer recorded only when it runs ops itself. */
  selected: boolean;
  handle: RemovableHandle;
}

interface Pending {
  rec: LayerRecord;
  gradHandle: { remove(): void } | null;
  /** Layers applied over time inside a recurrent module: every call's output and input. */
  agg?: { outs: Tensor[]; ins: Tensor[] };
}

const OP = 'Probe';
/** Op kinds that make a layer when called as a function. */
const OP_KINDS: readonly LayerKind[] = ['linear', 'conv', 'tanh', 'sigmoid', 'relu', 'activation'];

export type { ProbeOptions };

/**
 * Where a probe stands, for checkpoints: the step the next forward pass belongs to and the state
 * of its own generator (quantile samples, Jacobian probe vectors). A probe given the state of
 * another one records the same steps and draws the same numbers from there on.
 */
export interface ProbeState {
  step: number;
  rng: GeneratorState;
}

export class Probe {
  readonly model: Module;
  readonly options: ResolvedProbeOptions;
  /** Records made so far (oldest first; at most `maxRecords`). */
  readonly records: StepRecord[] = [];
  private readonly watched: Watched[] = [];
  private readonly params: { name: string; layer: string; p: Parameter; handle: { remove(): void } | null }[] = [];
  private readonly gen: Generator;
  private readonly sopts: SummaryOptions;
  private stepNo = 0;
  /** The step's layer records: by module, or by name for layers made of ops called as functions. */
  private pending = new Map<Module | string, Pending>();
  private order = 0;
  private cache = new WeakMap<Float32Array, { m: Moments; s?: TensorSummary }>();
  private before: Map<Parameter, Float32Array> | null = null;
  /** Per parameter: its gradient's squared norm before clipping, or the gradient to measure. */
  private preClip = new Map<Parameter, number | Tensor>();
  private busy = false;
  private attached = true;
  private hookedOptimizer: OptimizerLike | null = null;
  private optimizerHandles: { remove(): void }[] = [];
  private snapshotAtForward = false;
  /** Snapshot buffers kept between steps (no allocation per recorded step). */
  private spare = new Map<Parameter, Float32Array>();
  private readonly watch: TapeWatch;
  private readonly hidden = new HiddenStates();
  /** Gated recurrent modules: a layer over a whole sequence (LSTM, GRU) or a cell called per step. */
  private readonly gated = new Map<Module, 'sequence' | 'cell'>();

  constructor(model: Module, opts: ProbeOptions = {}) {
    if (!(model instanceof Module)) throw new ValueError(OP, `expected a Module to watch, got ${model === null ? 'null' : typeof model}`);
    this.model = model;
    this.options = resolveProbeOptions(opts);
    this.gen = new Generator(this.options.seed);
    this.sopts = {
      quantiles: this.options.quantiles,
      quantileSample: this.options.quantileSample,
      histogramBins: this.options.histogramBins,
      histogramRange: this.options.histogramRange,
      generator: this.gen,
    };
    const owner = new Map<Parameter, string>();
    const names = new Map<Module, string>();
    const kinds = new Map<Module, LayerKind>();
    for (const [name, m] of model.namedModules()) {
      for (const [, p] of m._ownParameters()) if (!owner.has(p)) owner.set(p, name);
      const kind = layerKind(m);
      names.set(m, name);
      kinds.set(m, kind);
      const selected = this.options.select(name, m, kind);
      // a user's own layer (not the model itself) is recorded when it runs ops of its own
      const custom = !selected && this.options.custom && m !== model && !isLibraryModule(m);
      if (!selected && !custom) continue;
      const handle = m.registerForwardHook((mod, inputs, output) => this.onForward(mod, inputs, output));
      this.watched.push({ name, module: m, kind, selected, handle });
    }
    const kindList = this.options.kinds;
    if (this.watched.length === 0 && kindList !== 'custom' && !kindList.some((k) => OP_KINDS.includes(k)))
      throw new ValueError(OP, `no module of ${typeNameOf(model)} matches the selection [${kindList.join(', ')}]; select kinds such as ['linear', 'tanh'] or pass a function`);
    for (const [name, p] of model.namedParameters()) {
      // the hook keeps g only on recorded steps (preClip); otherwise the leaf may take g's storage
      const hook = Object.assign((g: Tensor) => this.onParamGrad(p, g), { keepsGradient: () => this.recording });
      const handle = p.requiresGrad ? registerHook(p, hook) : null;
      this.params.push({ name, layer: owner.get(p) ?? '', p, handle });
    }
    const isA = (m: Module, names: readonly string[]): boolean => kinds.get(m) === 'recurrent' && typeNameChain(m).some((n) => names.includes(n));
    const elman = new Set([...kinds.keys()].filter((m) => isA(m, ['RNN', 'RNNCell'])));
    // gated layers: h_t is not an activation's output; it is what the layer returns
    for (const m of kinds.keys()) {
      if (isA(m, ['LSTM', 'GRU'])) this.gated.set(m, 'sequence');
      else if (isA(m, ['LSTMCell', 'GRUCell'])) this.gated.set(m, 'cell');
    }
    const host: WatchHost = {
      names,
      kinds,
      params: new Set(this.params.map((x) => x.p)),
      busy: () => this.busy,
      recordNoGrad: this.options.recordNoGrad,
      functional: (key, kind, op, m, out, inputs, aggregate) => this.onFunctional(key, kind, op, m, out, inputs, aggregate),
      // Elman cells: the activation's output is the hidden state (gated cells compute h_t otherwise)
      hidden: (m, call, h) => {
        if (elman.has(m)) this.hidden.add(m, call, h);
      },
    };
    this.watch = new TapeWatch(host);
    if (opts.optimizer) this.watchOptimizer(opts.optimizer);
    if (this.recording) this.watch.start();
  }

  /**
   * Snapshot the weights right before the optimizer steps (on recorded steps), for ‖Δw‖/‖w‖.
   * Optimizers without step hooks fall back to a snapshot at the first forward of the step.
   */
  private watchOptimizer(opt: OptimizerLike): void {
    if (this.hookedOptimizer === opt) return;
    for (const h of this.optimizerHandles) h.remove();
    this.optimizerHandles = [];
    this.hookedOptimizer = opt;
    if (typeof opt.registerStepPreHook === 'function') {
      this.snapshotAtForward = false;
      this.optimizerHandles.push(
        opt.registerStepPreHook(() => {
          if (this.recording) this.takeSnapshot();
        }),
      );
    } else this.snapshotAtForward = true;
  }

  private takeSnapshot(): void {
    const prev = this.spare;
    this.before = new Map(
      this.params.map(({ p }) => {
        const buf = prev.get(p);
        if (buf && buf.length === p.data.length) {
          buf.set(p.data);
          return [p, buf];
        }
        return [p, p.data.slice()];
      }),
    );
    this.spare = this.before;
  }

  /** Number of `step()` calls so far: the step the next forward pass belongs to. */
  get stepIndex(): number {
    return this.stepNo;
  }

  /** The probe's position (step counter and generator state), e.g. to save with a checkpoint. */
  getState(): ProbeState {
    return { step: this.stepNo, rng: this.gen.getState() };
  }

  /**
   * Continue from a saved position (`getState()`, possibly of another probe): call it between
   * steps, before the forward pass of `state.step`. Anything collected for a step not yet closed
   * is dropped. The records are not part of the state: a resumed run appends the earlier ones
   * (`probe.records.push(...earlier)`), which also tells the probe that its first record — where
   * the duplicate-unit check and the spectral radius always run — is behind it.
   */
  setState(state: ProbeState): void {
    if (!this.attached) throw new ValueError(OP, 'setState() after detach(); create a new Probe and set its state');
    if (state === null || typeof state !== 'object') throw new ValueError(OP, 'setState() takes { step, rng } from probe.getState()');
    const { step, rng } = state;
    if (!Number.isInteger(step) || step < 0) throw new ValueError(OP, `setState(): step must be an integer ≥ 0, got ${String(step)}`);
    this.gen.setState(rng);
    this.clearStep();
    this.stepNo = step;
    // watch the tape exactly when the new current step is recorded
    if (this.recording) this.watch.start();
    else this.watch.stop();
  }

  /** Whether the current step is recorded. */
  get recording(): boolean {
    return this.attached && this.stepNo % this.options.every === 0;
  }

  /** The watched modules: dotted name, type, kind (layers made of ops called as functions appear in the records). */
  layers(): { name: string; type: string; kind: LayerKind }[] {
    return this.watched.map((w) => ({ name: w.name, type: typeNameOf(w.module), kind: w.kind }));
  }

  private active(): boolean {
    return !this.busy && this.recording && (isGradEnabled() || this.options.recordNoGrad);
  }

  private onForward(mod: Module, inputs: unknown[], output: unknown): void {
    if (!this.active()) return;
    const w = this.watched.find((x) => x.module === mod);
    if (!w) return;
    if (!w.selected && !this.watch.ranOps.has(mod)) return;
    const seen = this.pending.get(mod);
    this.gatedState(mod, output, seen ? seen.rec.calls : 0);
    if (seen) {
      seen.rec.calls++;
      return;
    }
    if (this.before === null && this.snapshotAtForward) this.takeSnapshot();
    this.busy = true;
    try {
      const rec: LayerRecord = { name: w.name, type: typeNameOf(mod), kind: w.kind, index: this.order++, calls: 1 };
      const pend: Pending = { rec, gradHandle: null };
      this.pending.set(mod, pend);
      const out = firstTensor(output);
      const inp = inputs[0] instanceof Tensor ? inputs[0] : null;
      if (out) this.fillLayer(pend, w.kind, out, inp, () => this.moduleJacobian(mod, w.kind, inputs, out));
      if (out && w.kind === 'recurrent') {
        if (out.ndim === 3) Object.assign(rec, timeProfile(out, (mod as { batchFirst?: boolean }).batchFirst === true));
        // through time, from the tape while it is whole (the backward pass frees it)
        if (this.stepNo % this.options.jacobian.every === 0) {
          const tj = this.hidden.throughTime(mod, () => this.gen.normal());
          if (tj !== null) rec.timeJacobian = tj;
        }
        // on the weights this forward pass uses (the optimizer changes them before the step closes)
        if (this.records.length === 0 || this.stepNo % this.options.jacobian.every === 0) {
          const rho = recurrentSpectralRadius(mod, this.gen);
          if (rho !== null) rec.spectralRadius = rho;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * The hidden states of a gated layer: the sequence its output is stacked from (first call of
   * the step), or a cell's output at each call (its time steps are the calls).
   */
  private gatedState(mod: Module, output: unknown, call: number): void {
    const g = this.gated.get(mod);
    const out = g === undefined ? null : firstTensor(output);
    if (out === null || !out.requiresGrad) return;
    if (g === 'cell') this.hidden.add(mod, call, out);
    else if (call === 0) {
      const hs = outputSequence(out);
      if (hs !== null) this.hidden.addSequence(mod, call, hs);
    }
  }

  /** An op called as a function inside module `m` (from the tape watch). */
  private onFunctional(key: string, kind: LayerKind, op: string, m: Module, out: Tensor, inputs: readonly Tensor[], aggregate: boolean): void {
    const sel = this.options.kinds === 'custom' ? this.options.select(key, m, kind) : this.options.kinds.includes(kind);
    if (!sel) return;
    const seen = this.pending.get(key);
    if (seen) {
      seen.rec.calls++;
      if (seen.agg) {
        seen.agg.outs.push(out);
        if (inputs[0]) seen.agg.ins.push(inputs[0]);
      }
      return;
    }
    if (this.before === null && this.snapshotAtForward) this.takeSnapshot();
    const rec: LayerRecord = { name: key, type: `F.${op}`, kind, index: this.order++, calls: 1, op };
    const pend: Pending = { rec, gradHandle: null };
    this.pending.set(key, pend);
    if (aggregate) {
      // statistics over every time step, computed when the step closes
      pend.agg = { outs: [out], ins: inputs[0] ? [inputs[0]] : [] };
      return;
    }
    this.busy = true;
    try {
      const x = inputs[0] ?? null;
      this.fillLayer(pend, kind, out, x, () => (x ? tapeJacobianMsv(out, x, this.options.jacobian.samples, () => this.gen.normal()) : null));
    } finally {
      this.busy = false;
    }
  }

  private moduleJacobian(m: Module, kind: LayerKind, inputs: unknown[], out: Tensor): number | null {
    const j = this.options.jacobian;
    // library layers are re-run on a detached copy; a user's layer is never run again: its
    // Jacobian comes from the tape of this step
    const perSample = ['linear', 'conv', 'tanh', 'sigmoid', 'relu', 'activation'].includes(kind);
    const msv = jacobianMsv(m, inputs, j.samples, this.gen, perSample ? j.batch : Infinity);
    if (msv !== null || isLibraryModule(m)) return msv;
    const x = inputs[0];
    return x instanceof Tensor ? tapeJacobianMsv(out, x, j.samples, () => this.gen.normal()) : null;
  }

  private stats(t: Tensor, full: boolean): { m: Moments; s: TensorSummary } {
    let c = this.cache.get(t.data);
    if (!c) this.cache.set(t.data, (c = { m: moments(t) }));
    if (!c.s) c.s = summarize(t, full ? this.sopts : { ...this.sopts, quantiles: false, histogramBins: 0 }, c.m);
    return c as { m: Moments; s: TensorSummary };
  }

  /** Output and input statistics, gain, saturation/dead share, Jacobian, gradient hook. */
  private fillLayer(pend: Pending, kind: LayerKind, out: Tensor, inp: Tensor | null, jacobian: (() => number | null) | null): void {
    const rec = pend.rec;
    const o = this.stats(out, true);
    rec.output = o.s;
    if (inp) {
      const isAct = ACTIVATION_KINDS.includes(kind);
      const i = isAct ? this.stats(inp, true) : { m: this.cache.get(inp.data)?.m ?? moments(inp), s: undefined };
      if (!this.cache.has(inp.data)) this.cache.set(inp.data, { m: i.m });
      if (i.s) rec.input = i.s;
      if (i.m.variance > 0) rec.gain = o.m.variance / i.m.variance;
    }
    if (kind === 'tanh' || kind === 'sigmoid') rec.saturation = saturationShare(out, kind, this.options.saturation);
    if (kind === 'relu' && out.ndim >= 1) rec.dead = deadUnitShare(out);
    const j = this.options.jacobian;
    if (jacobian && j.enabled && this.stepNo % j.every === 0 && kind !== 'dropout') {
      const msv = jacobian();
      if (msv !== null) rec.jacobian = msv;
    }
    if (this.options.grads && out.requiresGrad && isGradEnabled())
      pend.gradHandle = registerHook(out, (g) => {
        if (!this.attached) return;
        rec.grad = summarize(g, { ...this.sopts, quantiles: false });
      });
  }

  private onParamGrad(p: Parameter, g: Tensor): void {
    if (!this.recording) return;
    // The norm the gradient will have once accumulated into .grad — the norm before any clipping.
    // Usually .grad is empty and becomes a copy of g: keep g and measure it only if needed.
    const old = p.grad && p.grad.data.length === g.data.length ? p.grad.data : null;
    if (!old) {
      this.preClip.set(p, g);
      return;
    }
    const d = g.data;
    let s = 0;
    for (let i = 0; i < d.length; i++) {
      const v = old[i]! + d[i]!;
      s += v * v;
    }
    this.preClip.set(p, s);
  }

  /**
   * Close the current step: call it once per training step, after `optimizer.step()`. Returns
   * the step's record, or null when the step is not recorded.
   */
  step(info: ProbeStepInfo = {}): StepRecord | null {
    if (!this.attached) throw new ValueError(OP, 'step() after detach(); create a new Probe to keep watching');
    if (info === null || typeof info !== 'object') throw new ValueError(OP, 'step() takes { loss?, optimizer?, gradNorm? }');
    let rec: StepRecord | null = null;
    if (this.recording) rec = this.closeRecord(info);
    if (info.optimizer) this.watchOptimizer(info.optimizer);
    this.clearStep();
    this.stepNo++;
    // the tape is watched only during recorded steps: an unrecorded step costs a null check per op
    if (this.recording) this.watch.start();
    else this.watch.stop();
    return rec;
  }

  private clearStep(): void {
    for (const p of this.pending.values()) p.gradHandle?.remove();
    this.pending = new Map();
    this.cache = new WeakMap();
    this.before = null;
    this.preClip = new Map();
    this.order = 0;
    this.hidden.clear();
    this.watch.reset();
  }

  /** Statistics of layers applied over time (the activation of an RNN), over every time step. */
  private finishAggregates(): void {
    this.busy = true;
    try {
      for (const pend of this.pending.values()) {
        if (!pend.agg) continue;
        const out = concat(pend.agg.outs);
        const inp = pend.agg.ins.length === pend.agg.outs.length ? concat(pend.agg.ins) : null;
        this.fillLayer(pend, pend.rec.kind, out, inp, null);
      }
      for (const w of this.watched) {
        if (w.kind !== 'recurrent') continue;
        const pend = this.pending.get(w.module);
        if (pend) this.hidden.finish(w.module, pend.rec);
      }
    } finally {
      this.busy = false;
    }
  }

  private closeRecord(info: ProbeStepInfo): StepRecord {
    const loss = toNumber(info.loss, 'loss');
    const lr = info.optimizer ? info.optimizer.paramGroups.map((g) => Number(g.lr)) : [];
    if (lr.some((x) => !Number.isFinite(x))) throw new ValueError(OP, 'optimizer.paramGroups[i].lr must be finite numbers');
    this.finishAggregates();
    const symmetry = this.records.length === 0 || this.stepNo % this.options.symmetryEvery === 0;
    const weightLayers = new Set(this.watched.filter((w) => WEIGHT_KINDS.includes(w.kind)).map((w) => w.name));
    const given = toNumber(info.gradNorm, 'gradNorm');
    const stats = paramRecords(this.params, this.before, this.preClip, given === null, symmetry, weightLayers);
    const { params, postSq, preSq, anyGrad } = stats;
    // No parameter moved: no optimizer step happened in between, so there is no update to report.
    if (params.every((r) => r.update === null || r.update === 0)) for (const r of params) r.update = null;
    const rec: StepRecord = {
      type: 'step',
      step: this.stepNo,
      loss,
      lr,
      gradNorm: given ?? (anyGrad ? Math.sqrt(preSq) : null),
      gradNormClipped: anyGrad ? Math.sqrt(postSq) : null,
      layers: [...this.pending.values()].map((p) => p.rec).sort((a, b) => a.index - b.index),
      params,
    };
    if (this.watch.origin) rec.nonFinite = { ...this.watch.origin };
    this.records.push(rec);
    if (this.records.length > this.options.maxRecords) this.records.splice(0, this.records.length - this.options.maxRecords);
    this.options.onRecord?.(rec);
    return rec;
  }

  /** Run the detectors over the records so far and explain the findings (default English). */
  findings(opts: DetectorOptions & { lang?: Lang } = {}): Finding[] {
    return explain(runDetectors(this.records, opts), opts.lang ?? 'en');
  }

  /** Remove every hook; the model is exactly as before the probe was attached. Idempotent. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.watch.stop();
    for (const w of this.watched) w.handle.remove();
    for (const p of this.params) p.handle?.remove();
    for (const h of this.optimizerHandles) h.remove();
    this.optimizerHandles = [];
    this.clearStep();
    this.spare = new Map();
  }
}

function firstTensor(v: unknown): Tensor | null {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v)) for (const x of v) if (x instanceof Tensor) return x;
  return null;
}

/** The values of several tensors as one flat tensor (a single one is returned as it is). */
function concat(ts: readonly Tensor[]): Tensor {
  if (ts.length === 1) return ts[0]!;
  const n = ts.reduce((s, t) => s + t.data.length, 0);
  const d = new Float32Array(n);
  let o = 0;
  for (const t of ts) {
    d.set(t.data, o);
    o += t.data.length;
  }
  const first = ts[0]!;
  // keep the unit axis (last dim) so per-unit statistics still make sense
  const unit = first.shape[first.ndim - 1] ?? 1;
  return new Tensor(d, first.ndim >= 1 && n % unit === 0 ? [n / unit, unit] : [n]);
}

function toNumber(v: Tensor | number | null | undefined, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.data.length !== 1) throw new ValueError(OP, `step({ ${what} }) must be a scalar, got a tensor of ${v.data.length} elements`);
    return v.data[0]!;
  }
  throw new ValueError(OP, `step({ ${what} }) must be a number or a scalar Tensor, got ${typeof v}`);
}
