#!/usr/bin/env node
/**
 * Builds the WebAssembly SIMD kernels (src/kernels/wasm/*.wat) with wabt (pure JS, from npm) and
 * writes them inlined as base64 into src/kernels/wasm/module.generated.ts, so Node and browser
 * bundles load the module with no extra file. Four variants: `shared` imports a shared memory (for
 * the worker pool), `plain` a non-shared one (where SharedArrayBuffer is unavailable); each with
 * and without fused multiply-add.
 *
 * The kernels write `(f32x4.madd a b c)` for a·b + c. It is not a WebAssembly instruction: this
 * build expands it to `f32x4.relaxed_madd` (relaxed SIMD: one FMA instruction where the CPU has
 * one) in the `*_FMA` variants and to `(f32x4.add (f32x4.mul a b) c)` in the others, which run
 * where relaxed SIMD is missing (Node 20 without its flag, older browsers).
 *
 * Constants: V8's optimizing compiler rebuilds a `v128.const` at every use from 64-bit immediates
 * (four instructions, inside the loop), while a 16-byte load from a fixed address is one and folds
 * into the arithmetic; in the tanh kernel, with 21 constants, that is a quarter of its time. So the
 * build moves every v128.const except all-zero and all-ones (one instruction either way) into a
 * table at CONST_TABLE_OFFSET, filled by a data segment, and reads it with v128.load. The kernels
 * keep writing plain v128.const.
 *
 *   node scripts/build-wasm.mjs            write the generated file
 *   node scripts/build-wasm.mjs --check    exit 1 if the committed file differs from a fresh build
 */
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'src/kernels/wasm');
const OUT = join(DIR, 'module.generated.ts');
/** Maximum memory in 64 KiB pages (2 GiB); a shared memory reserves this much address space. */
const MAX_PAGES = 32768;
/** Where the constant table lies in linear memory, and its most bytes (instance.ts keeps the space free). */
export const CONST_TABLE_OFFSET = 61440;
export const CONST_TABLE_BYTES = 4096;

/** The 16 little-endian bytes of a v128.const's lanes (`f32x4 a b c d`, `i32x4 …`, `f64x2 …`, `i64x2 …`). */
function constBytes(shape, lanes) {
  const kinds = { f32x4: [4, 'setFloat32'], i32x4: [4, 'setUint32'], f64x2: [2, 'setFloat64'], i64x2: [2, 'setBigUint64'] };
  const kind = kinds[shape];
  if (kind === undefined || lanes.length !== kind[0]) throw new Error(`v128.const ${shape}: unsupported shape or lane count`);
  const view = new DataView(new ArrayBuffer(16));
  const width = 16 / kind[0];
  lanes.forEach((v, i) => {
    if (shape === 'i64x2') view.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(v)), true);
    else if (shape === 'i32x4') view.setUint32(i * 4, Number(BigInt.asUintN(32, BigInt(v))), true);
    else view[kind[1]](i * width, parseWatFloat(v), true);
  });
  return new Uint8Array(view.buffer);
}

/** A WAT float literal: decimal, or hexadecimal with a binary exponent (0x1.8p+23). */
function parseWatFloat(text) {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(text);
  if (m === null) return Number(text);
  const [, sign, int, frac = '', exp = '0'] = m;
  const mant = parseInt((int || '0') + frac, 16);
  const v = mant * 2 ** (Number(exp) - 4 * frac.length);
  return sign === '-' ? -v : v;
}

/**
 * Move every v128.const that is not all-zero or all-ones into the constant table: returns the
 * rewritten text and the table's bytes (one 16-byte entry per distinct constant).
 */
export function tableConstants(text) {
  const entries = new Map();
  const out = text.replace(/\(v128\.const\s+(\w+)((?:\s+[^\s()]+)+)\s*\)/g, (whole, shape, rest) => {
    const bytes = constBytes(shape, rest.trim().split(/\s+/));
    if (bytes.every((b) => b === 0) || bytes.every((b) => b === 255)) return whole;
    const key = Array.from(bytes).join(',');
    if (!entries.has(key)) entries.set(key, { index: entries.size, bytes });
    return `(v128.load (i32.const ${CONST_TABLE_OFFSET + 16 * entries.get(key).index}))`;
  });
  if (entries.size * 16 > CONST_TABLE_BYTES) throw new Error(`${entries.size} v128 constants exceed the ${CONST_TABLE_BYTES}-byte table`);
  const table = new Uint8Array(entries.size * 16);
  for (const { index, bytes } of entries.values()) table.set(bytes, index * 16);
  return { text: out, table };
}

