/** Running reductions along one axis (prefix scans): cumsum, cumprod and logcumsumexp of arrays. */
import { type ScanOp, getBackend } from '../backend.js';
import { type DType, floatResultType, isFloat } from '../dtype.js';
import type { NDArray } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';

function scanOp(op: ScanOp, name: string, x: NDArray, axis: number, dtype: DType): NDArray {
  // a 0-d array has axes 0 and -1, as in PyTorch
  const ax = normalizeAxis(name, axis, Math.max(x.ndim, 1));
  return getBackend().scan(op, x, ax, false, dtype);
}

/** Floats keep their dtype; ints and bools accumulate to int32. */
const countingType = (dtype: DType): DType => (isFloat(dtype) ? dtype : 'int32');

/**
 * The running sum along `axis`, as `torch.cumsum`.
 * @example
 * ```ts
 * import { array, cumsum } from '@chainrule/tensor';
 * cumsum(array([1, 2, 3]), 0).toArray(); // [1, 3, 6]
 * ```
 */
export function cumsum(x: NDArray, axis: number): NDArray {
  return scanOp('sum', 'cumsum', x, axis, countingType(x.dtype));
}

/**
 * The running product along `axis`, as `torch.cumprod` (ints and bools give int32).
 * @example
 * ```ts
 * import { array, cumprod } from '@chainrule/tensor';
 * cumprod(array([1, 2, 3]), 0).toArray(); // [1, 2, 6]
 * ```
 */
export function cumprod(x: NDArray, axis: number): NDArray {
  return scanOp('prod', 'cumprod', x, axis, countingType(x.dtype));
}

/**
 * log Σ_{j ≤ i} exp(x_j) along `axis`, as `torch.logcumsumexp`, computed stably one pair at a time
 * (max + log1p(exp(min − max))), so large inputs do not overflow; ints and bools give float32.
 * @example
 * ```ts
 * import { array, logcumsumexp } from '@chainrule/tensor';
 * logcumsumexp(array([1000, 1000], 'float64'), 0).toArray(); // [1000, 1000.6931471805599]
 * ```
 */
export function logcumsumexp(x: NDArray, axis: number): NDArray {
  return scanOp('logsumexp', 'logcumsumexp', x, axis, floatResultType(x.dtype));
}
