import {
  type DType,
  INT32_MAX,
  INT32_MIN,
  castScalar,
  isInt32Value,
  promoteTypes,
  promoteWithScalar,
} from '../dtype.js';
import { RangeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { allocate } from '../dtype.js';

/** An array or a plain number standing for a 0-d array. */
export type Operand = NDArray | number;

/** A 0-d array holding `value` as `dtype`. */
export function scalarArray(value: number, dtype: DType): NDArray {
  const data = allocate(dtype, 1);
  data[0] = castScalar(value, dtype);
  return new NDArray(data, []);
}

/** The promoted dtype of two operands: a plain number never widens a float array. */
export function resultDtype(a: Operand, b: Operand): DType {
  if (typeof a === 'number' && typeof b === 'number') return 'float32';
  if (typeof a === 'number') return promoteWithScalar((b as NDArray).dtype, a);
  if (typeof b === 'number') return promoteWithScalar(a.dtype, b);
  return promoteTypes(a.dtype, b.dtype);
}

/**
 * Throws a RangeError naming `op` when a plain-number operand of `op` would be stored as int32 (the
 * operands' promoted `dtype`, as `resultDtype` gives it) but int32 cannot hold it: a whole number
 * beside an int or bool array is taken as int32, and one outside int32's range would wrap.
 * (A fractional number, NaN or ±∞ promotes to float32 instead, so it never gets here.)
 * @example
 * ```ts
 * checkScalarOperand('add', 1e10, 'int32');
 * // RangeError: add: the number 10000000000 is outside int32's range [-2147483648, 2147483647] ...
 * ```
 */
export function checkScalarOperand(op: string, value: number, dtype: DType): void {
  if (dtype === 'int32' && !isInt32Value(value)) {
    throw new RangeError(
      op,
      `the number ${value} is outside int32's range [${INT32_MIN}, ${INT32_MAX}]: beside an int32 or bool ` +
        'tensor a whole number is taken as int32 and would wrap (cast the tensor to float32 or float64 first)',
    );
  }
}

/** Turns plain numbers into 0-d arrays of `dtype`, checked for `op` (see `checkScalarOperand`). */
export function toArray(x: Operand, dtype: DType, op = 'toArray'): NDArray {
  if (typeof x !== 'number') return x;
  checkScalarOperand(op, x, dtype);
  return scalarArray(x, dtype);
}
