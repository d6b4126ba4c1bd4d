import type { DType } from '../../dtype.js';
import { isFloat } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import type { WasmContext } from './context.js';
import type { WasmHeap } from './runtime.js';
import { type Staged, beginCall, finish, span, stage, target } from './stage.js';
import { type Dim3, slabLayout3 } from '../slab-layout3.js';

/**
 * Below this many elements the TypeScript kernel wins
 * (Node 20, through this glue: break-even between 128 and 256 elements).
 */
export const WHERE_MIN_SIZE = 256;

/**
 * Copies a bool view's span into wasm memory (strides unchanged),
 * or undefined if the span is much larger than the view.
 */
function stageBytes(heap: WasmHeap, x: NDArray): Staged | undefined {
  const { lo, hi } = span(x);
  const n = hi - lo + 1;
  if (n > 2 * x.size + 1024) return undefined;
  const ptr = heap.alloc(n);
  heap.viewU8().set((x.data as Uint8Array).subarray(lo, hi + 1), ptr);
  return { ptr, base: x.offset - lo, strides: x.strides };
}

/**
 * cond ? a : b elementwise in wasm (see Backend.where), or undefined when not handled: a condition
 * that is not bool, a and b not both of the float output dtype, small arrays, or an inner dimension
 * that is neither contiguous nor broadcast in all three (e.g. a transposed operand). Every value is
 * moved bit for bit (no arithmetic), so the result is bit-identical to the TypeScript kernel.
 */
export function wasmWhere(
  ctx: WasmContext,
  cond: NDArray,
  a: NDArray,
  b: NDArray,
  outDtype: DType,
  out?: NDArray,
): NDArray | undefined {
  if (!isFloat(outDtype) || cond.dtype !== 'bool' || a.dtype !== outDtype || b.dtype !== outDtype) return undefined;
  const size = a.size;
  if (size < WHERE_MIN_SIZE) return undefined;
  const dims = slabLayout3(cond, a, b);
  if (dims === undefined) return undefined;
  const f64 = outDtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const heap = beginCall(ctx.heap, [cond, a, b, out]);
  const C = stageBytes(heap, cond);
  if (C === undefined) return undefined;
  const A = stage(heap, a),
    B = stage(heap, b);
  // Broadcast and dense views are copied by span, strides kept; a compacted operand would not match `dims`.
  if (A.strides !== a.strides || B.strides !== b.strides) return undefined;
  const o = target(heap, out, size * bytes, [a, b]);
  const kernel = f64 ? heap.exports.where_f64 : heap.exports.where_f32;
  forEachSlab(dims, (rows, cols, row, inner, c, ao, bo, slab) => {
    kernel(
      rows,
      cols,
      C.ptr + C.base + c,
      row.sc,
      inner.sc,
      A.ptr + (A.base + ao) * bytes,
      row.sa,
      inner.sa,
      B.ptr + (B.base + bo) * bytes,
      row.sb,
      inner.sb,
      o + slab * rows * cols * bytes,
    );
  });
  return finish(heap, f64, o, size, a.shape, out);
}

type SlabBody = (
  rows: number,
  cols: number,
  row: Dim3,
  inner: Dim3,
  c: number,
  a: number,
  b: number,
  slab: number,
) => void;

/** Calls `body` for each rows × cols slab of `dims` in row-major order, with each operand's element offset. */
function forEachSlab(dims: readonly Dim3[], body: SlabBody): void {
  const inner = dims[dims.length - 1]!;
  const row = dims.length >= 2 ? dims[dims.length - 2]! : { size: 1, sc: 0, sa: 0, sb: 0 };
  const outer = dims.slice(0, Math.max(0, dims.length - 2));
  const count = outer.reduce((p, d) => p * d.size, 1);
  const idx = new Array<number>(outer.length).fill(0);
  let c = 0,
    a = 0,
    b = 0;
  for (let s = 0; s < count; s++) {
    body(row.size, inner.size, row, inner, c, a, b, s);
    for (let d = outer.length - 1; d >= 0; d--) {
      const dim = outer[d]!;
      c += dim.sc;
      a += dim.sa;
      b += dim.sb;
      if (++idx[d]! < dim.size) break;
      c -= dim.sc * dim.size;
      a -= dim.sa * dim.size;
      b -= dim.sb * dim.size;
      idx[d] = 0;
    }
  }
}
