#!/usr/bin/env node
/**
 * The `gradlab` command (package.json "bin"). See docs/cli.md, or `gradlab --help`.
 */
import { runCli } from './program.js';

// `gradlab list | head`: a reader that stops early is not an error.
for (const s of [process.stdout, process.stderr])
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

const code = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
// Let stdout drain (a pipe may still hold the JSON), then leave with the code; worker threads never keep us alive.
process.exitCode = code;
