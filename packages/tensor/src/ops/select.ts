import { type ScatterReduce, getBackend } from '../backend.js';
import { type DType, allocate } from '../dtype.js';
import { DTypeError, RangeError, ShapeError, fmtShape } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';
import { hostKernel } from '../host-compute.js';

/** Checks that `index` is int32 and each value lies in [0, n). Negative values are not accepted. */
function checkIndex(op: string, index: NDArray, n: number, axis: number): void {
  if (index.dtype !== 'int32') throw new DTypeError(op, `index must be int32, got ${index.dtype}`);
  const flat = index.contiguous();
  const d = flat.data;
  for (let i = 0; i < flat.size; i++) {
    const v = d[flat.offset + i]!;
    if (v < 0 || v >= n) {
      const what =
        axis < 0
          ? `label ${v} is out of range for ${n} classes`
          : `index ${v} is out of range for axis ${axis} of size ${n}`;
      throw new RangeError(op, `${what} (at flat position ${i} of the index)`);
    }
  }
}

/**
 * Picks whole slices along `axis` by position (torch.index_select); the index is 1-D int32.
 * @example indexSelect(x, 0, array([2, 0], 'int32')) // rows 2 and 0
 */
export function indexSelect(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = normalizeAxis('indexSelect', axis, x.ndim);
  if (index.ndim > 1) throw new ShapeError('indexSelect', `index must be 1-D, got shape ${fmtShape(index.shape)}`);
  checkIndex('indexSelect', index, x.shape[ax]!, ax);
  return getBackend().indexSelect(x, ax, index);
}

/**
 * torch.gather: out[i][j] = x[i][index[i][j]] for axis 1 (likewise for any axis). `index` has
 * x's rank and sizes no larger than x's on the other axes; the result has index's shape.
 */
export function gather(x: NDArray, axis: number, index: NDArray): NDArray {
  const ax = normalizeAxis('gather', axis, x.ndim);
  checkGatherShape('gather', x.shape, ax, index);
  checkIndex('gather', index, x.shape[ax]!, ax);
  return getBackend().gather(x, ax, index);
}

/** The adjoint of gather: zeros of `shape`, then src[i] is added at index[i] along `axis`. */
export function scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray {
  const ax = normalizeAxis('scatterAdd', axis, shape.length);
  checkGatherShape('scatterAdd', shape, ax, index);
  if (index.shape.some((d, i) => d !== src.shape[i]) || index.ndim !== src.ndim) {
    throw new ShapeError(
      'scatterAdd',
      `src shape ${fmtShape(src.shape)} must equal index shape ${fmtShape(index.shape)}`,
    );
  }
  checkIndex('scatterAdd', index, shape[ax]!, ax);
  return getBackend().scatterAdd(shape, ax, index, src);
}

const REDUCES: readonly ScatterReduce[] = ['none', 'sum', 'mean', 'amax', 'amin'];

/**
 * torch.scatter and torch.scatter_reduce: a copy of `x` where src[i][j] lands at x[i][index[i][j]]
 * (axis 1; likewise for any axis), replacing x's value (`'none'`: the last write wins) or reduced
 * with `'sum'`, `'mean'`, `'amax'` or `'amin'` (x's value takes part when `includeSelf`). `index`
 * has x's rank, no larger than x on the other axes; `src` has index's shape and x's dtype.
 * @example scatter(zeros([3]), 0, array([0, 0], 'int32'), array([1, 2]), 'sum', true).toArray(); // [3, 0, 0]
 */
export function scatter(
  x: NDArray,
  axis: number,
  index: NDArray,
  src: NDArray,
  reduce: ScatterReduce = 'none',
  includeSelf = true,
): NDArray {
  if (!REDUCES.includes(reduce))
    throw new RangeError('scatter', `reduce must be one of ${REDUCES.join(', ')}, got ${String(reduce)}`);
  const ax = normalizeAxis('scatter', axis, x.ndim);
  checkGatherShape('scatter', x.shape, ax, index);
  if (index.ndim !== src.ndim || index.shape.some((d, i) => d !== src.shape[i])) {
    throw new ShapeError('scatter', `src shape ${fmtShape(src.shape)} must equal index shape ${fmtShape(index.shape)}`);
  }
  if (src.dtype !== x.dtype)
    throw new DTypeError('scatter', `src must have the dtype of x (${x.dtype}), got ${src.dtype}`);
  checkIndex('scatter', index, x.shape[ax]!, ax);
  return getBackend().scatter(x, ax, index, src, reduce, includeSelf);
}

function checkGatherShape(op: string, shape: readonly number[], axis: number, index: NDArray): void {
  if (index.ndim !== shape.length || index.shape.some((d, i) => i !== axis && d > shape[i]!)) {
    throw new ShapeError(
      op,
      `index shape ${fmtShape(index.shape)} does not fit shape ${fmtShape(shape)} on axis ${axis} (same rank, ` +
        `no larger on the other axes)`,
    );
  }
}

/**
 * One-hot encoding: int32 class labels of any shape give an array with a trailing axis of
 * `numClasses`, 1 at the label and 0 elsewhere.
 * @example oneHot(array([0, 2], 'int32'), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(labels: NDArray, numClasses: number, dtype: DType = 'float32'): NDArray {
  if (!Number.isInteger(numClasses) || numClasses <= 0)
    throw new ShapeError('oneHot', `numClasses must be a positive integer, got ${numClasses}`);
  return hostKernel('oneHot', encodeOneHot, labels, numClasses, dtype);
}

/** oneHot's loop (a host kernel: compile records it and calls it again). */
function encodeOneHot(labels: NDArray, numClasses: number, dtype: DType): NDArray {
  checkIndex('oneHot', labels, numClasses, -1);
  const flat = labels.contiguous();
  const out = allocate(dtype, flat.size * numClasses, 'oneHot');
  for (let i = 0; i < flat.size; i++) out[i * numClasses + flat.data[flat.offset + i]!] = 1;
  return new NDArray(out, [...labels.shape, numClasses]);
}
