/**
 * Spec parsing: a JSON/YAML text or a plain object → a `Spec` with every default filled, or a
 * `SpecError` listing every bad field. The user's own input is remembered beside the parsed spec
 * (`specInput`), so that overrides and sweeps re-derive the type-dependent defaults: setting
 * `model.type` to 'resnet' gives a ResNet's depth, not the MLP's that had been filled in.
 */
import { parseDocument } from 'yaml';
import { modelAvailable } from '../models/available.js';
import { completeSpec } from './defaults.js';
import { SpecError, type SpecIssue } from './errors.js';
import { toSpecIssues } from './issues.js';
import { specSchema, type Spec, type SpecInput } from './schema.js';
import { getPath, setRaw, splitPath } from './paths.js';

const inputs = new WeakMap<object, unknown>();

/** The input a parsed spec was made from (a deep copy), or the spec itself. */
export function specInput(spec: Spec | SpecInput): unknown {
  return inputs.has(spec as object) ? structuredClone(inputs.get(spec as object)) : structuredClone(spec);
}

/** Validate without throwing: the spec, or the issues. */
export function checkSpec(input: unknown): { spec: Spec; issues: [] } | { spec: null; issues: SpecIssue[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { spec: null, issues: [{ path: '', message: `a spec is an object such as { "model": { "type": "mlp" }, "data": { "name": "gaussian" } }, got ${Array.isArray(input) ? 'a list' : input === null ? 'null' : typeof input}` }] };
  const r = specSchema.safeParse(input, { reportInput: true });
  if (!r.success) return { spec: null, issues: toSpecIssues(specSchema, r.error.issues, input) };
  const { spec, issues } = completeSpec(r.data, modelAvailable);
  const sweepIssues = spec.sweep ? checkSweep(input as Record<string, unknown>, spec.sweep) : [];
  const all = [...issues, ...sweepIssues];
  if (all.length > 0) return { spec: null, issues: all };
  inputs.set(spec, structuredClone(input));
  return { spec, issues: [] };
}

/**
 * Parse and validate a spec (a plain object, e.g. from JSON or YAML). Defaults are filled; any
 * problem throws one `SpecError` listing every bad field. `where` names the origin in messages.
 */
export function parseSpec(input: unknown, where?: string): Spec {
  const r = checkSpec(input);
  if (r.spec === null) throw new SpecError(r.issues, where);
  return r.spec;
}

/** Each sweep key must name a field and each of its values must be valid there. */
function checkSweep(input: Record<string, unknown>, sweep: Record<string, unknown[]>): SpecIssue[] {
  const base = { ...input };
  delete base.sweep;
  const out: SpecIssue[] = [];
  const known = new Set(checkSpec(base).issues.map((i) => `${i.path}\u0000${i.message}`));
  for (const [key, values] of Object.entries(sweep)) {
    const at = `sweep[${JSON.stringify(key)}]`;
    if (splitPath(key)[0] === 'sweep') {
      out.push({ path: at, message: 'a sweep cannot sweep itself' });
      continue;
    }
    const per = values.map((v) =>
      checkSpec(setRaw(base, key, v))
        .issues.filter((i) => !known.has(`${i.path}\u0000${i.message}`))
        .map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)),
    );
    // the same problem for every value (an unknown field) is reported once
    const common = per[0]!.filter((m) => per.every((p) => p.includes(m)));
    for (const m of common) out.push({ path: at, message: m });
    per.forEach((msgs, i) => {
      for (const m of msgs) if (!common.includes(m)) out.push({ path: `${at}[${i}]`, message: m });
    });
  }
  return out;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Parse a spec file's text: JSON for `.json`, YAML for `.yaml`/`.yml`, otherwise JSON when it
 * looks like JSON, else YAML. Syntax errors are SpecErrors with the line and column.
 */
export function parseSpecText(text: string, fileName = 'spec'): Spec {
  const lower = fileName.toLowerCase();
  const json = lower.endsWith('.json') || (!lower.endsWith('.yaml') && !lower.endsWith('.yml') && /^\s*[{[]/.test(text));
  let value: unknown;
  if (json) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      throw new SpecError([{ path: '', message: `not valid JSON${pos ? ` at ${lineCol(text, Number(pos[1]))}` : ''}: ${msg}` }], fileName);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0)
      throw new SpecError(
        doc.errors.map((e) => ({ path: '', message: `not valid YAML${e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` })),
        fileName,
      );
    value = doc.toJS();
  }
  if (value === null || value === undefined) throw new SpecError([{ path: '', message: 'the file is empty; a spec is an object such as { "model": { "type": "mlp" } }' }], fileName);
  return parseSpec(value, fileName);
}

/**
 * A copy of `spec` with the dotted field set to `value` (for `--set key=value`), validated.
 * Works on the user's input, so type-dependent defaults follow the new value.
 */
export function setPath(spec: Spec | SpecInput, dotted: string, value: unknown, where?: string): Spec {
  const raw = specInput(spec);
  return parseSpec(setRaw(raw, dotted, value), where);
}

/**
 * Several overrides at once (`--set a=1 --set b=2`, a catalogue variant), validated once at the
 * end, so that overrides which only make sense together (steps → epochs) can be given together.
 */
export function setPaths(spec: Spec | SpecInput, sets: Record<string, unknown>, where?: string): Spec {
  let raw = specInput(spec);
  for (const [k, v] of Object.entries(sets)) raw = setRaw(raw, k, v);
  return parseSpec(raw, where);
}

/** `key=value` of `--set`: the value as JSON when it parses (numbers, booleans, objects), else the string. */
export function parseSetArg(arg: string): { path: string; value: unknown } {
  const i = arg.indexOf('=');
  if (i <= 0) throw new SpecError([{ path: '', message: `--set takes key=value (e.g. model.depth=10 or model.init='{"normal":0.01}'), got '${arg}'` }]);
  const text = arg.slice(i + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // a bare word: keep the string
  }
  return { path: arg.slice(0, i).trim(), value };
}

export { getPath };
