import { type DType, castScalar, promoteTypes, promoteWithScalar } from '../dtype.js';
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

/** Turns plain numbers into 0-d arrays of `dtype`. */
export function toArray(x: Operand, dtype: DType): NDArray {
  return typeof x === 'number' ? scalarArray(x, dtype) : x;
}
