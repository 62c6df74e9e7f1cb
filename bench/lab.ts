/**
 * `npx tsx bench/lab.ts [--quick] [--only=id,id] [--json=file] [--no-runs]`: the wall time of
 * every catalogue entry at full size (or at its quick sizes): the entry's measure (the table beside
 * the paper) and each of its variants run through the lab's runner, then the verdict. Prints a
 * Markdown section per entry (the paper's numbers beside ours) and a summary table of wall times;
 * `--json` also writes every number for bench/RESULTS.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import '../src/index.js';
import { nodeDataSource } from '../src/lab/node/data-source.js';
import { CATALOGUE, runEntry, type PaperTable } from '../src/lab/catalogue/index.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const noRuns = process.argv.includes('--no-runs');
const only = arg('only')?.split(',');
const jsonOut = arg('json');
const source = nodeDataSource();
const log = (s: string): void => void process.stderr.write(`${s}\n`);

const cell = (v: number | null): string => (v === null ? '—' : !Number.isFinite(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(3) : v.toExponential(2));
function table(t: PaperTable): string {
  const head = `| | ${t.columns.join(' | ')} |\n|---|${t.columns.map(() => '---').join('|')}|`;
  const rows = t.rows.flatMap((r) => [
    ...(r.paper.some((v) => v !== null) ? [`| ${r.label} — paper | ${r.paper.map(cell).join(' | ')} |`] : []),
    `| ${r.label} — ours | ${r.ours.map(cell).join(' | ')} |`,
  ]);
  return [`**${t.title}**`, '', head, ...rows, '', t.note ? `_${t.note.en}_` : ''].join('\n');
}

interface Timing { id: string; measureSeconds: number | null; runSeconds: number | null; runs: number; verdict: boolean | null; verdictText: string | null; table: PaperTable | null }
const results: Timing[] = [];
const out: string[] = [`## Catalogue entries (${quick ? 'quick sizes' : 'full sizes'})`, ''];
const load0 = loadavg()[0]!;

for (const e of CATALOGUE) {
  if (only && !only.includes(e.id)) continue;
  log(`── ${e.id}`);
  let tableOut: PaperTable | null = null;
  let measureSeconds: number | null = null;
  if (e.measure) {
    const t0 = performance.now();
    tableOut = await e.measure({ source, quick, onProgress: (d, n) => log(`   measure ${d}/${n}`) });
    measureSeconds = (performance.now() - t0) / 1000;
  }
  let runSeconds: number | null = null;
  let verdict: boolean | null = null;
  let verdictText: string | null = null;
  let runs = 0;
  if (!noRuns) {
    const t0 = performance.now();
    const rs = await runEntry(e, { quick, ctx: { source }, onRun: (i, n, label) => log(`   run ${i + 1}/${n}: ${label}`) });
    runSeconds = (performance.now() - t0) / 1000;
    runs = rs.length;
    if (e.verdict) {
      const v = e.verdict(rs);
      verdict = v.ok;
      verdictText = v.text.en;
    }
  }
  results.push({ id: e.id, measureSeconds, runSeconds, runs, verdict, verdictText, table: tableOut });
  out.push(`### ${e.id}`, '');
  if (tableOut) out.push(table(tableOut), '');
  if (verdictText !== null) out.push(`Verdict: ${verdict ? '✓' : '✗'} ${verdictText}`, '');
  log(`   measure ${measureSeconds?.toFixed(1) ?? '—'} s, runs ${runSeconds?.toFixed(1) ?? '—'} s${verdictText ? `, verdict ${verdict ? 'ok' : 'NOT ok'}: ${verdictText}` : ''}`);
}

out.push('### Wall time per entry', '', '| entry | measure (s) | variants (s) | runs | verdict |', '|---|---|---|---|---|');
for (const r of results)
  out.push(`| ${r.id} | ${r.measureSeconds?.toFixed(1) ?? '—'} | ${r.runSeconds?.toFixed(1) ?? '—'} | ${r.runs} | ${r.verdict === null ? '—' : r.verdict ? '✓' : '✗'} |`);
out.push('', `Load average before/after: ${load0.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}.`);
process.stdout.write(`${out.join('\n')}\n`);
if (jsonOut) {
  writeFileSync(`${jsonOut}.tmp`, JSON.stringify({ quick, results }, null, 1));
  renameSync(`${jsonOut}.tmp`, jsonOut);
}
