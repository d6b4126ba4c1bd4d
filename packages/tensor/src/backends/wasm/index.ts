/**
 * The WebAssembly SIMD128 backend: matmul (batched, any strides, split across threads when large),
 * elementwise + − × ÷ max min with broadcasting, every unary op (the transcendental ones as fdlibm
 * ports, probed against Math.* on first use: see unary-math.ts), comparisons, dtype conversions,
 * sum/max/min/prod reductions, argmax/argmin, where (with broadcasting), clamp, im2col / col2im, max
 * pooling's gradient, copies of strided views into new arrays and the fused training kernels, in
 * float32 and float64. Everything else (copies into views, gathers), and every case these kernels do
 * not cover (other dtypes, small arrays, unusual layouts), goes to the fallback backend.
 *
 * @example
 * ```ts
 * import { jsBackend, setBackend } from '@chainrule/tensor';
 * import { createWasmBackend, wasmSupported } from './backends/wasm/index.js';
 * if (wasmSupported()) setBackend(createWasmBackend(jsBackend));
 * ```
 */
import type { Backend } from '../../backend.js';
import { type DType, isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import { attachResidentMemory } from '../../resident.js';
import { composeBackend } from '../compose.js';
import { WasmContext, type WasmBackendOptions } from './context.js';
import { wasmActivationGrad } from './activation-grad.js';
import { wasmAddScaledInPlace, wasmBinary, wasmUnary } from './elementwise.js';
import { wasmAdamUpdate } from './adam.js';
import { wasmCompare } from './compare.js';
import { wasmConvert } from './convert.js';
import { wasmMatmul } from './matmul.js';
import { wasmReduce } from './reduce.js';
import { wasmArgReduce } from './arg-reduce.js';
import { wasmClamp } from './clamp.js';
import { wasmWhere } from './where.js';
import { wasmCol2im, wasmIm2col } from './conv.js';
import { wasmMaxPool, wasmMaxPoolGrad } from './max-pool.js';
import { wasmStridedCopy } from './strided-copy.js';
import { wasmLstmCell, wasmLstmCellBackward } from './lstm-cell.js';
import { LSTM_CELL_PLANES } from '../../ops/recurrent.js';
import { wasmResidentMemory } from './resident.js';
import { WasmMemoryFull, kernelBytes } from './runtime.js';
import { type BlockFallback, type BlockRun, inBlocks, intoBlock } from './chunks.js';
import { checkOut } from '../out.js';
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
  const limit = ctx.chunkElements;
  // Each kernel tries wasm and hands the cases it declines to the fallback; every kernel not listed
  // here (copies into views, gathers, ...) is the fallback's own, through composeBackend.
  // Elementwise calls over more than `limit` elements run block by block (chunks.ts); the others
  // drop a memory they grew past `retainBytes` once the event loop turns (WasmContext.settle), and
  // fall back if it cannot grow.
  const blocks = (
    op: string,
    dtype: DType,
    out: NDArray | undefined,
    operands: readonly NDArray[],
    run: BlockRun,
    rest: BlockFallback,
  ): NDArray => settled(ctx, inBlocks(op, dtype, out, operands, limit, run, rest));
  // a block the wasm kernel declined, computed by the fallback into the block (copied there if it ignores `out`)
  const into = (f: (parts: NDArray[], block: NDArray) => NDArray) => intoBlock(fallback, f);
  const backend = composeBackend(
    {
      name: 'wasm',
      unary: (op, x, outDtype, out) => {
        if (x.size > limit && x.isContiguous && isFloat(outDtype) && (out === undefined || out.isContiguous))
          return blocks(
            op,
            outDtype,
            out,
            [x],
            ([p], o) => wasmUnary(ctx, op, p!, outDtype, o) !== undefined,
            ([p], o) => fallback.unary(op, p!, outDtype, o),
          );
        return attempt(ctx, () => wasmUnary(ctx, op, x, outDtype, out)) ?? fallback.unary(op, x, outDtype, out);
      },
      binary: (op, a, b, outDtype, out) => {
        if (a.size > limit && isFloat(outDtype) && (out === undefined || out.isContiguous))
          return blocks(
            op,
            outDtype,
            out,
            [a, b],
            ([p, q], o) => wasmBinary(ctx, op, p!, q!, outDtype, o) !== undefined,
            ([p, q], o) => fallback.binary(op, p!, q!, outDtype, o),
          );
        return attempt(ctx, () => wasmBinary(ctx, op, a, b, outDtype, out)) ?? fallback.binary(op, a, b, outDtype, out);
      },
      compare: (op, a, b, out) => {
        checkOut('compare', out, a.shape, 'bool');
        if (a.size > limit && isFloat(a.dtype))
          return blocks(
            op,
            'bool',
            out,
            [a, b],
            ([p, q], o) => wasmCompare(ctx, op, p!, q!, o) !== undefined,
            into(([p, q], o) => fallback.compare(op, p!, q!, o)),
          );
        return attempt(ctx, () => wasmCompare(ctx, op, a, b, out)) ?? fallback.compare(op, a, b, out);
      },
      where: (cond, a, b, outDtype, out) => {
        checkOut('where', out, a.shape, outDtype);
        if (a.size > limit && isFloat(outDtype))
          return blocks(
            'where',
            outDtype,
            out,
            [cond, a, b],
            ([c, p, q], o) => wasmWhere(ctx, c!, p!, q!, outDtype, o) !== undefined,
            into(([c, p, q], o) => fallback.where(c!, p!, q!, outDtype, o)),
          );
        return (
          attempt(ctx, () => wasmWhere(ctx, cond, a, b, outDtype, out)) ?? fallback.where(cond, a, b, outDtype, out)
        );
      },
      clamp: (x, lo, hi, outDtype, out) => {
        checkOut('clamp', out, x.shape, outDtype);
        if (x.size > limit && x.isContiguous && isFloat(outDtype))
          return blocks(
            'clamp',
            outDtype,
            out,
            [x],
            ([p], o) => wasmClamp(ctx, p!, lo, hi, outDtype, o) !== undefined,
            into(([p], o) => fallback.clamp(p!, lo, hi, outDtype, o)),
          );
        return attempt(ctx, () => wasmClamp(ctx, x, lo, hi, outDtype, out)) ?? fallback.clamp(x, lo, hi, outDtype, out);
      },
      reduce: (op, x, axes, outDtype, out) => {
        return (
          attempt(ctx, () => wasmReduce(ctx, op, x, axes, outDtype, out)) ?? fallback.reduce(op, x, axes, outDtype, out)
        );
      },
      argReduce: (op, x, axis) => {
        return attempt(ctx, () => wasmArgReduce(ctx, op, x, axis)) ?? fallback.argReduce(op, x, axis);
      },
      matmul: (a, b, outDtype, out) => {
        return attempt(ctx, () => wasmMatmul(ctx, a, b, outDtype, out)) ?? fallback.matmul(a, b, outDtype, out);
      },
      copy: (x, dtype, out) => {
        checkOut('copy', out, x.shape, dtype);
        if (x.size > limit && x.isContiguous && x.dtype !== dtype && isFloat(dtype))
          return blocks(
            'copy',
            dtype,
            out,
            [x],
            ([p], o) => wasmConvert(ctx, p!, dtype, o) !== undefined,
            into(([p], o) => fallback.copy(p!, dtype, o)),
          );
        return (
          attempt(ctx, () => wasmConvert(ctx, x, dtype, out)) ??
          attempt(ctx, () => wasmStridedCopy(ctx, x, dtype, out)) ??
          fallback.copy(x, dtype, out)
        );
      },
      addScaledInPlace: (y, x, alpha) => {
        if (y.size > limit && y.isContiguous && x.isContiguous && isFloat(y.dtype)) {
          blocks(
            'addScaledInPlace',
            y.dtype,
            y,
            [y, x],
            ([q, p]) => wasmAddScaledInPlace(ctx, q!, p!, alpha),
            ([q, p]) => fallback.addScaledInPlace(q!, p!, alpha),
          );
          return;
        }
        let done: boolean;
        try {
          done = wasmAddScaledInPlace(ctx, y, x, alpha);
        } catch (e) {
          done = declined(e) ?? false; // y is written only after the kernel ran: untouched here
        }
        if (!done) fallback.addScaledInPlace(y, x, alpha);
        else settled(ctx, y);
      },
      adamUpdate: (...args) => {
        if (!wasmAdamUpdate(ctx, fallback, args)) fallback.adamUpdate(...args);
      },
      activationGrad: (op, g, saved, out) => {
        checkOut('activationGrad', out, g.shape, g.dtype);
        if (g.size > limit && g.isContiguous && saved.isContiguous && isFloat(g.dtype))
          return blocks(
            op,
            g.dtype,
            out,
            [g, saved],
            ([p, q], o) => wasmActivationGrad(ctx, op, p!, q!, o) !== undefined,
            into(([p, q], o) => fallback.activationGrad(op, p!, q!, o)),
          );
        return (
          attempt(ctx, () => wasmActivationGrad(ctx, op, g, saved, out)) ?? fallback.activationGrad(op, g, saved, out)
        );
      },
      im2col: (x, geometry, padValue, out) => {
        return (
          attempt(ctx, () => wasmIm2col(ctx, x, geometry, padValue, out)) ?? fallback.im2col(x, geometry, padValue, out)
        );
      },
      col2im: (cols, geometry, channels, height, width, out) => {
        return (
          attempt(ctx, () => wasmCol2im(ctx, cols, geometry, channels, height, width, out)) ??
          fallback.col2im(cols, geometry, channels, height, width, out)
        );
      },
      maxPoolGrad: (x, out, g, geometry, into) => {
        checkOut('maxPoolGrad', into, x.shape, x.dtype);
        return (
          attempt(ctx, () => wasmMaxPoolGrad(ctx, x, out, g, geometry, into)) ??
          fallback.maxPoolGrad(x, out, g, geometry, into)
        );
      },
      maxPool: (x, geometry, out) => {
        if (x.ndim === 4) checkOut('maxPool', out, [x.shape[0]!, x.shape[1]!, ...geometry.output], x.dtype);
        return attempt(ctx, () => wasmMaxPool(ctx, x, geometry, out)) ?? fallback.maxPool(x, geometry, out);
      },
      fusedLstmCell: (gates, c, into, hGates, bias) => {
        checkOut('fusedLstmCell', into, [LSTM_CELL_PLANES, ...c.shape], c.dtype);
        return (
          attempt(ctx, () => wasmLstmCell(ctx, gates, c, into, hGates, bias)) ??
          fallback.fusedLstmCell(gates, c, into, hGates, bias)
        );
      },
      fusedLstmCellBackward: (grad, cell, c, into, gradNext) => {
        const hidden = c.shape[c.ndim - 1] ?? 0;
        checkOut('fusedLstmCellBackward', into?.gates, [...c.shape.slice(0, -1), 4 * hidden], c.dtype);
        checkOut('fusedLstmCellBackward', into?.c, c.shape, c.dtype);
        return (
          attempt(ctx, () => wasmLstmCellBackward(ctx, grad, cell, c, into, gradNext)) ??
          fallback.fusedLstmCellBackward(grad, cell, c, into, gradNext)
        );
      },
    },
    fallback,
  );
  return attachResidentMemory(backend, wasmResidentMemory(ctx));
}

/**
 * What `run` (a wasm kernel) gives: its result, or undefined where it declined or the wasm memory
 * could not grow to what it needs (see `declined`); afterwards, the drop of a memory the call grew
 * past `retainBytes` is scheduled (WasmContext.settle).
 */
function attempt<T>(ctx: WasmContext, run: () => T | undefined): T | undefined {
  try {
    return run();
  } catch (e) {
    return declined(e);
  } finally {
    ctx.settle();
  }
}

/** A kernel's result, after scheduling the drop of a memory the call grew past `retainBytes` (WasmContext.settle). */
function settled<T>(ctx: WasmContext, result: T): T {
  if (ctx.heap.oversized) ctx.settle();
  return result;
}

/**
 * What a kernel gives when it throws `e`: undefined (the fallback computes the call) when the wasm
 * memory could not grow to what it needs (see `maxBytes`); any other error is thrown on.
 */
function declined(e: unknown): undefined {
  if (!(e instanceof WasmMemoryFull)) throw e;
  return undefined;
}

/** How many threads (the calling one included) a backend made with these options uses. */
export function wasmThreads(options: WasmBackendOptions = {}): number {
  return new WasmContext(options).threads;
}
