import type { ReduceOp } from '../../backend.js';
import { type DType, isFloat } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { REDUCE_CODES } from './ops.js';
import { stage } from './stage.js';

/** Below this many elements the TypeScript kernel wins. */
const MIN_SIZE = 512;

/**
 * sum / max / min over `axes` in wasm (see Backend.reduce), or undefined when not handled: other
 * ops, non-float or converting dtypes, small or empty inputs, axes that are not one consecutive run,
 * or views that are not row-major. The contiguous data is seen as [outer, r, inner], so both
 * "last axis" reductions (row sums) and "leading axis" ones (a bias gradient) need no transpose.
 * float32 sums are accumulated in float64, like the TypeScript backend, but in a different order
 * (several SIMD lanes), so they may differ from it in the last bit.
 */
export function wasmReduce(ctx: WasmContext, op: ReduceOp, x: NDArray, axes: readonly number[], outDtype: DType): NDArray | undefined {
  const code = REDUCE_CODES[op];
  if (code === undefined || x.dtype !== outDtype || !isFloat(outDtype)) return undefined;
  if (x.size < MIN_SIZE || !x.isContiguous || axes.length === 0) return undefined;
  const a0 = axes[0]!, a1 = axes[axes.length - 1]!;
  if (a1 - a0 + 1 !== axes.length) return undefined;
  const prod = (from: number, to: number): number => x.shape.slice(from, to).reduce((p, d) => p * d, 1);
  const outer = prod(0, a0), r = prod(a0, a1 + 1), inner = prod(a1 + 1, x.ndim);
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = ctx.heap;
  heap.reset();
  try {
    const X = stage(heap, x);
    const o = heap.alloc(outer * inner * bytes);
    const acc = heap.alloc(inner * 8);
    (f64 ? heap.exports.reduce_f64 : heap.exports.reduce_f32)(code, outer, r, inner, X.ptr + X.base * bytes, o, acc);
    const view = f64 ? heap.viewF64() : heap.viewF32();
    const kept = x.shape.filter((_, d) => d < a0 || d > a1);
    return new NDArray(view.slice(o / bytes, o / bytes + outer * inner), kept);
  } finally {
    heap.reset();
  }
}
