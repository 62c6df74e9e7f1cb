/**
 * The papers' orderings on the shipped real data, at reduced sizes (each entry's `quick`
 * overrides): he-2015 (Xavier stalls, Kaiming trains), residual (the plain 30-layer MLP stalls,
 * its residual twin trains), normalization / wu-he-2018 (BatchNorm collapses at batch 2 where
 * GroupNorm does not), ioffe-2015 (BatchNorm keeps the sigmoid inputs in place and learns faster).
 * Full sizes run in bench/lab.ts.
 */
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { nodeDataSource } from '../src/lab/node/data-source.js';
import { getEntry, runEntry } from '../src/lab/catalogue/index.js';
import { finalLoss } from '../src/lab/catalogue/helpers.js';
import { testError } from '../src/lab/catalogue/batch-norms.js';
import { meanTestAccuracy, percentileDrift } from '../src/lab/catalogue/ioffe-2015.js';

const ctx = { source: nodeDataSource() };
const LN10 = Math.log(10);

describe('papers’ orderings on real data (reduced sizes)', () => {
  it('he-2015: a 30-layer ReLU MLP stalls with Xavier and trains with Kaiming', async () => {
    const e = getEntry('he-2015');
    const runs = await runEntry(e, { quick: true, ctx });
    const [x, k] = runs.map((r) => finalLoss(r));
    // Xavier: the output is ≈ 2^(−15) of the input, so the softmax is uniform: ln 10 within 1 %
    expect(Math.abs(x! - LN10)).toBeLessThan(0.01 * LN10);
    expect(k!).toBeLessThan(0.8 * LN10);
    expect(e.verdict!(runs).ok).toBe(true);
  }, 60_000);

  it('residual: the plain 30-layer tanh MLP stalls, its residual twin trains', async () => {
    const e = getEntry('residual');
    const runs = await runEntry(e, { quick: true, ctx, only: ['plain MLP (30 layers)', 'residual MLP (30 layers)'] });
    const [p, r] = runs.map((x) => finalLoss(x));
    // plain: 29 layers of ≈ √(1/3) each leave the first layers a 1e-7 share of the gradient
    expect(p!).toBeGreaterThan(0.95 * LN10);
    expect(r!).toBeLessThan(0.8 * p!);
    expect(e.verdict!(runs).ok).toBe(true);
  }, 60_000);

  it('wu-he-2018 / normalization: BatchNorm collapses at batch 2, GroupNorm does not', async () => {
    const e = getEntry('wu-he-2018');
    const only = ['BatchNorm, batch 32', 'BatchNorm, batch 2', 'GroupNorm, batch 32', 'GroupNorm, batch 2'];
    const runs = await runEntry(e, { quick: true, ctx, only });
    const [bn32, bn2, gn32, gn2] = runs.map(testError) as [number, number, number, number];
    // at batch 2 BatchNorm maps each feature to ±1 (two values normalized): most information is lost
    expect(bn2).toBeGreaterThan(bn32 + 0.15);
    expect(bn2).toBeGreaterThan(gn2 + 0.15);
    expect(gn2).toBeLessThan(gn32 + 0.1);
  }, 60_000);

  it('ioffe-2015: with BatchNorm the last hidden layer’s inputs stay put and the net learns faster', async () => {
    const e = getEntry('ioffe-2015');
    const runs = await runEntry(e, { quick: true, ctx });
    const [d0, d1] = runs.map(percentileDrift) as [number, number];
    const [a0, a1] = runs.map(meanTestAccuracy) as [number, number];
    expect(d1).toBeLessThan(d0);
    expect(a1).toBeGreaterThan(a0);
    expect(e.verdict!(runs).ok).toBe(true);
  }, 60_000);
});
