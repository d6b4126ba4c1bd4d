import { getBackend } from '../backend.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';

/**
 * y ← y + α·x in place (BLAS's axpy), the update step of the optimizers (θ ← θ − η·g is
 * `addScaledInPlace(θ, g, -η)`). Gives bit for bit what `y ← y + (x · α)` gives as two ops, each
 * rounded to y's dtype (α too), but in one pass and without allocating the product. `x` must have
 * y's shape; y may be any view.
 * @example
 * ```ts
 * const w = array([1, 2]);
 * addScaledInPlace(w, array([10, 20]), -0.5); // w is [-4, -8]
 * ```
 */
export function addScaledInPlace(y: NDArray, x: NDArray, alpha: number): NDArray {
  if (!shapesEqual(y.shape, x.shape)) {
    throw new ShapeError(
      'addScaledInPlace',
      `x has shape ${fmtShape(x.shape)}, expected y's shape ${fmtShape(y.shape)}`,
    );
  }
  getBackend().addScaledInPlace(y, x, alpha);
  return y;
}
