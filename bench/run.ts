/**
 * `npm run bench [-- --quick]`: GEMM throughput and training steps (MLP 784→512×6→10 b128, MLP
 * 784→64×6→10 b32, CNN 28×28 b64), side by side in one run: gradlab (portable, wasm on 1 thread,
 * wasm on all cores), TensorFlow.js (cpu, wasm) and PyTorch (1 thread, all threads). Prints the
 * tables with the speed-up of the fastest gradlab over every peer and writes bench/RESULTS.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machine, wasmKernelsNote } from './env.js';
import { gemmRound, gemmRows } from './gemm.js';
import { VARIANTS } from './gradlab.js';
import { Blocks, rounds, setQuick, steadiness, QUICK } from './measure.js';
import { stepsRound, stepsRows } from './steps.js';
import { renderMarkdown, renderText, type Row } from './table.js';
import { loadTf } from './tfjs.js';
import { TORCH_THREADS, torchImpl, torchRound, type TorchState } from './torch.js';
import { benchProbe } from './probe.js';
import { benchEngineRatio } from './engine-ratio.js';
import { benchBrowser } from './browser.js';

setQuick(process.argv.includes('--quick'));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (s: string): boolean => !only || only.includes(s);

const rows: Row[] = [];
const loadBefore = process.getBuiltinModule('node:os').loadavg()[0]!;
const steadyBefore = steadiness();
const notes: string[] = [];
const log = (s: string): void => void process.stderr.write(`${s}\n`);

const tf = await loadTf();
if (!tf) notes.push('TF.js could not be loaded; its columns are empty.');

// GEMM, training steps and PyTorch in rounds: every configuration times one block per round, so
// that its blocks are spread over the whole run (measure.ts)
const blocks = new Blocks();
const torch: TorchState = { version: null, note: want('torch') ? null : 'PyTorch not run (--only)' };
const R = rounds();
for (let r = 0; r < R; r++) {
  if (want('gemm')) {
    log(`round ${r + 1}/${R}: GEMM …`);
    await gemmRound(r, blocks, tf);
  }
  if (want('steps')) {
    log(`round ${r + 1}/${R}: training steps …`);
    await stepsRound(r, blocks, tf);
  }
  if (want('torch')) {
    log(`round ${r + 1}/${R}: PyTorch …`);
    torchRound(blocks, torch);
  }
}
const impls = [
  ...VARIANTS.filter((v) => v.available).map((v) => v.name),
  ...(tf ? tf.backends.map((b) => `TF.js ${b}`) : []),
  ...TORCH_THREADS.map(torchImpl),
];
rows.push(...gemmRows(blocks, impls), ...stepsRows(blocks, impls));
if (want('torch') && torch.note) notes.push(torch.note);
const torchVersion = torch.version;

let chromium: string | null = null;
if (want('browser')) {
  log('headless Chromium (page and Worker) …');
  try {
    const b = await benchBrowser(log);
    rows.push(...b.rows);
    notes.push(...b.notes);
    chromium = b.version;
  } catch (e) {
    notes.push(`Chromium not measured: ${(e as Error).message.split('\n')[0]}`);
  }
}

if (want('engine')) {
  log('portable engine vs TF.js cpu …');
  rows.push(...(await benchEngineRatio(tf)));
}
if (want('probe')) {
  log('probe overhead …');
  rows.push(...(await benchProbe()));
}

const steadyAfter = steadiness();
const steady = (s: { fastest: number; slowest: number }): string =>
  `${s.fastest.toFixed(2)}–${s.slowest.toFixed(2)} ms (×${(s.slowest / s.fastest).toFixed(2)})`;

const text = renderText(rows, 'best');
console.log(text);
for (const n of notes) console.log(`note: ${n}`);

const m = machine();
const md = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench${QUICK ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `- Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node}; 1-min load average ${loadBefore.toFixed(1)} at start, ${process.getBuiltinModule('node:os').loadavg()[0]!.toFixed(1)} at end (above ~0.5 other processes shared the cores and all figures are pessimistic; compare within a run)`,
  `- gradlab wasm kernels: ${wasmKernelsNote()}`,
  `- TensorFlow.js: ${tf ? `${tf.version} (${tf.backends.join(', ')})` : 'not available'}; PyTorch: ${torchVersion ?? 'not run'}; Chromium: ${chromium ?? 'not run'} (headless, bench/browser.ts: the same steps bundled with esbuild, in a cross-origin-isolated page and in a dedicated Worker, in rounds of their own after the Node rounds)`,
  `- Steadiness of the cores: a fixed arithmetic loop took ${steady(steadyBefore)} per call across 12 blocks at the start, ${steady(steadyAfter)} at the end (one speed would give ×1.0x).`,
  `- Figures: the run goes in ${rounds()} rounds, and every round times one block of repetitions (at least ${QUICK ? '3 calls and 0.1 s' : '5 calls and 0.3 s'}) of every configuration, gradlab, TF.js and PyTorch alike, after a warm-up; each figure is the lowest of its block medians${QUICK ? ' (quick run: few repetitions)' : ''}. This machine's cores change speed for seconds to minutes at a time (the steadiness line), so a configuration timed in one stretch would get the speed of that moment; with a block in every round each one meets the fast and the slow stretches alike (bench/measure.ts). Configurations that take seconds per call run in the first rounds only. The medians over all repetitions are in the table after the steps. GEMM in GFLOP/s (higher is better), steps in ms (lower is better).`,
  '- ×peer columns: speed-up of the fastest gradlab configuration for that line over that peer (> 1: gradlab is faster).',
  '- A training step is zero-grad, forward, softmax cross-entropy, backward and a plain SGD update. gradlab runs it inside `storageScope` with `zeroGrad({ setToNone: false })` (PyTorch 1.13\'s default), so that after warm-up it allocates nothing (docs/library.md, Memory). Each gradlab step configuration is measured in a fresh process (bench/step-child.ts), as PyTorch runs in its own; TF.js runs in this one.',
  '',
  renderMarkdown(rows, 'best'),
  ...targets(rows),
  ...(notes.length ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
].join('\n');
/** Issue 13's numbers, read off the rows (best block medians): reached or not. */
function targets(rs: Row[]): string[] {
  const get = (section: string, w: string, impl: string): number | null =>
    rs.find((r) => r.section === section && r.workload === w && r.impl === impl)?.value ?? null;
  const best = (section: string, w: string, prefix: string): number | null => {
    const v = rs.filter((r) => r.section === section && r.workload === w && r.impl.startsWith(prefix) && r.value !== null).map((r) => r.value!);
    return v.length ? Math.min(...v) : null;
  };
  const deep = 'MLP 128→128×20→10 tanh b64';
  const sps = (ms: number | null): string => (ms === null ? '—' : `${(1000 / ms).toFixed(0)} steps/s`);
  const worker = best('Training step in headless Chromium (ms)', deep, 'gradlab Worker');
  const node = best('Training step (ms)', deep, 'gradlab wasm');
  const lines = ['## Targets (issue 13)', '', `- ${deep}: Chromium Worker ${sps(worker)} (target ≥ 120); Node ${sps(node)} (target ≥ 250).`];
  for (const [w, word] of [['MLP 784→512×6→10 b128', 'at or below'], ['MLP 784→64×6→10 b32', 'below'], ['CNN 28×28 b64', 'at or below']] as const) {
    const ours = best('Training step (ms)', w, 'gradlab wasm');
    const torch = get('Training step (ms)', w, 'PyTorch·1');
    const q = ours !== null && torch !== null ? `${(ours / torch).toFixed(2)}× PyTorch·1's time` : '—';
    lines.push(`- ${w}: gradlab ${ours?.toFixed(2) ?? '—'} ms, PyTorch·1 ${torch?.toFixed(2) ?? '—'} ms: ${q} (target: ${word} PyTorch 1 thread).`);
  }
  return [...lines, ''];
}

const out = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
writeFileSync(out + '.tmp', md);
renameSync(out + '.tmp', out);
log(`wrote ${out}`);
