/** The machine a bench ran on: CPU model, cores, Node version. */
import { readFileSync } from 'node:fs';
import { CORES } from './gradlab.js';

export function machine(): { cpu: string; cores: number; node: string } {
  let cpu = 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return { cpu, cores: CORES, node: process.version };
}
