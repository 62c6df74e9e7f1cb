/**
 * `gradlab` with no arguments: the tour, well under a minute on 2 cores.
 *
 * 1. The lecture's figure: six tanh layers, inputs N(0, 1), batch 16, under the three inits of
 *    `init-tanh`, each layer's output histogram in the terminal. The tour runs at width 1024
 *    instead of 4096 (drawing 6 × 16.8 M weights three times is most of a minute); the figure
 *    depends on σ_w·√n only, so N(0, σ²) inits are scaled by √(4096/1024) = 2 to keep it.
 * 2. The broken net (the N(0, 0.01²)-equivalent one) diagnosed, its remedy applied to the very
 *    model with `applyRemedy`, the model diagnosed again: the finding is gone.
 * 3. One HTML report of it all, and where it is.
 */
// The engine set up before any kernel compiles (engine.ts), for this command and what it loads.
import '../engine.js';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding } from '../../diagnostics/detectors/types.js';
import { diagnose } from '../../diagnostics/diagnose.js';
import { readRunRecord } from '../../diagnostics/record/reader.js';
import { formatRunRecord } from '../../diagnostics/record/writer.js';
import { applyRemedy } from '../../diagnostics/remedies/index.js';
import { entrySpecs, getEntry } from '../../lab/catalogue/index.js';
import { loadData, type DataSpec } from '../../lab/data/index.js';
import { setPaths, type Spec } from '../../lab/spec/index.js';
import { crossEntropy } from '../../nn/functional.js';
import { nodeEnvironment } from '../../node/run-record-file.js';
import { writeFileAtomic } from '../../node/atomic-write.js';
import { writeReport } from '../../report/node/write-report.js';
import { Generator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Ctx } from '../context.js';
import { EXIT } from '../errors.js';
import { printFindingLines, printFindings } from '../findings.js';
import { fmtSeconds, layerTable } from '../format.js';
import { startTask } from '../progress.js';
import { dataSource, executePlan, reportRun, type Plan } from '../runs.js';

export const TOUR_WIDTH = 1024;

const T = {
  en: {
    title: 'gradlab — a tour: vanishing and exploding gradients, layer by layer, and their remedy',
    part1: "1/3  The lecture's figure: 6 tanh layers, batch 16, inputs N(0, 1), three inits",
    scale: (w: number, base: number, k: number) =>
      `     Width ${w} instead of the lecture's ${base}, so that the tour takes seconds: the figure depends on σ·√width only, so every N(0, σ²) init is scaled by √(${base}/${w}) = ${k} (N(0, ${(0.01 * k).toFixed(2)}²) here is the lecture's N(0, 0.01²)).`,
    part2: '2/3  A broken net, diagnosed and fixed by its remedy',
    broken: (l: string) => `     The ${l} net, as the doctor saw it:`,
    apply: 'Remedy applied to that very model (doctor.applyRemedy), then diagnosed again:',
    noAction: 'No finding with a remedy that can be applied; nothing to fix.',
    gone: (id: string) => `✓ '${id}' is gone.`,
    still: (id: string) => `✗ '${id}' is still there.`,
    part3: '3/3  The report',
    report: 'Report (open it in a browser; it works offline):',
    next: (rec: string) => `Next: npx gradlab list · npx gradlab run init-relu --quick · npx gradlab doctor ${rec} · npx gradlab --help`,
    total: (s: string) => `Tour done in ${s}.`,
    fixed: 'remedied',
  },
  fr: {
    title: 'gradlab — visite : gradients qui s’évanouissent ou explosent, couche par couche, et leur remède',
    part1: '1/3  La figure du cours : 6 couches tanh, lot de 16, entrées N(0, 1), trois initialisations',
    scale: (w: number, base: number, k: number) =>
      `     Largeur ${w} au lieu des ${base} du cours, pour que la visite dure quelques secondes : la figure ne dépend que de σ·√largeur, donc chaque initialisation N(0, σ²) est multipliée par √(${base}/${w}) = ${k} (N(0, ${(0.01 * k).toFixed(2).replace('.', ',')}²) ici est le N(0, 0,01²) du cours).`,
    part2: '2/3  Un réseau malade, diagnostiqué et guéri par son remède',
    broken: (l: string) => `     Le réseau ${l}, tel que le docteur l’a vu :`,
    apply: 'Remède appliqué à ce même modèle (doctor.applyRemedy), puis nouveau diagnostic :',
    noAction: 'Aucun diagnostic n’a de remède applicable ; rien à réparer.',
    gone: (id: string) => `✓ « ${id} » a disparu.`,
    still: (id: string) => `✗ « ${id} » est toujours là.`,
    part3: '3/3  Le rapport',
    report: 'Rapport (à ouvrir dans un navigateur ; il fonctionne hors ligne) :',
    next: (rec: string) => `Ensuite : npx gradlab list · npx gradlab run init-relu --quick · npx gradlab doctor ${rec} · npx gradlab --help`,
    total: (s: string) => `Visite terminée en ${s}.`,
    fixed: 'après remède',
  },
} as const;

