import type { ArgReduceOp } from '../../backend.js';
import { isFloat } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { reductionRuns } from '../../shape.js';
import type { WasmContext } from './context.js';
import { beginCall, stage } from './stage.js';

/** Op codes of assembly/arg-reduce.ts. */
const ARG_CODES: Record<ArgReduceOp, number> = { argmax: 0, argmin: 1 };

/** Below this many elements the TypeScript kernel wins (Node 20: wasm is already 1.5-10x faster at 128). */
export const ARG_MIN_SIZE = 128;

/**
 * int32 index of the first max (min) along `axis` in wasm (see Backend.argReduce), or undefined
 * when not handled: non-float, small or non-row-major inputs. Bit-identical to the TypeScript
 * kernel: the first NaN's index when the slice holds a NaN, else the first index of the extreme
 * value (−0 and +0 tie, so the first of them wins).
 */
export function wasmArgReduce(ctx: WasmContext, op: ArgReduceOp, x: NDArray, axis: number): NDArray | undefined {
  const dtype = x.dtype;
  if (!isFloat(dtype) || x.size < ARG_MIN_SIZE || !x.isContiguous) return undefined;
  const runs = reductionRuns(x.shape, [axis]);
  if (runs === undefined) return undefined;
  const { outer, r, inner, kept } = runs;
  const f64 = dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [x]);
  const X = stage(heap, x);
  const o = heap.alloc(outer * inner * 4);
  const best = heap.alloc(inner > 1 ? inner * bytes : 0);
  (f64 ? heap.exports.argReduce_f64 : heap.exports.argReduce_f32)(
    ARG_CODES[op],
    outer,
    r,
    inner,
    X.ptr + X.base * bytes,
    o,
    best,
  );
  return new NDArray(new Int32Array(heap.viewU8().buffer, o, outer * inner).slice(), kept);
}
