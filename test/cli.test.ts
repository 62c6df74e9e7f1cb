/**
 * The built `gradlab` binary as a user runs it: `tsc -p tsconfig.build.json` once into a scratch
 * dist/, then `node dist/cli/main.js …` as a subprocess for every subcommand and for bad input.
 * Each case checks the exit code of docs/cli.md, the message, and that no stack trace leaks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
// Inside the repository (gitignored .tmp/) so the built files resolve node_modules and package.json as an install does.
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const tmp = mkdtempSync(join(ROOT, '.tmp', 'cli-test-'));
const dist = join(tmp, 'dist');
const work = join(tmp, 'work');
const BIN = join(dist, 'cli', 'main.js');

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function gradlab(args: string[], env: Record<string, string> = {}): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmp, ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (r: Result): void => {
  expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+/);
};

const SMALL = {
  name: 'small',
  seed: 1,
  model: { type: 'mlp', depth: 4, width: 24, activation: 'tanh', init: { normal: 0.05 } },
  data: { name: 'spirals', n: 128 },
  steps: 12,
  batchSize: 32,
  probe: { every: 3 },
};

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  // The package's build (tsconfig.build.json) without its type check (`npm run typecheck` does that), to keep this file fast.
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist, '--declaration', 'false', '--sourceMap', 'false', '--noCheck'], {
    stdio: 'pipe',
  });
  if (!existsSync(BIN)) throw new Error(`the build did not emit ${BIN}`);
  writeFileSync(join(work, 'small.json'), JSON.stringify(SMALL));
  writeFileSync(join(work, 'small.yaml'), 'name: small-yaml\nmodel: { type: mlp, depth: 3, width: 16, activation: relu }\ndata: { name: blobs, n: 64 }\nsteps: 4\nbatchSize: 16\n');
  writeFileSync(join(work, 'bad-field.json'), JSON.stringify({ model: { activation: 'tanhh' } }));
  writeFileSync(join(work, 'boom.json'), JSON.stringify({ ...SMALL, name: 'boom', model: { ...SMALL.model, activation: 'relu', init: 'default' }, optimizer: { type: 'sgd', lr: 1e7 } }));
  writeFileSync(join(work, 'mnist.json'), JSON.stringify({ name: 'm', data: { name: 'mnist' }, steps: 1 }));
  mkdirSync(join(work, 'idx'));
  writeFileSync(join(work, 'idx', 'train-images-idx3-ubyte'), 'not an idx file');
  writeFileSync(join(work, 'idx', 'train-labels-idx1-ubyte'), 'nor this');
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gradlab (built binary)', () => {
  it('starts with a shebang, prints --version and --help with the exit codes', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = gradlab(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe(pkg.version);
    const h = gradlab(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['list', 'run', 'sweep', 'doctor', 'report', 'compare']) expect(h.out).toContain(c);
    expect(h.out).toMatch(/Exit codes:[\s\S]*2 +usage/);
    for (const c of ['list', 'run', 'sweep', 'doctor', 'report', 'compare']) {
      const r = gradlab([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.out, c).toContain(`Usage: gradlab ${c}`);
    }
    expect(gradlab(['run', '--help']).out).toContain('--set <key=value>');
  });

  it('list: a table, --json, colour only when asked (FORCE_COLOR) and never under NO_COLOR', () => {
    const plain = gradlab(['list']);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('init-tanh');
    expect(plain.out).not.toContain('\u001b[');
    expect(gradlab(['list'], { FORCE_COLOR: '1' }).out).toContain('\u001b[');
    expect(gradlab(['list'], { FORCE_COLOR: '1', NO_COLOR: '1' }).out).not.toContain('\u001b[');
    const j = gradlab(['list', '--json', '--lang', 'fr']);
    const parsed = JSON.parse(j.out) as { entries: { id: string; title: string }[] };
    expect(parsed.entries.map((e) => e.id)).toContain('init-tanh');
    expect(parsed.entries.find((e) => e.id === 'init-tanh')!.title).toMatch(/figure du cours/);
  });

  it('serve: a bad port or a missing web build exit 2 with the fix', () => {
    const bad = gradlab(['serve', '--port', '99999']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--port must be an integer from 0 to 65535/);
    // this scratch build has no dist/web/app (npm run build:web makes it)
    const unbuilt = gradlab(['serve', '--port', '0']);
    expect(unbuilt.code).toBe(2);
    expect(unbuilt.err).toMatch(/npm run build:web/);
    noStack(unbuilt);
  });

  it('bad command lines exit 2 with a one-line reason', () => {
    const unknown = gradlab(['runn', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'runn'; did you mean 'run'?");
    const flag = gradlab(['run', 'init-tanh', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("unknown option '--bogus'");
    expect(flag.err).toContain('gradlab run --help');
    const value = gradlab(['run', 'init-tanh', '--lang', 'de']);
    expect(value.code).toBe(2);
    expect(value.err).toMatch(/Allowed choices are en, fr/);
    const set = gradlab(['run', 'small.json', '--set', 'model.depth']);
    expect(set.code).toBe(2);
    expect(set.err).toContain('--set takes key=value');
    const missing = gradlab(['report']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("missing required argument 'records'");
    for (const r of [unknown, flag, value, set, missing]) noStack(r);
  });

  it('bad inputs exit 2 naming the file and the fix: missing file, unknown entry, invalid spec, corrupt IDX, corrupt record', () => {
    const nofile = gradlab(['run', 'nope.json']);
    expect(nofile.code).toBe(2);
    expect(nofile.err).toContain('nope.json: no such file or directory');
    const entry = gradlab(['run', 'init-tanhh']);
    expect(entry.code).toBe(2);
    expect(entry.err).toContain("did you mean 'init-tanh'");
    const spec = gradlab(['run', 'bad-field.json']);
    expect(spec.code).toBe(2);
    expect(spec.err).toMatch(/bad-field\.json.*model\.activation: 'tanhh'.*did you mean 'tanh'/);
    const idx = gradlab(['run', 'mnist.json', '--data-dir', 'idx', '--out', 'runs-idx']);
    expect(idx.code).toBe(2);
    expect(idx.err).toMatch(/idx[\\/]train-(images|labels)-idx\d-ubyte/);
    expect(idx.err).toMatch(/not an IDX file|magic/);
    const nodir = gradlab(['run', 'mnist.json', '--data-dir', 'no-such-dir']);
    expect(nodir.code).toBe(2);
    expect(nodir.err).toContain('--data-dir no-such-dir: no such directory');
    writeFileSync(join(work, 'corrupt.jsonl'), '{"type":"header","format":"gradlab-run-record","version":1,"createdAt":null,"library":{"name":"x","version":"1"},"seed":null,"spec":null,"environment":{}}\n{"type":"step", oops\n{"type":"end","steps":0,"status":"completed"}\n');
    const rec = gradlab(['doctor', 'corrupt.jsonl']);
    expect(rec.code).toBe(2);
    expect(rec.err).toMatch(/corrupt\.jsonl: line 2: not valid JSON/);
    writeFileSync(join(work, 'not-a-record.jsonl'), '{"hello":1}\n');
    const other = gradlab(['report', 'not-a-record.jsonl']);
    expect(other.code).toBe(2);
    expect(other.err).toContain('not a gradlab run record');
    for (const r of [nofile, entry, spec, idx, nodir, rec, other]) noStack(r);
  });

  it('run --json: JSON only on stdout, a record, a report; doctor, report and compare read what it wrote', () => {
    const r = gradlab(['run', 'small.json', '--json', '--out', 'runs']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { runs: { status: string; record: string; steps: number; findings: { id: string }[] }[]; report: string };
    expect(j.runs).toHaveLength(1);
    expect(j.runs[0]!.status).toBe('completed');
    expect(j.runs[0]!.steps).toBe(12);
    expect(existsSync(j.runs[0]!.record)).toBe(true);
    expect(readFileSync(j.report, 'utf8')).toContain('<script type="application/json" id="gradlab-data">');
    // N(0, 0.05²) at width 24: σ√n ≈ 0.24, the signal collapses; --fail-on turns that into exit 1.
    expect(j.runs[0]!.findings.map((f) => f.id)).toContain('activation-collapse');
    const record = j.runs[0]!.record;

    const doc = gradlab(['doctor', record, '--fail-on', 'warning']);
    expect(doc.code).toBe(1);
    expect(doc.out).toMatch(/Activations collapse/);
    const docJson = JSON.parse(gradlab(['doctor', record, '--json']).out) as { records: { derived: boolean; findings: unknown[] }[] };
    expect(docJson.records[0]!.derived).toBe(false);

    // A record from another producer, without findings: the detectors run on its step lines.
    const lines = readFileSync(record, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('{"type":"finding"'));
    writeFileSync(join(work, 'foreign.jsonl'), `${lines.map((l) => l.replace('"name":"gradlab"', '"name":"gradlab_torch"')).join('\n')}\n`);
    const foreign = JSON.parse(gradlab(['doctor', 'foreign.jsonl', '--json', '--lang', 'fr']).out) as { records: { derived: boolean; producer: { name: string }; findings: { id: string; message: string }[] }[] };
    expect(foreign.records[0]!.derived).toBe(true);
    expect(foreign.records[0]!.producer.name).toBe('gradlab_torch');
    expect(foreign.records[0]!.findings.map((f) => f.id)).toContain('activation-collapse');

    const rep = gradlab(['report', record, 'foreign.jsonl', '--html', 'out/two.html']);
    expect(rep.code, rep.err).toBe(0);
    expect(rep.out).toContain('two.html');
    expect(readFileSync(join(work, 'out', 'two.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);

    const cmp = gradlab(['compare', record, 'foreign.jsonl', '--html', 'out/cmp.html']);
    expect(cmp.code, cmp.err).toBe(0);
    expect(cmp.out).toMatch(/std A +std B/);
    expect(existsSync(join(work, 'out', 'cmp.html'))).toBe(true);
    const cmpJson = JSON.parse(gradlab(['compare', record, 'foreign.jsonl', '--json', '--no-report']).out) as { layers: { name: string; stdA: number; stdB: number }[] };
    expect(cmpJson.layers.length).toBeGreaterThan(0);
    // The same steps: every layer's std agrees.
    for (const l of cmpJson.layers) expect(l.stdB).toBe(l.stdA);
    for (const x of [r, doc, rep, cmp]) noStack(x);
  });

  it('sweep runs the grid (YAML spec, --grid), one folder per point and one report', () => {
    const r = gradlab(['sweep', 'small.yaml', '--grid', 'model.depth=2,5', '--out', 'sweeps', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { runs: { label: string; dir: string }[]; report: string; dir: string };
    expect(j.runs.map((x) => x.label)).toEqual(['model.depth=2', 'model.depth=5']);
    expect(existsSync(join(j.dir, 'index.json'))).toBe(true);
    expect(existsSync(j.report)).toBe(true);
    // a single configuration is not a sweep
    const one = gradlab(['sweep', 'small.yaml']);
    expect(one.code).toBe(2);
    expect(one.err).toContain('single configuration');
    // non-TTY: a summary line per run on stderr, no bar
    expect(r.err).toMatch(/✓ \[1\/2\] model\.depth=2 — 4 steps/);
    expect(r.err).not.toContain('ETA');
  });

  it('a run that fails (non-finite loss) exits 3 with the reason', () => {
    const r = gradlab(['run', 'boom.json', '--out', 'runs']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/✗ boom — failed after \d+ steps: the loss became (NaN|Infinity)/);
    noStack(r);
  });

  it('the tour (no arguments): the three inits, the broken net fixed by its remedy, a report', () => {
    const r = gradlab(['--out', 'tour-runs']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1\/3[\s\S]*N\(0, 0\.01²\) → N\(0, 0\.02²\)[\s\S]*Xavier/);
    expect(r.out).toMatch(/2\/3[\s\S]*applyRemedy[\s\S]*✓ '(activation-collapse|vanishing-gradients)' is gone/);
    const report = /(\S+report\.html)/.exec(r.out)?.[1];
    expect(report).toBeDefined();
    expect(existsSync(report!)).toBe(true);
    noStack(r);
  }, 120_000);
});
