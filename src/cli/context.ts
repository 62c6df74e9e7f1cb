/**
 * What every command writes through: stdout for results (or JSON only, with --json), stderr for
 * progress and notes; colour decided once from NO_COLOR, FORCE_COLOR, --no-color and whether the
 * stream is a terminal (https://no-color.org, https://force-color.org).
 */
import pc from 'picocolors';
import type { Lang } from '../diagnostics/explain/index.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Ctx {
  out: Stream;
  err: Stream;
  /** Colours for stdout (off under --json). */
  c: Colors;
  /** Colours for stderr. */
  ce: Colors;
  color: boolean;
  json: boolean;
  lang: Lang;
  /** Progress bars are drawn only on a terminal; elsewhere one line per run. */
  tty: boolean;
  env: Record<string, string | undefined>;
  /** Print a line to stdout (suppressed under --json, where stdout carries JSON only). */
  say(line?: string): void;
  /** Print a line to stderr. */
  note(line?: string): void;
}

/** Colour on or off for a stream: --no-color and NO_COLOR win, then FORCE_COLOR, then the terminal. */
export function colorWanted(stream: Stream, env: Record<string, string | undefined>, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function makeCtx(opts: {
  out: Stream;
  err: Stream;
  env: Record<string, string | undefined>;
  json?: boolean;
  lang?: Lang;
  color?: boolean;
}): Ctx {
  const json = opts.json ?? false;
  const color = !json && colorWanted(opts.out, opts.env, opts.color);
  const colorErr = colorWanted(opts.err, opts.env, opts.color);
  return {
    out: opts.out,
    err: opts.err,
    c: pc.createColors(color),
    ce: pc.createColors(colorErr),
    color,
    json,
    lang: opts.lang ?? 'en',
    tty: opts.err.isTTY === true,
    env: opts.env,
    say(line = '') {
      if (!json) opts.out.write(`${line}\n`);
    },
    note(line = '') {
      opts.err.write(`${line}\n`);
    },
  };
}
