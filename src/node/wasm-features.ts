/**
 * Node corner of the wasm kernels' feature detection. Node 20's V8 (11.3) implements relaxed SIMD
 * but keeps it behind `--experimental-wasm-relaxed-simd`; Node ≥ 22 and Chromium ≥ 114 ship it.
 * The fused multiply-add GEMM it allows is about 1.3× faster here, so on a Node that has the flag
 * but not the feature, importing this module (the package entry does, first of all) turns the flag
 * on before the kernels are compiled (V8
 * reads WebAssembly feature flags when it validates or compiles a module, so this is safe at any
 * time before that). `GRADLAB_WASM_FMA=0` in the environment keeps V8's flags untouched and the
 * kernels unfused (results then match across machines with and without FMA).
 */
import { relaxedSimdSupported } from '../kernels/wasm/instance.js';
import { builtin } from './builtin.js';

interface NodeV8 {
  setFlagsFromString(flags: string): void;
}
interface NodeProcess {
  env: Record<string, string | undefined>;
}

/**
 * Enable relaxed SIMD on a Node that keeps it behind a flag, unless `GRADLAB_WASM_FMA=0`.
 * Returns whether relaxed SIMD is available afterwards. Outside Node it only reports.
 */
export function enableNodeWasmFeatures(): boolean {
  if (relaxedSimdSupported()) return true;
  const proc = builtin<NodeProcess>('node:process');
  const v8 = builtin<NodeV8>('node:v8');
  if (proc === null || v8 === null || proc.env.GRADLAB_WASM_FMA === '0') return false;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return relaxedSimdSupported();
}

enableNodeWasmFeatures();
