/** Test helpers for running autograd under each backend: the reference one and, where it runs, wasm. */
import { type Backend, createWasmBackend, getBackend, jsBackend, setBackend, wasmSupported } from '@chainrule/tensor';

/** The reference backend and, where WebAssembly SIMD runs, a one-thread wasm backend, by name. */
export const BACKENDS: readonly (readonly [string, Backend])[] = wasmSupported()
  ? [
      ['js', jsBackend],
      ['wasm', createWasmBackend(jsBackend, { threads: 1 })],
    ]
  : [['js', jsBackend]];

/** Runs `f` with `b` as the current backend, then restores the previous one. */
export function withBackend<R>(b: Backend, f: () => R): R {
  const before = getBackend();
  setBackend(b);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}
