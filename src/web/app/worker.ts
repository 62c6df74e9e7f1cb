/**
 * The training worker (a module Web Worker): one run of the lab's runner per worker. The page
 * terminates the worker to stop a run, which also ends the kernel threads it started. The
 * library picks the WebAssembly SIMD backend where the browser has it, and spreads large GEMMs
 * over threads when the page is cross-origin isolated (serveLab sends the headers).
 *
 * Every record line the runner writes goes to the page as it comes (the header and each step,
 * read back with the library's reader so non-finite numbers are numbers again), the loss of
 * every step in batches of at most 50 ms, and the doctor's findings on the records so far at
 * most four times a second.
 */
import { backend, initThreads, setWorkerHost } from '../../kernels/index.js';
import { browserWorkerHost } from '../../browser/threads.js';
// Tensor methods (t.backward(), t.matmul() …) are installed by the ops modules' side effects.
import '../../ops/index.js';
import { runDetectors } from '../../diagnostics/detectors/index.js';
import { explain } from '../../diagnostics/explain/index.js';
import { readRunRecord } from '../../diagnostics/record/reader.js';
import type { StepRecord } from '../../diagnostics/record/types.js';
import type { DataFile, DataSource } from '../../lab/data/source.js';
import { runSpec } from '../../lab/runner/index.js';
import type { MetricPoint } from '../../report/view.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker): void => scope.postMessage(m);

// kernel threads from this worker (cross-origin-isolated pages only; one thread elsewhere)
setWorkerHost(browserWorkerHost());

/** The server's data/ folder: `<set>/<file>.gz` (the shipped files), else the plain name. */
function fetchDataSource(base: string): DataSource {
  const readFile = async (file: string): Promise<DataFile | null> => {
    for (const name of [`${file}.gz`, file]) {
      const url = new URL(name, base).href;
      const res = await fetch(url);
      if (res.ok) return { bytes: new Uint8Array(await res.arrayBuffer()), path: url };
      if (res.status !== 404) throw new Error(`${url}: the server answered ${res.status} ${res.statusText}`);
    }
    return null;
  };
  return { readFile, read: async (f) => (await readFile(f))?.bytes ?? null, describe: () => base };
}

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { runId, spec, lang } = msg;
  const threads = await initThreads();
  post({ type: 'ready', runId, backend: backend().name, threads });
  let headerLine = '';
  const records: StepRecord[] = [];
  const stepMetrics = new Map<number, Record<string, number>>();
  let pending: MetricPoint[] = [];
  // steps/s of training proper: from the end of the first step (data loaded, net built, kernels warm) on
  let tFirst = 0;
  let lastFlush = 0;
  let lastFind = -Infinity;
  const total = spec.steps ?? 0;
  const flush = (force: boolean): void => {
    const now = performance.now();
    if (pending.length > 0 && (force || now - lastFlush > 50)) {
      const last = pending[pending.length - 1]!.step;
      post({ type: 'metrics', runId, points: pending, total, rate: last > 0 && now > tFirst ? last / ((now - tFirst) / 1000) : null });
      pending = [];
      lastFlush = now;
    }
  };
  const judge = (force: boolean): void => {
    const now = performance.now();
    if (records.length === 0 || (!force && now - lastFind < 250)) return;
    lastFind = now;
    post({ type: 'findings', runId, findings: explain(runDetectors(records), lang) });
  };
  const res = await runSpec(spec, {
    source: fetchDataSource(msg.dataBase),
    lang,
    environment: { runtime: 'browser (web lab)', threads },
    onLine(line) {
      if (headerLine === '') {
        headerLine = line;
        post({ type: 'header', runId, header: readRunRecord(line).header });
        return;
      }
      if ((JSON.parse(line) as { type?: string }).type !== 'step') return;
      const rec = readRunRecord(headerLine + line).steps[0]!;
      records.push(rec);
      if (rec.metrics) stepMetrics.set(rec.step, rec.metrics);
      post({ type: 'step', runId, record: rec });
      judge(records.length === 1);
    },
    onProgress(p) {
      if (p.phase !== 'train' || p.loss === null) return;
      const step = p.step - 1;
      if (step === 0) tFirst = performance.now();
      pending.push({ step, loss: p.loss, ...(stepMetrics.get(step) ?? {}) });
      stepMetrics.delete(step);
      flush(false);
    },
  });
  flush(true);
  const seconds = (performance.now() - tFirst) / 1000;
  post({
    type: 'end',
    runId,
    status: res.status,
    ...(res.error !== undefined ? { error: res.error } : {}),
    lines: res.lines,
    metrics: res.metrics,
    findings: res.findings,
    stepsPerSecond: res.steps > 1 && seconds > 0 ? (res.steps - 1) / seconds : null,
  });
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'start')
    run(msg).catch((err: unknown) => post({ type: 'error', runId: msg.runId, message: err instanceof Error ? err.message : String(err) }));
};
