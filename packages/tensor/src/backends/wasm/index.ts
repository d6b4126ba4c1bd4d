/**
 * The WebAssembly SIMD128 backend: matmul (batched, any strides, split across threads when large),
 * elementwise + − × ÷ max min with broadcasting, every unary op (the transcendental ones as fdlibm
 * ports, probed against Math.* on first use: see unary-math.ts), comparisons, dtype conversions,
 * sum/max/min/prod reductions, argmax/argmin, where (with broadcasting), clamp and the fused
 * training kernels, in float32 and float64. Everything else (copies into views, gathers), and
 * every case these kernels do not cover (other dtypes, small arrays, unusual layouts), goes to the
 * fallback backend.
 *
 * @example
 * ```ts
 * import { jsBackend, setBackend } from '@chainrule/tensor';
 * import { createWasmBackend, wasmSupported } from './backends/wasm/index.js';
 * if (wasmSupported()) setBackend(createWasmBackend(jsBackend));
 * ```
 */
import type { Backend } from '../../backend.js';
import { composeBackend } from '../compose.js';
import { WasmContext, type WasmBackendOptions } from './context.js';
import { wasmActivationGrad } from './activation-grad.js';
import { wasmAddScaledInPlace, wasmBinary, wasmUnary } from './elementwise.js';
import { wasmCompare } from './compare.js';
import { wasmConvert } from './convert.js';
import { wasmMatmul } from './matmul.js';
import { wasmReduce } from './reduce.js';
import { wasmArgReduce } from './arg-reduce.js';
import { wasmClamp } from './clamp.js';
import { wasmWhere } from './where.js';
import { kernelBytes } from './runtime.js';
import { wasmApi } from './wasm-api.js';

export type { WasmBackendOptions } from './context.js';

let supported: boolean | undefined;

/**
 * Whether this runtime can run the kernels: WebAssembly with SIMD128 (checked by validating the
 * kernels' own binary, which uses it). The module is compiled synchronously, which Node, Deno, Bun,
 * workers and the main threads of current browsers allow (Chrome caps synchronous compilation on a
 * page's main thread at 8 MiB; before Chrome 114 the cap was 4 KiB, and there `createWasmBackend`
 * throws, so the import keeps the TypeScript backend).
 */
export function wasmSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = wasmApi()?.validate(kernelBytes(false)) === true;
    } catch {
      supported = false;
    }
  }
  return supported;
}

/**
 * A backend running the hot kernels in WebAssembly and delegating the rest to `fallback`
 * (normally the TypeScript `jsBackend`). Matmuls above `parallelThreshold` multiply-adds are split
 * across `threads - 1` workers started on first use: worker threads in Node (unref'd: they never
 * keep the process alive), Web Workers in a cross-origin isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`;
 * they join once the page yields to its event loop). Results do not depend on the thread count.
 */
export function createWasmBackend(fallback: Backend, options: WasmBackendOptions = {}): Backend {
  const ctx = new WasmContext(options);
  // Each kernel tries wasm and hands the cases it declines to the fallback; every kernel not listed
  // here (copies into views, gathers, im2col, ...) is the fallback's own, through composeBackend.
  return composeBackend(
    {
      name: 'wasm',
      unary: (op, x, outDtype, out) => wasmUnary(ctx, op, x, outDtype, out) ?? fallback.unary(op, x, outDtype, out),
      binary: (op, a, b, outDtype, out) =>
        wasmBinary(ctx, op, a, b, outDtype, out) ?? fallback.binary(op, a, b, outDtype, out),
      compare: (op, a, b) => wasmCompare(ctx, op, a, b) ?? fallback.compare(op, a, b),
      where: (cond, a, b, outDtype) => wasmWhere(ctx, cond, a, b, outDtype) ?? fallback.where(cond, a, b, outDtype),
      clamp: (x, lo, hi, outDtype) => wasmClamp(ctx, x, lo, hi, outDtype) ?? fallback.clamp(x, lo, hi, outDtype),
      reduce: (op, x, axes, outDtype) =>
        wasmReduce(ctx, op, x, axes, outDtype) ?? fallback.reduce(op, x, axes, outDtype),
      argReduce: (op, x, axis) => wasmArgReduce(ctx, op, x, axis) ?? fallback.argReduce(op, x, axis),
      matmul: (a, b, outDtype) => wasmMatmul(ctx, a, b, outDtype) ?? fallback.matmul(a, b, outDtype),
      copy: (x, dtype) => wasmConvert(ctx, x, dtype) ?? fallback.copy(x, dtype),
      addScaledInPlace: (y, x, alpha) => {
        if (!wasmAddScaledInPlace(ctx, y, x, alpha)) fallback.addScaledInPlace(y, x, alpha);
      },
      activationGrad: (op, g, saved) => wasmActivationGrad(ctx, op, g, saved) ?? fallback.activationGrad(op, g, saved),
    },
    fallback,
  );
}

/** How many threads (the calling one included) a backend made with these options uses. */
export function wasmThreads(options: WasmBackendOptions = {}): number {
  return new WasmContext(options).threads;
}
