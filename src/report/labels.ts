/**
 * Names for runs shown side by side. A run given a label keeps it; otherwise the label is what
 * sets its spec apart from the others ("model.init={"normal":0.01}"), so a sweep or a
 * comparison reads without the user naming anything; a lone run is called by its spec's name.
 */
import type { ReportRun } from './view.js';

type Flat = Map<string, string>;

function flatten(v: unknown, prefix: string, out: Flat): Flat {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && !isLeafObject(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, typeof v === 'string' ? v : JSON.stringify(v));
  return out;
}

// {"normal":0.01}, {"constant":0}: one-key objects read best as one value ("init={"normal":0.01}").
function isLeafObject(v: object): boolean {
  const ks = Object.keys(v);
  return ks.length === 1 && typeof (v as Record<string, unknown>)[ks[0]!] !== 'object';
}

function specName(spec: unknown): string | null {
  if (spec === null || typeof spec !== 'object') return null;
  const s = spec as Record<string, unknown>;
  const n = s.name ?? s.experiment;
  return typeof n === 'string' && n !== '' ? n : null;
}

const short = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A label per run, unique within the list. */
export function runLabels(runs: readonly ReportRun[]): string[] {
  const flats = runs.map((r) => flatten(r.record.header.spec, '', new Map()));
  const keys = new Set(flats.flatMap((f) => [...f.keys()]));
  const differing = [...keys].filter((k) => k !== 'name' && new Set(flats.map((f) => f.get(k) ?? '∅')).size > 1);
  const labels = runs.map((r, i) => {
    if (r.label !== undefined && r.label !== '') return r.label;
    if (runs.length > 1 && differing.length > 0)
      return short(differing.filter((k) => flats[i]!.has(k)).map((k) => `${k}=${flats[i]!.get(k)}`).join(', ') || specName(r.record.header.spec) || `run ${i + 1}`, 80);
    return specName(r.record.header.spec) ?? (r.source ? short(r.source.split(/[\\/]/).pop()!) : `run ${i + 1}`);
  });
  // Identical labels (the same spec twice, two files of one name): number them.
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const seen = new Map<string, number>();
  return labels.map((l) => {
    if (count.get(l)! === 1) return l;
    const k = (seen.get(l) ?? 0) + 1;
    seen.set(l, k);
    return `${l} (${k})`;
  });
}
