import { isFloat } from '../../dtype.js';
import type { CompareOp } from '../../backend.js';
import { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import { MIN_SIZE, runSlabs } from './elementwise.js';
import { beginCall } from './stage.js';
import { slabLayout } from '../slab-layout.js';

/** Comparison codes shared with assembly/compare.ts. */
const COMPARE_CODES: Record<CompareOp, number> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/**
 * bool a op b elementwise in wasm (see Backend.compare), or undefined when not handled: inputs
 * that are not both float32 or both float64, small arrays, or inner dimensions that are neither
 * contiguous nor broadcast (the TypeScript kernel then walks the views). Bit-identical to it.
 */
export function wasmCompare(
  ctx: WasmContext,
  op: CompareOp,
  a: NDArray,
  b: NDArray,
  out?: NDArray,
): NDArray | undefined {
  const dtype = a.dtype;
  if (!isFloat(dtype) || b.dtype !== dtype || a.size < MIN_SIZE) return undefined;
  const dims = slabLayout(a, b);
  if (dims === undefined) return undefined;
  const code = COMPARE_CODES[op];
  const heap = beginCall(ctx.heap, [a, b, out]);
  const size = a.size;
  const o = heap.alloc(size);
  const kernel = dtype === 'float64' ? heap.exports.compare_f64 : heap.exports.compare_f32;
  const ran = runSlabs(heap, a, b, dims, o, 1, (rows, cols, pa, ars, ac, pb, brs, bc, po) =>
    kernel(code, rows, cols, pa, ars, ac, pb, brs, bc, po),
  );
  if (!ran) return undefined;
  if (out === undefined) return new NDArray(heap.viewU8().slice(o, o + size), [...a.shape]);
  out.data.set(heap.viewU8().subarray(o, o + size), out.offset); // a contiguous bool array of a's shape
  return out;
}
