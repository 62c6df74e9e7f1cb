/** Sweeps: the grid (cartesian product) over the dotted fields of `spec.sweep`, in key order. */
import { parseSpec, specInput } from './parse.js';
import { setRaw } from './paths.js';
import type { Spec } from './schema.js';

/** A sweep value as it appears in a label: strings bare, everything else as JSON. */
export function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * One spec per grid point (the sweep removed from each), with a label such as
 * "model.init=xavierNormal, model.depth=10". A spec without a sweep gives itself, label ''.
 * The first key varies slowest.
 */
export function expandSweep(spec: Spec): { label: string; spec: Spec }[] {
  const raw = specInput(spec) as Record<string, unknown>;
  const sweep = (raw.sweep ?? null) as Record<string, unknown[]> | null;
  delete raw.sweep;
  if (sweep === null || Object.keys(sweep).length === 0) return [{ label: '', spec: parseSpec(raw) }];
  let points: { label: string[]; input: Record<string, unknown> }[] = [{ label: [], input: raw }];
  for (const [key, values] of Object.entries(sweep))
    points = points.flatMap((p) => values.map((v) => ({ label: [...p.label, `${key}=${showValue(v)}`], input: setRaw(p.input, key, v) })));
  return points.map((p) => ({ label: p.label.join(', '), spec: parseSpec(p.input, `sweep point ${p.label.join(', ')}`) }));
}
