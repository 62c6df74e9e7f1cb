import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Generator, Tensor } from '../src/index.js';

export interface FixtureTensor {
  shape: number[];
  data: (number | 'nan' | 'inf' | '-inf')[];
}

const decode = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

/** Load test/fixtures/<name>.json (written by scripts/fixtures/gen_<name>.py). */
export function loadFixture<T = any>(name: string): { torch: string; cases: T[] } {
  const p = fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(p, 'utf8'));
}

/** A fixture tensor as a gradlab Tensor. */
export function fromFixture(f: FixtureTensor, requiresGrad = false): Tensor {
  return new Tensor(Float32Array.from(f.data.map(decode)), f.shape, requiresGrad);
}

/**
 * Assert `actual` matches a fixture (shape, and values within atol + rtol·|expected|; NaN must
 * match NaN, ±Inf must match exactly).
 */
export function expectClose(actual: Tensor | null | undefined, expected: FixtureTensor | Tensor, atol = 1e-5, rtol = 1e-4, what = ''): void {
  expect(actual, `${what}: missing tensor`).toBeTruthy();
  const exp = expected instanceof Tensor ? expected : fromFixture(expected);
  expect([...actual!.shape], `${what}: shape`).toEqual([...exp.shape]);
  const a = actual!.data;
  const e = exp.data;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(y)) {
      if (!Number.isNaN(x)) { worst = i; worstErr = Infinity; break; }
      continue;
    }
    if (!Number.isFinite(y)) {
      if (x !== y) { worst = i; worstErr = Infinity; break; }
      continue;
    }
    const err = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(err <= 0) && (worst < 0 || err > worstErr)) { worst = i; worstErr = err; }
  }
  if (worst >= 0)
    expect.fail(`${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (atol ${atol}, rtol ${rtol})`);
}

/** Deterministic pseudo-random floats in [-1, 1) from the project's generator (seeded per call). */
export function uniformArray(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  new Generator(seed).fillUniform(out, -1, 1);
  return out;
}
