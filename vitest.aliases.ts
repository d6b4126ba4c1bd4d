import { fileURLToPath } from 'node:url';

/** Tests import the packages' TypeScript sources, never a stale dist/. */
export const sourceAliases = {
  '@chainrule/tensor': fileURLToPath(new URL('./packages/tensor/src/index.ts', import.meta.url)),
  '@chainrule/autograd': fileURLToPath(new URL('./packages/autograd/src/index.ts', import.meta.url)),
  '@chainrule/teaching': fileURLToPath(new URL('./packages/teaching/src/index.ts', import.meta.url)),
  '@chainrule/viz': fileURLToPath(new URL('./packages/viz/src/index.ts', import.meta.url)),
  '@chainrule/nn': fileURLToPath(new URL('./packages/nn/src/index.ts', import.meta.url)),
  '@chainrule/interpret': fileURLToPath(new URL('./packages/interpret/src/index.ts', import.meta.url)),
  '@chainrule/onnx': fileURLToPath(new URL('./packages/onnx/src/index.ts', import.meta.url)),
  '@chainrule/pytorch': fileURLToPath(new URL('./packages/pytorch/src/index.ts', import.meta.url)),
  '@chainrule/playground': fileURLToPath(new URL('./packages/playground/src/index.ts', import.meta.url)),
  '@chainrule/cli/mnist': fileURLToPath(new URL('./packages/cli/src/mnist.ts', import.meta.url)),
  '@chainrule/cli': fileURLToPath(new URL('./packages/cli/src/index.ts', import.meta.url)),
};

/**
 * The tests check the WebAssembly kernels' bit-for-bit guarantees, so they run without a native
 * BLAS unless CHAINRULE_BLAS says otherwise (every project config imports this file, and the
 * test workers and the processes the tests spawn inherit the setting). The BLAS path has its own
 * tests, which load the library directly: packages/tensor/test/native-blas.test.ts.
 */
process.env.CHAINRULE_BLAS ??= 'off';