/** The init-tanh variants at the tour's width, σ·√n kept. */
export function tourPlan(width = TOUR_WIDTH): { plan: Plan; base: number; k: number } {
  const entry = getEntry('init-tanh');
  const runs = entrySpecs(entry, { quick: true });
  const base = runs[0]!.spec.model.width;
  const k = Math.sqrt(base / width);
  const scaled = runs.map(({ label, spec }) => {
    const init = spec.model.init as unknown;
    const sets: Record<string, unknown> = { 'model.width': width, 'data.features': width, 'probe.jacobian': false };
    let l = label;
    let dir = typeof init === 'string' ? init : 'run';
    if (init !== null && typeof init === 'object' && 'normal' in init) {
      const s = Number(((init as { normal: number }).normal * k).toPrecision(3));
      sets['model.init'] = { normal: s };
      l = `${label} → N(0, ${s}²)`;
      dir = `normal-${s}`;
    }
    return { label: l, spec: setPaths(spec, sets, 'the tour'), dir };
  });
  return { plan: { name: 'tour', entry, runs: scaled }, base, k };
}

async function firstBatch(spec: Spec, ctx: { source: ReturnType<typeof dataSource> }): Promise<[Tensor, Tensor]> {
  const data = await loadData(spec.data as DataSpec, { source: ctx.source, generator: new Generator(spec.seed + 1) });
  const [x, y] = data.train.tensors as [Tensor, Tensor];
  const n = Math.min(spec.batchSize, x.shape[0]!);
  return [x.narrow(0, 0, n), y.narrow(0, 0, n)];
}

export async function tourCommand(ctx: Ctx, o: { out: string; dataDir?: string; report: boolean }): Promise<number> {
  const t0 = performance.now();
  const t = T[ctx.lang];
  const c = ctx.c;
  const source = dataSource(o.dataDir);
  ctx.say(c.bold(t.title));
  ctx.say('');
  ctx.say(c.bold(t.part1));
  const { plan, base, k } = tourPlan();
  ctx.say(c.dim(t.scale(TOUR_WIDTH, base, k)));
  ctx.say('');
  const { dir, outcomes } = await executePlan(ctx, plan, {
    outDir: o.out,
    source,
    checkpointEvery: 0,
    onDone: (oc) => {
      ctx.say(c.bold(`── ${oc.label}`));
      const first = oc.result.records[0];
      if (first) ctx.say(layerTable(first, c, ctx.lang));
      printFindingLines(ctx, oc.result.findings);
      ctx.say('');
    },
  });
  if (outcomes.some((x) => x.result.status === 'failed')) return EXIT.runFailed;

  ctx.say(c.bold(t.part2));
  const broken = outcomes.find((x) => x.result.findings.some((f) => f.remedies.some((r) => r.action !== undefined)));
  const reportRuns = outcomes.map(reportRun);
  if (!broken) ctx.say(`     ${t.noAction}`);
  else {
    const r = broken.result;
    const finding = r.findings.find((f) => f.remedies.some((x) => x.action !== undefined))!;
    const remedy = finding.remedies.find((x) => x.action !== undefined)!;
    ctx.say(t.broken(broken.label));
    printFindings(ctx, [finding], { indent: '     ' });
    ctx.say('');
    ctx.say(`     ${t.apply}`);
    for (const line of (remedy.code ?? JSON.stringify(remedy.action)).split('\n')) ctx.say(`       ${c.cyan(line)}`);
    const task = startTask(ctx, ctx.lang === 'fr' ? 'nouveau diagnostic' : 'diagnosing again');
    applyRemedy(r.model, remedy.action!, { optimizer: r.optimizer as never });
    const batch = await firstBatch(r.spec, { source });
    const d = await diagnose(r.model, {
      data: [batch],
      lossFn: (out, y) => crossEntropy(out as Tensor, y as Tensor),
      optimizer: r.optimizer as never,
      steps: 1,
      lang: ctx.lang,
      probe: { histogramBins: r.spec.probe.histogramBins, histogramRange: r.spec.probe.histogramRange as never, jacobian: { enabled: false } },
    });
    task.end(true, d.findings.length === 0 ? (ctx.lang === 'fr' ? 'aucun diagnostic' : 'no finding') : d.findings.map((f: Finding) => f.id).join(', '));
    const first = d.records[0];
    if (first) ctx.say(layerTable(first, c, ctx.lang));
    const still = d.findings.some((f) => f.id === finding.id);
    ctx.say(`     ${still ? c.red(t.still(finding.id)) : c.green(t.gone(finding.id))}`);
    if (d.findings.length > 0) printFindingLines(ctx, d.findings, '     ');
    // The remedied model's diagnosis is a run record like any other: on disk, and in the report.
    const text = formatRunRecord(
      { steps: d.records, findings: d.findings, status: 'completed' },
      { seed: r.spec.seed, spec: { ...r.spec, remedy: remedy.action }, environment: nodeEnvironment(), createdAt: new Date().toISOString() },
    );
    const file = join(dir, `${String(outcomes.length + 1).padStart(2, '0')}-remedied`, 'run.jsonl');
    mkdirSync(join(file, '..'), { recursive: true });
    await writeFileAtomic(file, text);
    reportRuns.push({ record: readRunRecord(text), label: `${broken.label} + ${t.fixed}`, source: join(file, '..') });
  }
  ctx.say('');

  if (o.report) {
    ctx.say(c.bold(t.part3));
    const path = await writeReport(join(dir, 'report.html'), reportRuns, { lang: ctx.lang, title: ctx.lang === 'fr' ? 'gradlab — la visite' : 'gradlab — the tour' });
    ctx.say(`     ${t.report}`);
    ctx.say(`     ${c.cyan(path)}`);
    ctx.say('');
  }
  ctx.say(c.dim(t.next(relative(process.cwd(), join(outcomes[0]!.result.dir, 'run.jsonl')) || 'runs/tour')));
  ctx.say(t.total(fmtSeconds((performance.now() - t0) / 1000)));
  return EXIT.ok;
}
