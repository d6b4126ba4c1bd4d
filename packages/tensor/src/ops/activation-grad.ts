import { isFloat } from '../dtype.js';
import type { Backend } from '../backend.js';
import { getBackend } from '../backend.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';
import { scalarArray } from './operand.js';

/** The activations whose gradient `activationGrad` computes in one pass. */
export type ActivationGradOp = 'sigmoid' | 'tanh' | 'relu';

/** The kernels the unfused chain runs on. */
export type ActivationGradKernels = Pick<Backend, 'unary' | 'binary' | 'compare' | 'copy'>;

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
    throw new ShapeError('activationGrad', `${op}: g has shape ${fmtShape(g.shape)}, expected the saved value's shape ${fmtShape(saved.shape)}`);
  }
  if (!isFloat(g.dtype) || saved.dtype !== g.dtype) {
    throw new DTypeError('activationGrad', `${op}: g is ${g.dtype} and the saved value ${saved.dtype}, expected one float dtype`);
  }
  const backend = getBackend();
  return backend.activationGrad !== undefined ? backend.activationGrad(op, g, saved) : composedActivationGrad(backend, op, g, saved);
}

/**
 * The unfused chain `activationGrad` stands for, op by op on `kernels`: sigmoid g·(y·(1−y)),
 * tanh g·(1−square(y)), relu g·cast(x > 0). The reference, and the path for any layout.
 */
export function composedActivationGrad(kernels: ActivationGradKernels, op: ActivationGradOp, g: NDArray, saved: NDArray): NDArray {
  const dtype = g.dtype;
  const shape = g.shape;
  if (op === 'relu') {
    const mask = kernels.compare('gt', saved, scalarArray(0, dtype).expand(shape));
    return kernels.binary('mul', g, kernels.copy(mask, dtype), dtype);
  }
  const one = scalarArray(1, dtype).expand(shape);
  if (op === 'tanh') return kernels.binary('mul', g, kernels.binary('sub', one, kernels.unary('square', saved, dtype), dtype), dtype);
  return kernels.binary('mul', g, kernels.binary('mul', saved, kernels.binary('sub', one, saved, dtype), dtype), dtype);
}
