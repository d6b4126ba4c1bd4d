/** Sorting along one axis: argsort, sort (values and indices) and topk. */
import { getBackend } from '../backend.js';
import { RangeError, fmtShape } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';

/** Values and the int32 positions along the axis they came from, as PyTorch's `(values, indices)`. */
export interface SortResult<T> {
  readonly values: T;
  readonly indices: T;
}

/** The axis of a sort; a 0-d array has axes 0 and -1 (a one-element slice), as in PyTorch. */
function sortAxis(op: string, x: NDArray, axis: number): number {
  return normalizeAxis(op, axis, Math.max(x.ndim, 1));
}

/** x's values at `indices` along `axis` (indices already valid; 0-d arrays read as one element). */
function pick(x: NDArray, axis: number, indices: NDArray): NDArray {
  if (x.ndim === 0) return getBackend().copy(x, x.dtype);
  return getBackend().gather(x, axis, indices);
}

/**
 * The positions that sort `x` along `axis`, as `torch.argsort(x, dim, descending, stable=True)`:
 * always stable (equal values keep their order, descending too); NaN counts as the largest value.
 * @example
 * ```ts
 * import { array, argsort } from '@chainrule/tensor';
 * argsort(array([3, 1, 2, 1]), 0).toArray(); // [1, 3, 2, 0]
 * ```
 */
export function argsort(x: NDArray, axis = -1, descending = false): NDArray {
  return getBackend().argsort(x, sortAxis('argsort', x, axis), descending);
}

/**
 * `x` sorted along `axis` and where each value came from, as `torch.sort(x, dim, descending, stable=True)`.
 * @example
 * ```ts
 * import { array, sort } from '@chainrule/tensor';
 * const { values, indices } = sort(array([3, 1, 2]), 0, true);
 * values.toArray(); // [3, 2, 1]
 * indices.toArray(); // [0, 2, 1]
 * ```
 */
export function sort(x: NDArray, axis = -1, descending = false): SortResult<NDArray> {
  const ax = sortAxis('sort', x, axis);
  const indices = getBackend().argsort(x, ax, descending);
  return { values: pick(x, ax, indices), indices };
}

/**
 * Checks topk's k against the size of the (resolved) axis, 0 ≤ k ≤ n, and returns it.
 * @throws RangeError `topk: k = 6 is out of range for axis 0 of size 5 (shape [5]): expected 0 ≤ k ≤ 5`
 * @example
 * ```ts
 * import { array, checkTopk } from '@chainrule/tensor';
 * checkTopk(array([1, 2, 3]), 2, 0); // 2
 * ```
 */
export function checkTopk(x: { readonly shape: readonly number[] }, k: number, axis: number): number {
  const n = x.shape.length === 0 ? 1 : x.shape[axis]!;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(
      'topk',
      `k = ${k} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(x.shape)}): expected 0 ≤ k ≤ ${n}`,
    );
  return k;
}

/**
 * The positions of the `k` largest (smallest when `largest` is false) elements along `axis`: in
 * sorted order, or (`sorted` false) in the order they stand in `x`. Ties go to the earlier position.
 */
function topkIndices(x: NDArray, k: number, axis: number, largest: boolean, sorted: boolean): NDArray {
  const order = getBackend().argsort(x, axis, largest);
  const first = x.ndim === 0 ? order : order.slice(axis, 0, k);
  if (sorted || x.ndim === 0) return getBackend().copy(first, 'int32');
  return getBackend().gather(first, axis, getBackend().argsort(first, axis, false));
}

/**
 * The `k` largest (or smallest) elements along `axis` and their positions, as
 * `torch.topk(x, k, dim, largest, sorted)`; with `sorted` false they keep their order in `x`.
 * @example
 * ```ts
 * import { array, topk } from '@chainrule/tensor';
 * topk(array([1, 5, 3, 4]), 2).values.toArray(); // [5, 4]
 * ```
 */
export function topk(x: NDArray, k: number, axis = -1, largest = true, sorted = true): SortResult<NDArray> {
  const ax = sortAxis('topk', x, axis);
  checkTopk(x, k, ax);
  const indices = topkIndices(x, k, ax, largest, sorted);
  return { values: pick(x, ax, indices), indices };
}
