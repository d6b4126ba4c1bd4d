// The chainrule pieces the benchmarks use, from the TypeScript sources (tsx runs them directly),
// so that the kernels measured are the ones in the checkout.
export { NDArray, jsBackend, wasmKernelVariant, type Backend } from '../../packages/tensor/src/index.js';
export { createWasmBackend, wasmSupported } from '../../packages/tensor/src/backends/wasm/index.js';

export { gemm } from '../../packages/tensor/src/backends/js/gemm.js';
export { withNativeBlas } from '../../packages/tensor/src/backends/native/index.js';
