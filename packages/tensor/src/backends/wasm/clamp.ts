import { type DType, isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { beginCall, finish, isResident, stageContiguous, target } from './stage.js';

/**
 * Below this many elements the TypeScript kernel wins
 * (Node 20, through this glue: break-even between 128 and 256 elements).
 */
export const CLAMP_MIN_SIZE = 256;

/**
 * min(max(x, lo), hi) elementwise in wasm (see Backend.clamp), or undefined when not handled
 * (non-float or converting dtypes, small or non-contiguous inputs). Bit-identical to the TypeScript
 * kernel: NaN stays NaN, clamp(−0, 0, 1) is +0, and for float32 the bounds are rounded to float32
 * first, which gives the same bits as clamping in float64 and rounding the result (assembly/select.ts).
 */
export function wasmClamp(
  ctx: WasmContext,
  x: NDArray,
  lo: number,
  hi: number,
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  if (!isFloat(outDtype) || x.dtype !== outDtype || x.size < CLAMP_MIN_SIZE || !x.isContiguous) return undefined;
  const f64 = outDtype === 'float64';
  const heap = beginCall(ctx.heap, [x, out]);
  const X = stageContiguous(heap, x);
  const O = target(heap, out, x.size * (f64 ? 8 : 4), [x], isResident(heap, x) ? undefined : X);
  (f64 ? heap.exports.clamp_f64 : heap.exports.clamp_f32)(x.size, X, O, lo, hi);
  return finish(heap, f64, O, x.size, x.shape, out);
}
