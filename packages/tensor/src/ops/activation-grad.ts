import { type ActivationGradOp, getBackend } from '../backend.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';

/**
 * The gradient of an activation, g·f′, in one pass: `saved` is the activation's output y for
 * sigmoid (g·(y·(1−y))) and tanh (g·(1−y²)), its input x for relu (g·[x>0], a multiply by a 0/1
 * mask, so g·0 keeps NaN and signed zeros). Bit for bit what the unfused ops give, each result
 * rounded to the dtype as storing it rounds. `g` and `saved` must have one shape and one float dtype.
 * @example
 * ```ts
 * const y = array([0.5, 0.25]);
 * activationGrad('sigmoid', array([1, 2]), y).toArray(); // [0.25, 0.375]
 * ```
 */
export function activationGrad(op: ActivationGradOp, g: NDArray, saved: NDArray): NDArray {
  if (!shapesEqual(g.shape, saved.shape)) {
    throw new ShapeError(
      'activationGrad',
      `${op}: g has shape ${fmtShape(g.shape)}, expected the saved value's shape ${fmtShape(saved.shape)}`,
    );
  }
  if (!isFloat(g.dtype) || saved.dtype !== g.dtype) {
    throw new DTypeError(
      'activationGrad',
      `${op}: g is ${g.dtype} and the saved value ${saved.dtype}, expected one float dtype`,
    );
  }
  return getBackend().activationGrad(op, g, saved);
}
