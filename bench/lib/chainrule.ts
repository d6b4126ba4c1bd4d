// The chainrule pieces the benchmarks use, from the TypeScript sources (tsx runs them directly),
// so that the kernels measured are the ones in the checkout.
export { NDArray, jsBackend, type Backend } from '../../packages/tensor/src/index.js';
export { createWasmBackend, wasmSupported } from '../../packages/tensor/src/backends/wasm/index.js';
import { KERNELS_FUSED } from '../../packages/tensor/src/backends/wasm/kernels.generated.js';
/** Whether the relaxed-SIMD (fused multiply-add) kernels were chosen in this process. */
export const kernelsFused = (): boolean => KERNELS_FUSED;
export { gemm } from '../../packages/tensor/src/backends/js/gemm.js';
