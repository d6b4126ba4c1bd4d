import { getBackend } from '../backend.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';
import { scalarArray } from './operand.js';

/**
 * y ← y + α·x in place (BLAS's axpy), the update step of the optimizers (θ ← θ − η·g is
 * `addScaledInPlace(θ, g, -η)`). Gives bit for bit what `y ← y + (x · α)` gives as two ops, each
 * rounded to y's dtype (α too), but in one pass and without allocating the product. `x` must have
 * y's shape; y may be any view. Other dtypes and layouts go through the two ops.
 * @example
 * ```ts
 * const w = array([1, 2]);
 * addScaledInPlace(w, array([10, 20]), -0.5); // w is [-4, -8]
 * ```
 */
export function addScaledInPlace(y: NDArray, x: NDArray, alpha: number): NDArray {
  if (!shapesEqual(y.shape, x.shape)) {
    throw new ShapeError('addScaledInPlace', `x has shape ${fmtShape(x.shape)}, expected y's shape ${fmtShape(y.shape)}`);
  }
  const dtype = y.dtype;
  if (y.isContiguous && x.isContiguous && x.dtype === dtype && (dtype === 'float32' || dtype === 'float64')) {
    const yd = y.data as Float32Array | Float64Array, xd = x.data as Float32Array | Float64Array;
    const yo = y.offset, xo = x.offset, n = y.size;
    if (dtype === 'float32') {
      // fround after each op: the float32 product, then the float32 sum (both exact in float64 first)
      const a = Math.fround(alpha);
      for (let i = 0; i < n; i++) yd[yo + i] = yd[yo + i]! + Math.fround(xd[xo + i]! * a);
    } else {
      for (let i = 0; i < n; i++) yd[yo + i] = yd[yo + i]! + xd[xo + i]! * alpha;
    }
    return y;
  }
  const backend = getBackend();
  const scaled = backend.binary('mul', x, scalarArray(alpha, dtype).expand(x.shape), dtype);
  if (y.isContiguous) backend.binary('add', y, scaled, dtype, y);
  else backend.assign(y, backend.binary('add', y, scaled, dtype));
  return y;
}
