/**
 * The `gradlab` command line (commander): subcommands, their flags and help, and one place where
 * every error becomes a one-line reason and an exit code (docs/cli.md).
 */
import { Command, CommanderError, Option } from 'commander';
import type { Severity } from '../diagnostics/detectors/types.js';
import { LIBRARY_VERSION } from '../diagnostics/record/types.js';
import type { RunOptions } from './commands/run.js';
import { makeCtx, type Ctx, type Stream } from './context.js';
import { EXIT, ExitCode, UsageError, describeError } from './errors.js';
import { SEVERITIES } from './findings.js';

export interface Io {
  out: Stream;
  err: Stream;
  env: Record<string, string | undefined>;
}

const COMMANDS = ['list', 'run', 'sweep', 'doctor', 'report', 'compare', 'serve', 'help'];

const EXIT_HELP = `
Exit codes:
  0   ok
  1   findings at or above --fail-on (info | warning | critical)
  2   usage or bad input: unknown command or flag, bad value, missing or corrupt file, invalid spec
  3   a run failed (non-finite loss, an error during training)
  70  internal error (a bug; --debug shows the stack trace)

Environment: NO_COLOR turns colour off, FORCE_COLOR on; progress bars are drawn on a terminal only.
Docs: docs/cli.md`;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function langOption(): Option {
  return new Option('--lang <lang>', 'language of the explanations, tables and report (default: en)').choices(['en', 'fr']);
}

/** Options every command takes (root options count only before the command name: enablePositionalOptions). */
function common(cmd: Command): Command {
  if (cmd.parent) cmd.showHelpAfterError(`(gradlab ${cmd.name()} --help for usage)`);
  return cmd.addOption(langOption()).option('--no-color', 'no colours (also: NO_COLOR=1)').option('--debug', 'show the stack trace of an internal error');
}

function failOnOption(): Option {
  return new Option('--fail-on <level>', 'exit with 1 when a finding is at or above this severity').choices(SEVERITIES as string[]);
}

// Commands load on use: --help, --version and usage errors answer without loading the engine.
const commands = {
  list: () => import('./commands/list.js'),
  run: () => import('./commands/run.js'),
  doctor: () => import('./commands/doctor.js'),
  report: () => import('./commands/report.js'),
  compare: () => import('./commands/compare.js'),
  tour: () => import('./commands/tour.js'),
  serve: () => import('./commands/serve.js'),
};

