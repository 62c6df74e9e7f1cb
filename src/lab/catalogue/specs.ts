/**
 * An entry's runs as specs: base → quick overrides (when quick) → the variant's overrides, each a
 * dotted path set on the spec's input (so type-dependent defaults follow). Quick comes
 * first because it only shrinks sizes; what a variant sets is the comparison and always wins.
 */
import { parseSpec, specInput, type Spec } from '../spec/index.js';
import { setRaw } from '../spec/paths.js';
import { runSpec, type RunContext, type RunResult } from '../runner/index.js';
import type { CatalogueEntry } from './types.js';

/** All the dotted sets at once on the spec's input, then one parse (a set may only be valid together with another). */
export function applySets(spec: Spec, sets: Record<string, unknown>, where: string): Spec {
  let raw = specInput(spec);
  for (const [k, v] of Object.entries(sets)) raw = setRaw(raw, k, v);
  return parseSpec(raw, where);
}

/** One spec per variant (named `<id>/<label>`), with the quick overrides when asked. */
export function entrySpecs(entry: CatalogueEntry, opts: { quick?: boolean } = {}): { label: string; spec: Spec }[] {
  const where = `catalogue entry '${entry.id}'`;
  const base = opts.quick === true && entry.quick ? applySets(entry.base, entry.quick, `${where} (quick)`) : entry.base;
  const variants = entry.variants.length > 0 ? entry.variants : [{ label: entry.id, set: {} }];
  return variants.map((v) => ({ label: v.label, spec: parseSpec(applySets(base, v.set, `${where}, variant '${v.label}'`), where) }));
}

/** Run some (default all) of an entry's variants one after the other. */
export async function runEntry(
  entry: CatalogueEntry,
  opts: { quick?: boolean; only?: readonly string[]; ctx?: RunContext; onRun?: (i: number, total: number, label: string) => void } = {},
): Promise<RunResult[]> {
  const specs = entrySpecs(entry, opts).filter((s) => opts.only === undefined || opts.only.includes(s.label));
  const out: RunResult[] = [];
  for (const [i, { label, spec }] of specs.entries()) {
    opts.onRun?.(i, specs.length, label);
    const r = await runSpec(spec, opts.ctx ?? {});
    out.push({ ...r, label });
  }
  return out;
}
