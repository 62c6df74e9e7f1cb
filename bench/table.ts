/** Result rows shared by every bench section, and the table/markdown rendering with ratios. */
export interface Row {
  /** section heading, e.g. 'GEMM' or 'MLP step' */
  section: string;
  /** what was measured, e.g. '512²' or '784→512×6→10, b128' */
  workload: string;
  /** who ran it, e.g. 'gradlab wasm·1' or 'PyTorch·all' */
  impl: string;
  /** the figure (null when the implementation cannot run this workload) */
  value: number | null;
  unit: 'ms' | 'GFLOP/s' | string;
  /** why value is null, or a remark */
  note?: string;
}

const fmt = (v: number | null, unit: string): string =>
  v === null ? '—' : unit === 'ms' ? (v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0)) : v.toFixed(1);

/** Speed-up of `ours` over `peer` (>1: ours is faster), whatever the unit's direction. */
export function ratio(ours: number | null, peer: number | null, unit: string): number | null {
  if (ours === null || peer === null || ours <= 0 || peer <= 0) return null;
  return unit === 'ms' ? peer / ours : ours / peer;
}

interface Grid {
  header: string[];
  lines: string[][];
}

/**
 * One grid per section: a line per workload, a column per implementation, then the speed-up over
 * every peer of `reference`, or of the fastest gradlab configuration for that workload when
 * `reference` is 'best'.
 */
function grid(rows: Row[], section: string, reference: string): Grid {
  const rs = rows.filter((r) => r.section === section);
  const impls = [...new Set(rs.map((r) => r.impl))];
  const workloads = [...new Set(rs.map((r) => r.workload))];
  const peers = impls.filter((i) => i !== reference && !i.startsWith('gradlab'));
  const unit = rs[0]?.unit ?? '';
  const header = ['workload', ...impls.map((i) => `${i} (${unit})`), ...peers.map((p) => `×${p}`)];
  const lines = workloads.map((w) => {
    const get = (i: string): Row | undefined => rs.find((r) => r.workload === w && r.impl === i);
    const gradlab = impls.filter((i) => i.startsWith('gradlab')).map((i) => get(i)?.value ?? null).filter((v): v is number => v !== null);
    const best = gradlab.length ? (unit === 'ms' ? Math.min(...gradlab) : Math.max(...gradlab)) : null;
    const ours = reference === 'best' ? best : get(reference)?.value ?? null;
    return [
      w,
      ...impls.map((i) => fmt(get(i)?.value ?? null, unit)),
      ...peers.map((p) => {
        const q = ratio(ours, get(p)?.value ?? null, unit);
        return q === null ? '—' : `${q.toFixed(2)}×`;
      }),
    ];
  });
  return { header, lines };
}

export function sections(rows: Row[]): string[] {
  return [...new Set(rows.map((r) => r.section))];
}

export function renderText(rows: Row[], reference: string): string {
  const out: string[] = [];
  for (const s of sections(rows)) {
    const g = grid(rows, s, reference);
    const w = g.header.map((h, c) => Math.max(h.length, ...g.lines.map((l) => l[c]!.length)));
    out.push(`\n${s}`);
    out.push(g.header.map((h, c) => h.padStart(w[c]!)).join('  '));
    for (const l of g.lines) out.push(l.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  '));
  }
  return out.join('\n');
}

export function renderMarkdown(rows: Row[], reference: string): string {
  const out: string[] = [];
  for (const s of sections(rows)) {
    const g = grid(rows, s, reference);
    out.push(`### ${s}\n`);
    out.push(`| ${g.header.join(' | ')} |`);
    out.push(`|${g.header.map((_, c) => (c === 0 ? '---' : '---:')).join('|')}|`);
    for (const l of g.lines) out.push(`| ${l.join(' | ')} |`);
    const notes = [...new Set(rows.filter((r) => r.section === s && r.note).map((r) => `${r.impl}: ${r.note}`))];
    if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
    out.push('');
  }
  return out.join('\n');
}
