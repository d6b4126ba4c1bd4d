// The layout of a three-input elementwise op (where: condition, a, b) as rows × cols slabs, like
// slab-layout.ts for two inputs: size-1 dimensions dropped and neighbours all three walk as one merged.
import type { NDArray } from '../ndarray.js';

/** A dimension of a three-input op after merging: its size and each input's stride (condition, a, b). */
export interface Dim3 {
  size: number;
  sc: number;
  sa: number;
  sb: number;
}

/**
 * The layout of `c`, `a` and `b` (same shape, stride 0 where broadcast) as merged dimensions, or
 * undefined when the inner dimension is neither contiguous nor broadcast in every input (e.g. a
 * transposed operand).
 */
export function slabLayout3(c: NDArray, a: NDArray, b: NDArray): Dim3[] | undefined {
  const dims: Dim3[] = [];
  for (let d = 0; d < a.ndim; d++) {
    const size = a.shape[d]!;
    if (size === 1) continue;
    const sc = c.strides[d]!,
      sa = a.strides[d]!,
      sb = b.strides[d]!;
    const last = dims[dims.length - 1];
    if (last !== undefined && last.sc === sc * size && last.sa === sa * size && last.sb === sb * size) {
      last.size *= size;
      last.sc = sc;
      last.sa = sa;
      last.sb = sb;
    } else {
      dims.push({ size, sc, sa, sb });
    }
  }
  if (dims.length === 0) return [{ size: 1, sc: 0, sa: 0, sb: 0 }]; // one element
  const inner = dims[dims.length - 1]!;
  const unit = (s: number): boolean => s === 0 || s === 1;
  return unit(inner.sc) && unit(inner.sa) && unit(inner.sb) ? dims : undefined;
}
