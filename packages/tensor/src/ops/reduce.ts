import { type ArgReduceOp, type ReduceOp, getBackend } from '../backend.js';
import { type DType, floatResultType, isFloat } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import { cast, exp, log, sub, add, where } from './elementwise.js';
import { abs } from './elementwise.js';

/** Axes to reduce: one axis, several, or all of them when omitted. Negative axes count from the end. */
export type Axes = number | readonly number[] | undefined;

/** The shape a reduction keeps when keepDims is true: each reduced axis becomes 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduceOp(op: ReduceOp, name: string, x: NDArray, axis: Axes, keepDims: boolean, dtype: DType): NDArray {
  const axes = normalizeAxes(name, axis, x.ndim);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(
      name,
      `cannot reduce over an empty dimension (shape ${fmtShape(x.shape)}); max and min of nothing are undefined`,
    );
  }
  const out = axes.length === 0 ? getBackend().copy(x, dtype) : getBackend().reduce(op, x, axes, dtype);
  return keepDims ? out.reshape(keptShape(x.shape, axes)) : out;
}

/** The dtype sums keep: floats stay, ints and bools sum to int32. */
function sumType(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'int32';
}

/** Σ over `axis` (all axes when omitted). Empty sums are 0. */
export function sum(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  return reduceOp('sum', 'sum', x, axis, keepDims, sumType(x.dtype));
}

/** Π over `axis`. Empty products are 1. */
export function prod(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  return reduceOp('prod', 'prod', x, axis, keepDims, sumType(x.dtype));
}

/** Arithmetic mean over `axis`; a float result. The mean of nothing is NaN. */
export function mean(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  const axes = normalizeAxes('mean', axis, x.ndim);
  const count = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const dtype = floatResultType(x.dtype);
  const total = reduceOp('sum', 'mean', x, axes, keepDims, dtype);
  return getBackend().binary('div', total, scalarLike(count, dtype, total.shape), dtype);
}

/** Largest element over `axis` (NaN propagates). An empty reduction is an error. */
export function max(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  return reduceOp('max', 'max', x, axis, keepDims, x.dtype);
}

/** Smallest element over `axis` (NaN propagates). An empty reduction is an error. */
export function min(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  return reduceOp('min', 'min', x, axis, keepDims, x.dtype);
}

function argOp(op: ArgReduceOp, x: NDArray, axis: number | undefined, keepDims: boolean): NDArray {
  if (x.size === 0) throw new ShapeError(op, `cannot take ${op} of an empty tensor (shape ${fmtShape(x.shape)})`);
  if (axis === undefined) {
    const flat = x.reshape([x.size]);
    const out = getBackend().argReduce(op, flat, 0);
    return keepDims ? out.reshape(x.shape.map(() => 1)) : out;
  }
  const ax = normalizeAxis(op, axis, x.ndim);
  if (x.shape[ax] === 0)
    throw new ShapeError(op, `cannot take ${op} over empty axis ${ax} (shape ${fmtShape(x.shape)})`);
  const out = getBackend().argReduce(op, x, ax);
  return keepDims ? out.reshape(keptShape(x.shape, [ax])) : out;
}

/** int32 index of the (first) largest element along `axis`, or in the flattened array. */
export function argmax(x: NDArray, axis?: number, keepDims = false): NDArray {
  return argOp('argmax', x, axis, keepDims);
}

/** int32 index of the (first) smallest element along `axis`, or in the flattened array. */
export function argmin(x: NDArray, axis?: number, keepDims = false): NDArray {
  return argOp('argmin', x, axis, keepDims);
}

/** Options of var and std. `correction` 1 (the default) is the unbiased estimator, 0 the population one. */
export interface VarianceOptions {
  correction?: number;
  keepDims?: boolean;
}

/** Variance Σ(x-mean)²/(N - correction) over `axis`. */
export function variance(x: NDArray, axis?: Axes, options: VarianceOptions = {}): NDArray {
  const { correction = 1, keepDims = false } = options;
  const axes = normalizeAxes('var', axis, x.ndim);
  const count = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  const centered = sub(xf, mean(xf, axes, true));
  const ss = reduceOp(
    'sum',
    'var',
    getBackend().binary('mul', centered, centered, centered.dtype),
    axes,
    keepDims,
    xf.dtype,
  );
  const denom = Math.max(count - correction, 0);
  return getBackend().binary('div', ss, scalarLike(denom, xf.dtype, ss.shape), xf.dtype);
}

/** Standard deviation, √var. */
export function std(x: NDArray, axis?: Axes, options: VarianceOptions = {}): NDArray {
  const v = variance(x, axis, options);
  return getBackend().unary('sqrt', v, v.dtype);
}

/**
 * log Σ e^x over `axis`, computed as m + log Σ e^{x-m} with m the max, so it never overflows:
 * logsumexp([1000, 1000]) = 1000.693. Rows that are all -∞ give -∞.
 */
export function logsumexp(x: NDArray, axis?: Axes, keepDims = false): NDArray {
  const axes = normalizeAxes('logsumexp', axis, x.ndim);
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  if (axes.some((a) => x.shape[a] === 0)) {
    // log Σ over nothing = log 0 = -∞ (as PyTorch and SciPy)
    const kept = keptShape(x.shape, axes);
    const shape = keepDims ? kept : kept.filter((_, i) => !axes.includes(i));
    return scalarLike(-Infinity, xf.dtype, shape).contiguous();
  }
  const m = max(xf, axes, true);
  // an infinite max (all -inf, or +inf present) is shifted by 0 to avoid inf - inf
  const finite = getBackend().compare('lt', abs(m).expand(m.shape), scalarLike(Infinity, m.dtype, m.shape));
  const shift = where(finite, m, 0);
  const s = sum(exp(sub(xf, shift)), axes, true);
  const out = add(log(s), shift);
  return keepDims ? out : out.reshape(out.shape.filter((_, i) => !axes.includes(i)));
}

/** A constant broadcast to `shape` (stride 0), for kernels that need equal shapes. */
function scalarLike(value: number, dtype: DType, shape: readonly number[]): NDArray {
  const data =
    dtype === 'float64'
      ? new Float64Array([value])
      : dtype === 'float32'
        ? new Float32Array([value])
        : new Int32Array([value]);
  return new NDArray(data, []).expand(shape);
}
