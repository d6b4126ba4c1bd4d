import { RELAXED_PROBE_BASE64 } from './kernels-meta.generated.js';

/** Which build of the wasm kernels this runtime uses. */
export type WasmKernelVariant = 'simd' | 'relaxed-simd';

/** CHAINRULE_WASM=simd in the environment keeps the SIMD128-only build (the same bits on every engine). */
function relaxedSimdWanted(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.CHAINRULE_WASM !== 'simd';
}

function relaxedSimdAccepted(): boolean {
  const wasm = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  if (wasm === undefined || typeof atob !== 'function') return false;
  try {
    return wasm.validate(Uint8Array.from(atob(RELAXED_PROBE_BASE64), (ch) => ch.charCodeAt(0)));
  } catch {
    return false;
  }
}

/**
 * Whether the kernels loaded are the relaxed-SIMD build, chosen because this engine accepts
 * relaxed SIMD: its matmul accumulates with relaxed_madd (fused, one rounding per step, on
 * hardware with FMA) instead of a multiply then an add; the order of the steps is the same.
 * Decided once, when the package loads; runtime.ts then imports that build's module only.
 */
export const KERNELS_FUSED: boolean = relaxedSimdWanted() && relaxedSimdAccepted();

/**
 * Which build of the wasm kernels was chosen when the package loaded: `'relaxed-simd'` where the
 * runtime validates relaxed SIMD (Node 22+, Chrome 114+, or Node 20 started with
 * `--experimental-wasm-relaxed-simd`); its matmuls use fused multiply-add (one rounding per step,
 * same summation order), so their last bits differ from the `'simd'` build's. Only the chosen
 * build is loaded (a dynamic import of its own module).
 *
 * @example
 * ```ts
 * import { wasmKernelVariant } from '@chainrule/tensor';
 * console.log(wasmKernelVariant()); // 'simd' on Node 20 without flags
 * ```
 */
export function wasmKernelVariant(): WasmKernelVariant {
  return KERNELS_FUSED ? 'relaxed-simd' : 'simd';
}
