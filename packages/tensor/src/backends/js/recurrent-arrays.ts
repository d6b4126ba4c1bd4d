/**
 * What the fused recurrent-cell kernels (lstm-cell.ts, gru-cell.ts) share: contiguous operands,
 * results of planes stacked on a new axis 0, and the operand tuples of their loops.
 */
import { allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { copy } from './copy.js';

export type F32 = Float32Array;
export type F64 = Float64Array;

/** A loop's operands: each array with the offset of its first element. */
export type Operands<A> = readonly [A, number, A, number, A, number];

/** `x`, or a contiguous copy of it (a copy keeps the bits). */
export const contiguous = (x: NDArray): NDArray => (x.isContiguous ? x : copy(x, x.dtype));

/** `x` as a whole array (offset 0, contiguous), copied if it is not one. */
export const dense = (x: NDArray): NDArray => (x.isContiguous && x.offset === 0 ? x : copy(x, x.dtype));

/** A new [planes, ...lead, H] array of `like`'s dtype for a state `like` of shape [...lead, H]. */
export function planesLike(like: NDArray, planes: number): NDArray {
  return new NDArray(allocate(like.dtype, planes * like.size, 'allocate'), [planes, ...like.shape]);
}

/** A new array of `like`'s dtype and `shape`. */
export function fresh(like: NDArray, shape: readonly number[]): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return new NDArray(allocate(like.dtype, n, 'allocate'), [...shape]);
}

/** The elements of a contiguous array from its first one (a subarray: no copy), for loops indexing from 0. */
export const elements = (x: NDArray): NDArray['data'] => x.data.subarray(x.offset, x.offset + x.size);

/** The number of rows of a state [...lead, H] (its elements over H; 0 when H is 0). */
export function rowsOf(state: NDArray): number {
  const hidden = state.shape[state.ndim - 1]!;
  return hidden === 0 ? 0 : state.size / hidden;
}
