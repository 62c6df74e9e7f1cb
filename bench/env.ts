/** The machine a bench ran on: CPU model, cores, Node version. */
import { readFileSync } from 'node:fs';
// the package entry first: on Node 20 it enables relaxed SIMD before the kernels are compiled
import '../src/index.js';
import { wasmBackend } from '../src/kernels/index.js';
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

/** Which build of the wasm kernels ran (fused multiply-add needs relaxed SIMD). */
export function wasmKernelsNote(): string {
  const k = wasmBackend()?.kernels;
  if (!k) return 'not available (no WebAssembly SIMD)';
  return k.fma ? 'SIMD with fused multiply-add (relaxed SIMD)' : 'SIMD without fused multiply-add (relaxed SIMD unavailable)';
}
