/**
 * The check every kernel with an optional `out` argument makes of it (see Backend): a contiguous
 * array of the result's shape and dtype, or a typed error naming the kernel.
 */
import type { DType } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { shapesEqual } from '../shape.js';

/**
 * `out` itself when it can take the result of `kernel` (contiguous, of `shape` and `dtype`; any
 * offset into its buffer), else a ShapeError or DTypeError naming the kernel, `out`'s shape or
 * dtype and what was expected. Undefined stays undefined (the kernel allocates its result).
 * @example
 * ```ts
 * const into = checkOut('reduce', out, [3], 'float32'); // out, or throws
 * ```
 */
export function checkOut(
  kernel: string,
  out: NDArray | undefined,
  shape: readonly number[],
  dtype: DType,
): NDArray | undefined {
  if (out === undefined) return undefined;
  checkOperand(kernel, 'out', out, shape, dtype);
  if (!out.isContiguous)
    throw new ShapeError(
      kernel,
      `out of shape ${fmtShape(out.shape)} must be contiguous (strides ${fmtShape(out.strides)})`,
    );
  return out;
}

/**
 * Throws unless the optional operand `x` (named `name`) of `kernel` is absent or of `shape` and
 * `dtype` (any layout): a ShapeError or DTypeError naming the kernel, the operand, and what was
 * expected.
 * @example
 * ```ts
 * checkOperand('fusedLstmCell', 'hGates', hGates, gates.shape, gates.dtype); // or throws
 * ```
 */
export function checkOperand(
  kernel: string,
  name: string,
  x: NDArray | undefined,
  shape: readonly number[],
  dtype: DType,
): void {
  if (x === undefined) return;
  if (x.dtype !== dtype) throw new DTypeError(kernel, `${name} has dtype ${x.dtype}, expected ${dtype}`);
  if (!shapesEqual(x.shape, shape))
    throw new ShapeError(kernel, `${name} has shape ${fmtShape(x.shape)}, expected ${fmtShape(shape)}`);
}
