/**
 * runSpec: one experiment from its spec to its run record. Portable (no files): the Node corner
 * (../node/run-dir.ts) writes the lines and checkpoints it hands out.
 *
 * Order of a step, as in a PyTorch loop: zeroGrad → forward → loss → backward → clip →
 * optimizer.step → probe.step (records every probe.every-th step) → scheduler.step → eval (every
 * eval.every steps and after the last) → the step line (recorded steps), with the train-batch
 * accuracy and the test metrics in its `metrics`.
 *
 * Randomness: `manualSeed(spec.seed)` before the model is built (init, dropout), a Generator
 * seeded with `dataSeed` (default seed + 1) for the synthetic data and the shuffle, the probe's
 * own generator (probe.seed). Same spec → same record, line for line (createdAt aside).
 */
import { describeProbeOptions, type ProbeOptions } from '../../diagnostics/probe-options.js';
import { Probe } from '../../diagnostics/probe.js';
import { readRunRecord } from '../../diagnostics/record/reader.js';
import type { StepRecord } from '../../diagnostics/record/types.js';
import { RunRecordWriter } from '../../diagnostics/record/writer.js';
import type { Finding } from '../../diagnostics/detectors/types.js';
import { backend } from '../../kernels/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { Generator, defaultGenerator, manualSeed } from '../../tensor/rng.js';
import { GradlabError } from '../../tensor/errors.js';
import { DataLoader } from '../data/loader.js';
import { loadData } from '../data/load.js';
import type { DataSpec } from '../data/spec.js';
import { buildModel } from '../model.js';
import { SpecError } from '../spec/errors.js';
import type { Spec } from '../spec/schema.js';
import { BatchStream } from './batches.js';
import { accuracyOf, evaluate } from './evaluate.js';
import { clipGradients, makeLoss, makeOptimizer, makeScheduler, resolveLoss } from './parts.js';
import { probeState, restoreProbe } from './probe-state.js';
import type { RunCheckpoint, RunContext, RunMetric, RunResult } from './types.js';

/** The probe options a spec asks for. */
export function probeOptionsOf(spec: Spec): ProbeOptions {
  const p = spec.probe;
  const j = p.jacobian;
  return {
    every: p.every,
    histogramBins: p.histogramBins,
    histogramRange: p.histogramRange,
    ...(p.quantiles !== undefined ? { quantiles: p.quantiles } : {}),
    jacobian: typeof j === 'boolean' ? { enabled: j } : { enabled: true, ...j },
    grads: p.grads,
    seed: p.seed,
  };
}

