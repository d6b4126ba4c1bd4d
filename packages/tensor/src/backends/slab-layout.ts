// The layout of a two-input elementwise op as rows × cols slabs, shared by the TypeScript and wasm
// kernels: size-1 dimensions dropped and neighbours that both inputs walk as one merged.
import type { NDArray } from '../ndarray.js';

/** A dimension of an elementwise op after merging: its size and each input's stride. */
export interface Dim {
  size: number;
  sa: number;
  sb: number;
}

/** Drops size-1 dimensions and merges neighbours that both inputs traverse as one. */
function collapse(shape: readonly number[], sa: readonly number[], sb: readonly number[]): Dim[] {
  const dims: Dim[] = [];
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims[dims.length - 1];
    if (last !== undefined && last.sa === sa[d]! * size && last.sb === sb[d]! * size) {
      last.size *= size;
      last.sa = sa[d]!;
      last.sb = sb[d]!;
    } else {
      dims.push({ size, sa: sa[d]!, sb: sb[d]! });
    }
  }
  return dims;
}

/**
 * The layout of a two-input elementwise op on `a` and `b` (same shape, stride 0 where broadcast)
 * as rows × cols slabs, or undefined when the inner dimension is neither contiguous nor broadcast in
 * both inputs (e.g. a transposed operand).
 */
export function slabLayout(a: NDArray, b: NDArray): Dim[] | undefined {
  const dims = collapse(a.shape, a.strides, b.strides);
  if (dims.length === 0) return [{ size: 1, sa: 0, sb: 0 }]; // one element
  const inner = dims[dims.length - 1]!;
  if ((inner.sa !== 0 && inner.sa !== 1) || (inner.sb !== 0 && inner.sb !== 1)) return undefined;
  return dims;
}
