import type { ReduceOp } from '../../backend.js';
import { type DType, isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import { outerInnerRuns, reductionRuns } from '../../shape.js';
import { checkOut } from '../out.js';
import type { WasmContext } from './context.js';
import { REDUCE_CODES } from './ops.js';
import { beginCall, finish, stage, target } from './stage.js';

/** Below this many elements the TypeScript kernel wins. */
export const MIN_SIZE = 512;

/**
 * sum / max / min / prod over `axes` in wasm (see Backend.reduce), or undefined when not handled:
 * non-float or converting dtypes, small or empty inputs, axes that are not one consecutive run,
 * views that are not row-major, and the product of everything into one value (one latency-bound
 * chain of multiplications, measured no faster than the TypeScript loop). The contiguous data is
 * seen as [outer, r, inner], so both "last axis" reductions (row sums) and "leading axis" ones (a
 * bias gradient) need no transpose.
 * float32 sums are accumulated in float64, like the TypeScript backend, but in a different order
 * (several SIMD lanes), so they may differ from it in the last bit. Products are bit-identical to
 * the TypeScript backend: float64 accumulators, each output's factors in the same order; the
 * speed comes from computing several outputs side by side, never from reordering one. The result
 * is copied into `out` when given (checked: contiguous, of the result's shape and dtype). A sum
 * over a leading and a trailing run of axes (a bias gradient's [0, 2, 3]) is one call too.
 */
export function wasmReduce(
  ctx: WasmContext,
  op: ReduceOp,
  x: NDArray,
  axes: readonly number[],
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  const code = REDUCE_CODES[op];
  if (code === undefined || x.dtype !== outDtype || !isFloat(outDtype)) return undefined;
  if (x.size < MIN_SIZE || !x.isContiguous) return undefined;
  const runs = reductionRuns(x.shape, axes);
  if (runs === undefined) return op === 'sum' ? sumOuterInner(ctx, x, axes, outDtype, out) : undefined;
  const { outer, r, inner, kept } = runs;
  checkOut('reduce', out, kept, outDtype);
  if (op === 'prod' && outer * inner === 1) return undefined;
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, out]);
  const X = stage(heap, x);
  const o = target(heap, out, outer * inner * bytes, [x]);
  const acc = heap.alloc(inner * 8);
  (f64 ? heap.exports.reduce_f64 : heap.exports.reduce_f32)(code, outer, r, inner, X.ptr + X.base * bytes, o, acc);
  return finish(heap, f64, o, outer * inner, kept, out);
}

/**
 * A sum over a leading and a trailing run of axes (a bias gradient's [0, 2, 3]; see outerInnerRuns)
 * in one wasm call: each contiguous row of the trailing run summed in f64 lanes, the rows added in
 * f64, rounded once (another order than the TypeScript walk: the last bit may differ, as for every
 * wasm sum). Undefined for other axes.
 */
function sumOuterInner(
  ctx: WasmContext,
  x: NDArray,
  axes: readonly number[],
  outDtype: DType,
  out: NDArray | undefined,
): NDArray | undefined {
  const runs = outerInnerRuns(x.shape, axes);
  if (runs === undefined) return undefined;
  const { n, k, s, kept } = runs;
  checkOut('reduce', out, kept, outDtype);
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x, out]);
  const X = stage(heap, x);
  const o = target(heap, out, k * bytes, [x]);
  const acc = heap.alloc(k * 8);
  (f64 ? heap.exports.sumOuterInner_f64 : heap.exports.sumOuterInner_f32)(n, k, s, X.ptr + X.base * bytes, o, acc);
  return finish(heap, f64, o, k, kept, out);
}
