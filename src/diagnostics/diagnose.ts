/**
 * One-call diagnosis: a short probe session on the model, then everything put back.
 *
 * ```ts
 * const { findings } = await diagnose(model, {
 *   data: batches,                               // [[x, y], …] or (step) => [x, y]
 *   lossFn: (out, y) => crossEntropy(out, y),
 *   optimizer,                                   // optional: without it, no update is made
 *   steps: 5,
 *   lang: 'fr',
 * });
 * for (const f of findings) console.log(f.severity, f.message, f.remedies[0]?.code);
 * ```
 *
 * The session runs on the model itself and then restores, bit for bit and in place, every
 * parameter, gradient, buffer, train/eval mode, the optimizer's state and hyper-parameters and
 * the default random generator — even when the session throws. The objects you hold keep their
 * identity: after `diagnose` the next training step is exactly what it would have been.
 */
import { ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { clipGradNorm_ } from '../nn/utils/clip-grad.js';
import type { Module } from '../nn/module.js';
import type { Finding } from './detectors/types.js';
import type { DetectorOptions } from './detectors/options.js';
import type { Lang } from './explain/index.js';
import { Probe, type OptimizerLike } from './probe.js';
import type { ProbeOptions } from './probe-options.js';
import type { StepRecord } from './record/types.js';
import { snapshotState } from './snapshot.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

type Batch = readonly [unknown, unknown];

export interface DiagnoseOptions {
  /** Batches [input, target]: an array (cycled through) or a function of the step (may be async). */
  data: readonly Batch[] | ((step: number) => Batch | Promise<Batch>);
  /** Loss of a model output against the target; must return a scalar tensor. */
  lossFn: (output: any, target: any) => Tensor;
  /** Steps of the optimizer each session step; without one, the weights never change. */
  optimizer?: (OptimizerLike & { step(): unknown; zeroGrad(opts?: { setToNone?: boolean }): void }) | null;
  /** Number of steps. Default 5. */
  steps?: number;
  /** Language of the explanations. Default 'en'. */
  lang?: Lang;
  /** Clip the global gradient norm to this value before each step, as the training would. */
  clipGradNorm?: number;
  /** How to run the model on an input. Default `model.forward(x)`. */
  forward?: (model: Module, input: any) => unknown;
  probe?: Omit<ProbeOptions, 'optimizer' | 'every'>;
  detectors?: DetectorOptions;
}

export interface Diagnosis {
  findings: Finding[];
  records: StepRecord[];
}

const OP = 'diagnose';

/**
 * One diagnosis at a time per model: a second `diagnose()` on a model being diagnosed waits for
 * the first to finish (and restore the model) before it starts, so records are never mixed.
 */
const queues = new WeakMap<Module, Promise<unknown>>();

export function diagnose(model: Module, opts: DiagnoseOptions): Promise<Diagnosis> {
  if (!model || typeof (model as Module).namedModules !== 'function') return Promise.reject(new ValueError(OP, 'expected a Module as first argument'));
  const prev = queues.get(model) ?? Promise.resolve();
  const run = prev.then(
    () => diagnoseNow(model, opts),
    () => diagnoseNow(model, opts),
  );
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(model, settled);
  void settled.then(() => {
    if (queues.get(model) === settled) queues.delete(model);
  });
  return run;
}

async function diagnoseNow(model: Module, opts: DiagnoseOptions): Promise<Diagnosis> {
  if (!model || typeof (model as Module).namedModules !== 'function') throw new ValueError(OP, 'expected a Module as first argument');
  if (!opts || typeof opts !== 'object') throw new ValueError(OP, 'expected options { data, lossFn, optimizer?, steps? }');
  checkOptions(OP, opts, optionKeys<DiagnoseOptions>({ data: true, lossFn: true, optimizer: true, steps: true, lang: true, clipGradNorm: true, forward: true, probe: true, detectors: true }));
  const { data, lossFn, optimizer } = opts;
  if (typeof lossFn !== 'function') throw new ValueError(OP, 'lossFn must be a function (output, target) => scalar Tensor, e.g. (o, y) => crossEntropy(o, y)');
  if (typeof data !== 'function' && !(Array.isArray(data) && data.length > 0))
    throw new ValueError(OP, 'data must be a non-empty array of [input, target] batches or a function (step) => [input, target]');
  const steps = opts.steps ?? 5;
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(OP, `steps must be a positive integer, got ${steps}`);
  if (opts.clipGradNorm !== undefined && !(opts.clipGradNorm > 0)) throw new ValueError(OP, `clipGradNorm must be > 0, got ${opts.clipGradNorm}`);
  const forward = opts.forward ?? ((m: Module, x: unknown) => m.forward(x));

  const saved = snapshotState(model, optimizer ?? null);
  const probe = new Probe(model, { ...(opts.probe ?? {}), every: 1, ...(optimizer ? { optimizer } : {}) });
  try {
    for (let s = 0; s < steps; s++) {
      const batch = typeof data === 'function' ? await data(s) : data[s % data.length]!;
      if (!Array.isArray(batch) || batch.length < 2) throw new ValueError(OP, `batch ${s} must be [input, target]`);
      if (optimizer) optimizer.zeroGrad();
      else model.zeroGrad();
      const loss = lossFn(forward(model, batch[0]), batch[1]);
      if (!(loss instanceof Tensor) || loss.data.length !== 1)
        throw new ValueError(OP, 'lossFn must return a scalar Tensor (reduce with mean or sum)');
      let gradNorm: number | undefined;
      if (loss.requiresGrad) {
        loss.backward();
        if (opts.clipGradNorm !== undefined) gradNorm = clipGradNorm_(model.parameters(), opts.clipGradNorm).item();
        optimizer?.step();
      }
      probe.step({ loss, optimizer: optimizer ?? null, gradNorm });
    }
    return { findings: probe.findings({ ...(opts.detectors ?? {}), lang: opts.lang ?? 'en' }), records: probe.records };
  } finally {
    probe.detach();
    saved.restore();
  }
}
