import { KERNELS_FUSED } from './kernels.generated.js';

/** Which build of the wasm kernels this runtime uses. */
export type WasmKernelVariant = 'simd' | 'relaxed-simd';

/**
 * Which build of the wasm kernels was chosen when the package loaded: `'relaxed-simd'` where the
 * runtime validates relaxed SIMD (Node 22+, Chrome 114+, or Node 20 started with
 * `--experimental-wasm-relaxed-simd`); its matmuls use fused multiply-add (one rounding per step,
 * same summation order), so their last bits differ from the `'simd'` build's.
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