/** Expand every `(f32x4.madd a b c)` into relaxed_madd (fma) or add(mul(a, b), c). */
export function expandMadd(text, fma) {
  const HEAD = '(f32x4.madd';
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf(HEAD, i);
    if (at < 0) return out + text.slice(i);
    out += text.slice(i, at);
    // the three operands: balanced parenthesised expressions (or bare tokens) after the head
    let p = at + HEAD.length;
    const args = [];
    while (args.length < 3) {
      while (/\s/.test(text[p])) p++;
      const start = p;
      if (text[p] === '(') {
        let depth = 0;
        do {
          if (text[p] === '(') depth++;
          else if (text[p] === ')') depth--;
          p++;
        } while (depth > 0 && p < text.length);
      } else {
        while (p < text.length && !/[\s()]/.test(text[p])) p++;
      }
      if (p === start || p > text.length) throw new Error(`f32x4.madd at ${at}: expected three operands`);
      args.push(expandMadd(text.slice(start, p), fma));
    }
    while (/\s/.test(text[p])) p++;
    if (text[p] !== ')') throw new Error(`f32x4.madd at ${at}: expected ')' after three operands`);
    out += fma
      ? `(f32x4.relaxed_madd ${args[0]} ${args[1]} ${args[2]})`
      : `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    i = p + 1;
  }
}

export async function buildWasm() {
  const wabt = await wabtInit();
  const files = readdirSync(DIR).filter((f) => f.endsWith('.wat')).sort();
  const bodies = files.map((f) => `;; ---- ${f}\n` + readFileSync(join(DIR, f), 'utf8')).join('\n');
  const variants = {};
  for (const [name, mem, fma] of [
    ['shared', `(memory 1 ${MAX_PAGES} shared)`, false],
    ['plain', `(memory 1 ${MAX_PAGES})`, false],
    ['sharedFma', `(memory 1 ${MAX_PAGES} shared)`, true],
    ['plainFma', `(memory 1 ${MAX_PAGES})`, true],
  ]) {
    const { text: body, table } = tableConstants(expandMadd(bodies, fma));
    const data = Array.from(table, (b) => '\\' + b.toString(16).padStart(2, '0')).join('');
    const text = `(module\n  (import "env" "memory" ${mem})\n${body}\n  (data (i32.const ${CONST_TABLE_OFFSET}) "${data}")\n)\n`;
    const features = { simd: true, threads: true, bulk_memory: true, relaxed_simd: fma };
    const mod = wabt.parseWat(`gradlab-${name}.wat`, text, features);
    mod.resolveNames();
    mod.validate(features);
    const { buffer } = mod.toBinary({ write_debug_names: false });
    mod.destroy();
    variants[name] = Buffer.from(buffer).toString('base64');
  }
  return (
    `// Generated by scripts/build-wasm.mjs from ${files.join(', ')}: do not edit (npm run build:wasm).\n` +
    `/** The kernels module importing a shared memory (used with the worker pool), base64. */\n` +
    `export const WASM_SHARED = '${variants.shared}';\n` +
    `/** The same kernels importing a plain (non-shared) memory, base64. */\n` +
    `export const WASM_PLAIN = '${variants.plain}';\n` +
    `/** As WASM_SHARED, with f32x4.relaxed_madd (fused multiply-add) in the GEMM micro-kernel, base64. */\n` +
    `export const WASM_SHARED_FMA = '${variants.sharedFma}';\n` +
    `/** As WASM_PLAIN, with f32x4.relaxed_madd, base64. */\n` +
    `export const WASM_PLAIN_FMA = '${variants.plainFma}';\n` +
    `/** Maximum memory size in 64 KiB pages declared by both modules. */\n` +
    `export const WASM_MAX_PAGES = ${MAX_PAGES};\n` +
    `/** Where the modules' data segment puts their v128 constants, and the most bytes it may take. */\n` +
    `export const WASM_CONST_TABLE_OFFSET = ${CONST_TABLE_OFFSET};\n` +
    `export const WASM_CONST_TABLE_BYTES = ${CONST_TABLE_BYTES};\n`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await buildWasm();
  if (process.argv.includes('--check')) {
    const old = readFileSync(OUT, 'utf8');
    if (old !== text) {
      console.error('module.generated.ts is stale: run npm run build:wasm');
      process.exit(1);
    }
    console.log('module.generated.ts is up to date');
  } else {
    const tmp = OUT + '.tmp';
    writeFileSync(tmp, text);
    renameSync(tmp, OUT);
    console.log(`wrote ${OUT} (${text.length} bytes)`);
  }
}
