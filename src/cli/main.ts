#!/usr/bin/env node
/**
 * The `gradlab` command (package.json "bin"). See docs/cli.md, or `gradlab --help`.
 */
import './engine.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
// Let stdout drain (a pipe may still hold the JSON), then leave with the code; worker threads never keep us alive.
process.exitCode = code;