const yieldNow = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export async function runSpec(spec: Spec, ctx: RunContext = {}): Promise<RunResult> {
  if (spec.sweep && Object.keys(spec.sweep).length > 0)
    throw new SpecError([{ path: 'sweep', message: 'this spec is a sweep; run each point of expandSweep(spec) (gradlab sweep, sweepToDir)' }]);
  const lang = ctx.lang ?? 'en';
  const cp = ctx.resume ?? null;
  if (cp !== null && (cp.format !== 'gradlab-lab-checkpoint' || cp.version !== 1))
    throw new GradlabError('resume', `not a lab checkpoint of version 1 (format ${String(cp.format)}, version ${String(cp.version)})`);

  manualSeed(spec.seed);
  const dataGen = new Generator(spec.dataSeed ?? spec.seed + 1);
  const data = await loadData(spec.data as DataSpec, { source: ctx.source, generator: dataGen });
  const lossName = resolveLoss(spec, data.numClasses);
  const lossFn = makeLoss(lossName, data.numClasses);
  const classification = data.numClasses !== null;
  const model = buildModel(spec, data);
  const optimizer = makeOptimizer(spec, model);
  const loader = new DataLoader(data.train, { batchSize: spec.batchSize, shuffle: spec.shuffle, dropLast: spec.dropLast, generator: dataGen });
  if (loader.length === 0)
    throw new SpecError([{ path: 'batchSize', message: `${spec.batchSize} is larger than the ${data.train.length} training samples (with dropLast); lower it or set dropLast false` }]);
  const total = spec.steps ?? (spec.epochs ?? 1) * loader.length;
  const scheduler = makeScheduler(spec, optimizer, total);
  const probe = new Probe(model, { ...probeOptionsOf(spec), optimizer });
  const stream = new BatchStream(loader, dataGen);
  const writer = new RunRecordWriter({
    seed: spec.seed,
    spec,
    environment: { backend: backend().name, data: data.source, ...(ctx.environment ?? {}) },
    createdAt: ctx.createdAt,
    probe: describeProbeOptions(probe.options),
  });

  const lines: string[] = [];
  const metrics: RunMetric[] = [];
  const emit = (line: string): void => {
    lines.push(line);
    ctx.onLine?.(line);
  };
  let start = 0;
  if (cp === null) emit(writer.header());
  else {
    const prior = readRunRecord(cp.lines.join(''));
    writer.header();
    for (const r of prior.steps) writer.step(r);
    lines.push(...cp.lines);
    metrics.push(...cp.metrics.map((m) => ({ ...m })));
    model.loadStateDict(cp.model);
    optimizer.loadStateDict(cp.optimizer);
    if (scheduler && cp.scheduler) scheduler.loadStateDict(cp.scheduler);
    defaultGenerator.setState(cp.rng);
    stream.restore({ epoch: cp.epoch, batchInEpoch: cp.batchInEpoch, dataRng: cp.dataRng });
    restoreProbe(probe, cp.probe, prior.steps);
    start = cp.step;
  }

  const checkpoint = (done: number): RunCheckpoint => {
    const pos = stream.position();
    const sd = model.stateDict();
    const copy: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(sd)) copy[k] = new Tensor(t.data.slice(), t.shape);
    return {
      format: 'gradlab-lab-checkpoint',
      version: 1,
      step: done,
      epoch: pos.epoch,
      batchInEpoch: pos.batchInEpoch,
      model: copy,
      optimizer: optimizer.stateDict(),
      scheduler: scheduler ? scheduler.stateDict() : null,
      rng: defaultGenerator.getState(),
      dataRng: pos.dataRng,
      probe: probeState(probe),
      metrics: metrics.map((m) => ({ ...m })),
      lines: [...lines],
    };
  };

  let status: RunResult['status'] = 'completed';
  let error: string | undefined;
  let done = start;
  let lastYield = performance.now();
  const evalEvery = spec.eval?.every ?? 0;
  try {
    model.train();
    for (let s = start; s < total; s++) {
      if (ctx.signal?.aborted) {
        status = 'stopped';
        // a checkpoint where it stopped, so that resume continues from here
        if (ctx.onCheckpoint && done > start) await ctx.onCheckpoint(checkpoint(done));
        break;
      }
      const [x, y] = stream.next() as [Tensor, Tensor];
      optimizer.zeroGrad();
      const out = model.forward(x) as Tensor;
      const loss = lossFn(out, y);
      const lossValue = loss.item();
      loss.backward();
      const gradNorm = clipGradients(spec, model);
      optimizer.step();
      const rec: StepRecord | null = probe.step({ loss: lossValue, optimizer, gradNorm });
      scheduler?.step();
      const m: RunMetric = { step: s, loss: lossValue };
      if (classification) m.accuracy = accuracyOf(out, y);
      if (spec.eval !== null && data.test !== null && (s % evalEvery === 0 || s === total - 1)) {
        ctx.onProgress?.({ step: s + 1, total, loss: lossValue, phase: 'eval' });
        Object.assign(m, evaluate(model, data.test, lossFn, classification, spec.eval));
      }
      metrics.push(m);
      if (rec !== null) {
        const { step: _s, loss: _l, ...extra } = m;
        if (Object.keys(extra).length > 0) rec.metrics = extra as Record<string, number>;
        emit(writer.step(rec));
      }
      done = s + 1;
      ctx.onProgress?.({ step: done, total, loss: lossValue, phase: 'train' });
      if (!Number.isFinite(lossValue) && spec.stopOnNonFinite) {
        status = 'failed';
        error = `the loss became ${lossValue} at step ${s}; lower the learning rate, clip the gradients (clip: { type: 'norm', maxNorm: 1 }) or set stopOnNonFinite: false to keep going`;
        break;
      }
      if (ctx.checkpointEvery !== undefined && ctx.onCheckpoint && done % ctx.checkpointEvery === 0 && done < total) await ctx.onCheckpoint(checkpoint(done));
      if (performance.now() - lastYield > 50) {
        await yieldNow();
        lastYield = performance.now();
      }
    }
  } catch (e) {
    status = 'failed';
    error = e instanceof Error ? e.message : String(e);
  }

  let findings: Finding[] = [];
  try {
    findings = probe.findings({ lang });
  } catch (e) {
    if (status === 'completed') {
      status = 'failed';
      error = `the doctor could not judge the run: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  probe.detach();
  for (const f of findings) emit(writer.finding(f));
  emit(writer.end(status, error));
  return {
    spec,
    label: ctx.label ?? '',
    lines,
    records: [...probe.records],
    findings,
    metrics,
    status,
    ...(error !== undefined ? { error } : {}),
    steps: done,
    model,
    optimizer,
  };
}
