/**
 * The lecture's experiment written in PyTorch (python/examples/init_tanh.py, recorded by
 * gradlab_torch) against gradlab's own run of the same spec (the catalogue's init-tanh): the
 * per-layer statistics agree within sampling error, and the doctor reaches the same findings on
 * both records. Needs Debian's python3-torch; skipped with a notice without it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { readRunRecord, runDetectors, type StepRecord } from '../src/diagnostics/index.js';
import { getEntry } from '../src/lab/catalogue/index.js';
import { setPaths } from '../src/lab/spec/index.js';
import { runSpec } from '../src/lab/runner/index.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PY = '/usr/bin/python3';
let hasTorch = false;
try {
  execFileSync(PY, ['-c', 'import torch'], { stdio: 'pipe' });
  hasTorch = true;
} catch {
  console.warn(`PyTorch interop test not run: ${PY} cannot import torch (apt-get install python3-torch)`);
}

// width 1024 with the lecture's per-layer factors σ√n = 0.64 and 3.2 (its σ = 0.01, 0.05 at 4096)
const WIDTH = 1024;
const STEPS = 3;
const VARIANTS: [string, unknown][] = [
  ['normal-0.02', { normal: 0.02 }],
  ['normal-0.1', { normal: 0.1 }],
  ['xavier-normal', 'xavierNormal'],
];

const tanhs = (r: StepRecord) => r.layers.filter((l) => l.kind === 'tanh');

describe.runIf(hasTorch)('PyTorch records beside gradlab records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-torch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the lecture experiment: same per-layer statistics within sampling error, same findings', async () => {
    execFileSync(PY, [join(ROOT, 'python/examples/init_tanh.py'), '--width', String(WIDTH), '--steps', String(STEPS), '--stds', '0.02,0.1', '--out', dir], { stdio: 'pipe' });
    const entry = getEntry('init-tanh');
    for (const [name, init] of VARIANTS) {
      const torchRec = readRunRecord(readFileSync(join(dir, `${name}.jsonl`), 'utf8'));
      expect(torchRec.header.library.name).toBe('gradlab_torch');
      const spec = setPaths(entry.base, { 'model.width': WIDTH, 'data.features': WIDTH, steps: STEPS, 'model.init': init });
      const ours = await runSpec(spec);
      const a = tanhs(torchRec.steps[0]!);
      const b = tanhs(ours.records[0]!);
      expect(a.length).toBe(6);
      expect(b.length).toBe(6);
      for (let l = 0; l < 6; l++) {
        // each std is measured on 16 × 1024 values of a net with its own random weights: both
        // fluctuate by a few percent (1/√(2·16·1024) for the sample, ~1/√1024 per layer for the
        // weights' row norms, compounding over six layers); 15 % is far outside that
        expect(a[l]!.output!.std / b[l]!.output!.std).toBeGreaterThan(0.85);
        expect(a[l]!.output!.std / b[l]!.output!.std).toBeLessThan(1 / 0.85);
        // shares of saturated units: binomial error on 16 384 values plus the weights', under 0.05
        expect(Math.abs(a[l]!.saturation! - b[l]!.saturation!)).toBeLessThan(0.05);
      }
      const ids = (steps: StepRecord[]) => [...new Set(runDetectors(steps).map((f) => f.id))].sort();
      const found = ids(torchRec.steps);
      expect(found).toEqual(ids(ours.records));
      // the planted problems are found (N(0, 0.01²): the signal collapses; N(0, 0.05²): saturation)
      if (name !== 'xavier-normal') expect(found.length).toBeGreaterThan(0);
    }
  }, 240_000);
});
