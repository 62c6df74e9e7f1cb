/**
 * The floors of DESIGN.md, enforced: a file imports only from its own floor or below, and the
 * core (floors 1–6) uses no Node-only or browser-only API, so it runs unchanged everywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

const FLOORS: Record<string, number> = {
  tensor: 1,
  kernels: 2,
  autograd: 3,
  ops: 3,
  nn: 4,
  optim: 4,
  io: 4,
  diagnostics: 5,
  lab: 6,
  cli: 7,
  report: 7,
  web: 7,
  node: 7,
  browser: 7,
};
const CORNERS = new Set(['node', 'browser']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The floor folder of a path under src/, or null for top-level entry files. */
function area(file: string): string | null {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) return null;
  // a node/ or browser/ corner inside a floor folder counts as the corner
  if (rel.some((seg) => CORNERS.has(seg))) return rel.find((seg) => CORNERS.has(seg))!;
  return rel[0]!;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = walk(SRC);

/**
 * Floor 6 (the lab) may import exactly two packages, for its experiment specs: zod and yaml.
 * Matched on the shape of an import/export statement, so prose in the lab's texts ("… from 'a'")
 * is not taken for one.
 */
const LAB_PACKAGE_IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)\s*from\s+['"](?!(?:zod|yaml)['"])[^.'"][^'"]*['"]|^\s*import\s+['"](?!(?:zod|yaml)['"])[^.'"][^'"]*['"]/m;

describe('architecture', () => {
  it('every folder under src/ has a floor', () => {
    for (const f of files) {
      const a = area(f);
      if (a !== null) expect(FLOORS[a], `${relative(SRC, f)} lives in an unknown folder '${a}'`).toBeDefined();
    }
  });

  it('imports only go down (or sideways within a floor)', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = area(f);
      const code = stripComments(readFileSync(f, 'utf8'));
      for (const m of code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.[^'"]+)['"]/gm)) {
        const target = area(resolve(dirname(f), m[1]!));
        if (target === null) {
          if (from !== null) bad.push(`${relative(SRC, f)} imports the package entry ${m[1]}`);
          continue;
        }
        if (from === null) continue;
        if (CORNERS.has(target) && !CORNERS.has(from) && FLOORS[from]! < 7)
          bad.push(`${relative(SRC, f)} (core) imports the ${target}/ corner: ${m[1]}`);
        else if (FLOORS[target]! > FLOORS[from]!)
          bad.push(`${relative(SRC, f)} (floor ${FLOORS[from]}) imports ${m[1]} (floor ${FLOORS[target]})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the core uses no Node-only or DOM API and has no runtime dependency', () => {
    const bad: string[] = [];
    for (const f of files) {
      const a = area(f);
      if (a !== null && FLOORS[a]! >= 7) continue;
      const code = stripComments(readFileSync(f, 'utf8'));
      const checks: [RegExp, string][] = [
        [/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"](node:|fs|path|os|worker_threads|child_process)['"/]/m, 'imports a Node module'],
        [a === 'lab' ? LAB_PACKAGE_IMPORT : /^\s*(?:import|export)\b[^;]*?\bfrom\s+['"][^.'"][^'"]*['"]/m, 'imports a package (the core has no runtime dependencies)'],
        [/\bimport\(\s*['"][^.'"]/, 'imports a package dynamically'],
        [/\bprocess\./, 'uses process'],
        [/\bBuffer\./, 'uses Buffer'],
        [/\brequire\(/, 'uses require'],
        [/\b(document|window)\./, 'uses the DOM'],
      ];
      for (const [re, what] of checks) if (re.test(code)) bad.push(`${relative(SRC, f)} ${what}`);
    }
    expect(bad).toEqual([]);
  });
});