/** Build the program; `result.code` holds the exit code once parseAsync resolves. */
export function buildProgram(io: Io, flags: { noColor?: boolean } = {}): { program: Command; result: { code: number } } {
  const result = { code: EXIT.ok as number };
  const ctxOf = (cmd: Command): Ctx => {
    const g = cmd.optsWithGlobals() as { json?: boolean; lang?: 'en' | 'fr' };
    return makeCtx({ out: io.out, err: io.err, env: io.env, json: g.json ?? false, lang: g.lang ?? 'en', color: flags.noColor === true ? false : undefined });
  };
  const runOpts = (o: Record<string, unknown>): RunOptions => ({
    set: (o.set as string[]) ?? [],
    grid: (o.grid as string[]) ?? [],
    out: (o.out as string) ?? 'runs',
    json: (o.json as boolean) ?? false,
    quick: (o.quick as boolean) ?? false,
    dataDir: o.dataDir as string | undefined,
    failOn: o.failOn as Severity | undefined,
    report: (o.report as boolean) ?? true,
    html: o.html as string | undefined,
  });

  const program = new Command('gradlab')
    .description(
      'Watch vanishing and exploding gradients happen layer by layer, and each remedy fix them.\n' +
        'Without a command: the tour (under a minute): the lecture\'s figure, a broken net diagnosed and fixed, a report.',
    )
    .version(LIBRARY_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .option('--out <dir>', 'tour: where the runs and the report go', 'runs')
    .option('--data-dir <dir>', 'tour: a folder searched for data files first')
    .option('--no-report', 'tour: do not write the HTML report')
    .allowExcessArguments(true)
    .showHelpAfterError('(gradlab --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .addHelpText('after', EXIT_HELP)
    .exitOverride();
  common(program);

  program.action(async (o: Record<string, unknown>, cmd: Command) => {
    if (cmd.args.length > 0) {
      const word = cmd.args[0]!;
      const near = COMMANDS.map((c) => [c, editDistance(word, c)] as const).sort((a, b) => a[1] - b[1])[0]!;
      throw new UsageError(`unknown command '${word}'${near[1] <= 2 ? `; did you mean '${near[0]}'?` : ''} (the commands: ${COMMANDS.slice(0, -1).join(', ')}; gradlab --help)`, true);
    }
    result.code = await (await commands.tour()).tourCommand(ctxOf(cmd), { out: o.out as string, dataDir: o.dataDir as string | undefined, report: o.report as boolean });
  });

  common(program.command('list'))
    .description('list the catalogue: the lecture\'s experiments and the papers\' reproductions')
    .option('--json', 'machine-readable JSON on stdout')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      result.code = (await commands.list()).listCommand(ctxOf(cmd), { json: (o.json as boolean) ?? false });
    });

  const runLike = (name: 'run' | 'sweep', description: string): Command => {
    const c = common(program.command(`${name} <target>`))
      .description(description)
      .option('-s, --set <key=value>', 'override a spec field (dotted path; value parsed as JSON when it parses); repeatable', collect, [])
      .option('-o, --out <dir>', 'directory for the runs (one folder per run)', 'runs')
      .option('--quick', 'catalogue entries: the reduced sizes (seconds, not minutes)')
      .option('--data-dir <dir>', 'a folder searched first for MNIST / Fashion-MNIST IDX files')
      .addOption(failOnOption())
      .option('--html <file>', 'where to write the report (default <out>/<name>/report.html)')
      .option('--no-report', 'do not write the HTML report')
      .option('--json', 'machine-readable JSON on stdout (progress stays on stderr)');
    if (name === 'sweep') c.option('-g, --grid <key=v1,v2>', 'add a sweep axis over a dotted field; repeatable', collect, []);
    return c.action(async (target: string, o: Record<string, unknown>, cmd: Command) => {
      result.code = await (await commands.run()).runCommand(ctxOf(cmd), target, runOpts(o), name);
    });
  };
  runLike('run', 'run a catalogue entry (all its variants) or a spec file (.json, .yaml; its sweep grid too)').addHelpText(
    'after',
    `
Examples:
  gradlab run init-tanh --quick
  gradlab run my-spec.yaml --set model.depth=20 --set optimizer.lr=0.1
  gradlab run clipping --quick --json > result.json
  gradlab run he-2015 --fail-on warning   # exit 1 when the doctor finds something`,
  );
  runLike('sweep', 'run a grid over spec fields (the spec\'s "sweep", --grid axes) or an entry\'s variants; one report of all').addHelpText(
    'after',
    `
Examples:
  gradlab sweep my-spec.json --grid model.depth=4,8,16 --grid model.init=default,xavierNormal
  gradlab sweep normalization --quick`,
  );

  common(program.command('doctor <target>'))
    .description('diagnose: run a spec or entry and print the findings, or read a run record (any producer) and print its findings (re-running the detectors on its steps when it holds none)')
    .option('-s, --set <key=value>', 'override a spec field; repeatable', collect, [])
    .option('-o, --out <dir>', 'directory for the runs of a spec', 'runs')
    .option('--quick', 'catalogue entries: the reduced sizes')
    .option('--data-dir <dir>', 'a folder searched first for IDX files')
    .addOption(failOnOption())
    .option('--html <file>', 'also write a report')
    .option('--json', 'machine-readable JSON on stdout')
    .addHelpText('after', '\nExamples:\n  gradlab doctor runs/init-tanh/01-N-0-0.01/run.jsonl\n  gradlab doctor my-spec.json --fail-on warning\n  gradlab doctor torch-run.jsonl --json')
    .action(async (target: string, o: Record<string, unknown>, cmd: Command) => {
      result.code = await (await commands.doctor()).doctorCommand(ctxOf(cmd), target, { ...runOpts(o), report: false });
    });

  common(program.command('report <records...>'))
    .description('write one self-contained HTML report (charts inlined, works offline) of run records, run directories or sweep directories')
    .option('--html <file>', 'output file (default: report.html beside the first input)')
    .option('--title <text>', 'report title')
    .option('--json', 'machine-readable JSON on stdout')
    .addHelpText('after', '\nExamples:\n  gradlab report runs/init-tanh\n  gradlab report a/run.jsonl b/run.jsonl --html both.html --lang fr')
    .action(async (records: string[], o: Record<string, unknown>, cmd: Command) => {
      result.code = await (await commands.report()).reportCommand(ctxOf(cmd), records, { html: o.html as string | undefined, title: o.title as string | undefined, json: (o.json as boolean) ?? false });
    });

  common(program.command('compare <a> <b>'))
    .description('two runs side by side: final loss and accuracy, findings, per-layer std and gradient norm; and a comparison report')
    .option('--html <file>', 'report file (default: compare-<b>.html beside <a>)')
    .option('--no-report', 'do not write the report')
    .option('--json', 'machine-readable JSON on stdout')
    .addHelpText('after', '\nExample:\n  gradlab compare runs/init-tanh/01-*/run.jsonl runs/init-tanh/03-Xavier/run.jsonl')
    .action(async (a: string, b: string, o: Record<string, unknown>, cmd: Command) => {
      result.code = await (await commands.compare()).compareCommand(ctxOf(cmd), a, b, { html: o.html as string | undefined, report: (o.report as boolean) ?? true, json: (o.json as boolean) ?? false });
    });

  common(program.command('serve'))
    .description('serve the interactive web lab (offline, cross-origin isolated for threads) on this machine')
    .option('-p, --port <port>', 'TCP port (0: any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--open', 'open the lab in the default browser')
    .option('--json', 'print the address as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  gradlab serve\n  gradlab serve --port 0 --open')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      result.code = await (await commands.serve()).serveCommand(ctxOf(cmd), { port: o.port as string, host: o.host as string, open: (o.open as boolean) ?? false });
    });

  return { program, result };
}

/** Run the command line; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const { program, result } = buildProgram(io, { noColor: argv.includes('--no-color') });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof ExitCode) return e.code;
    if (e instanceof CommanderError) {
      // Help and version end with code 0; every parse error was printed by commander with the hint.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const d = describeError(e);
    io.err.write(`gradlab: ${d.message}\n`);
    if (e instanceof UsageError && e.showHelp) io.err.write('(gradlab --help for usage)\n');
    if (debug && e instanceof Error && e.stack) io.err.write(`${e.stack}\n`);
    return d.code;
  }
}
