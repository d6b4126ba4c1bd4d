import { type DType, type TypedArray, allocate, castScalar, dtypeOfArray, isFloat } from './dtype.js';
import { DTypeError, ShapeError, fmtShape } from './errors.js';
import { NDArray } from './ndarray.js';
import { type Rng, defaultRng } from './random.js';
import { checkShape, sizeOf } from './shape.js';

/** Numbers or booleans nested to any depth, all rows of a level equally long. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * Builds an array from nested JS arrays. The dtype defaults to float32, or bool for booleans.
 * A ragged array is an error that names the ragged position.
 * @example array([[1, 2], [3, 4]], 'float64').shape; // [2, 2]
 */
export function array(values: NestedArray, dtype?: DType): NDArray {
  const shape: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = (probe as readonly NestedArray[])[0]!;
  }
  const dt: DType = dtype ?? (typeof probe === 'boolean' ? 'bool' : 'float32');
  const data = allocate(dt, sizeOf(shape));
  let at = 0;
  // iterative walk with an explicit stack of (node, depth, path)
  const stack: { node: NestedArray; depth: number; path: number[] }[] = [{ node: values, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new ShapeError('array', `ragged nested array at ${fmtShape(path)}: expected a number, got an array`);
      const v = typeof node === 'boolean' ? (node ? 1 : 0) : (node as number);
      if (typeof v !== 'number') throw new DTypeError('array', `element at ${fmtShape(path)} is ${typeof node}, expected a number or boolean`);
      data[at++] = castScalar(v, dt);
      continue;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const got = Array.isArray(node) ? `length ${node.length}` : 'a number';
      throw new ShapeError('array', `ragged nested array at ${fmtShape(path)}: expected length ${shape[depth]}, got ${got}`);
    }
    for (let i = node.length - 1; i >= 0; i--) stack.push({ node: (node as readonly NestedArray[])[i]!, depth: depth + 1, path: [...path, i] });
  }
  return new NDArray(data, shape);
}

/**
 * Wraps a typed array without copying; its type gives the dtype (Uint8Array is bool).
 * @example fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
 */
export function fromTypedArray(data: TypedArray, shape: readonly number[] = [data.length]): NDArray {
  checkShape('fromTypedArray', shape);
  if (sizeOf(shape) !== data.length) throw new ShapeError('fromTypedArray', `shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, the array has ${data.length}`);
  return new NDArray(data, [...shape]);
}

/** An array of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): NDArray {
  checkShape('full', shape);
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0) data.fill(castScalar(value, dtype));
  return new NDArray(data, [...shape]);
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return full(shape, 0, dtype);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return full(shape, 1, dtype);
}

/**
 * Evenly spaced values in [start, stop) with `step`; `arange(n)` is 0..n-1.
 * @example arange(0, 1, 0.25).toArray(); // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): NDArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new ShapeError('arange', `step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dt = dtype ?? (Number.isInteger(lo) && Number.isInteger(step) ? 'int32' : 'float32');
  const data = allocate(dt, n);
  for (let i = 0; i < n; i++) data[i] = castScalar(lo + i * step, dt);
  return new NDArray(data, [n]);
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): NDArray {
  if (!Number.isInteger(num) || num < 0) throw new ShapeError('linspace', `num must be a non-negative integer, got ${num}`);
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = castScalar(i === num - 1 && num > 1 ? stop : start + i * step, dtype);
  return new NDArray(data, [num]);
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
  checkShape('eye', [n, m]);
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new NDArray(data, [n, m]);
}

/** Options of the random creators: a generator (the default one if omitted) and a dtype. */
export interface RandomOptions {
  rng?: Rng;
  dtype?: DType;
}

function randomFloats(op: string, shape: readonly number[], options: RandomOptions, draw: (rng: Rng, dtype: DType) => number): NDArray {
  checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new DTypeError(op, `dtype must be float32 or float64, got ${dtype}`);
  const rng = options.rng ?? defaultRng;
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw(rng, dtype);
  return new NDArray(data, [...shape]);
}

/** Uniform samples in [0, 1) from a seeded generator. */
export function rand(shape: readonly number[], options: RandomOptions = {}): NDArray {
  return randomFloats('rand', shape, options, (rng, dtype) => (dtype === 'float32' ? rng.uniform24() : rng.uniform()));
}

/** Standard normal samples from a seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): NDArray {
  return randomFloats('randn', shape, options, (rng) => rng.normal());
}

/** Uniform integers in [low, high) from a seeded generator (int32 by default). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): NDArray {
  checkShape('randint', shape);
  const rng = options.rng ?? defaultRng;
  const dtype = options.dtype ?? 'int32';
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.int(low, high);
  return new NDArray(data, [...shape]);
}

/** A copy of x's dtype and shape filled with value. */
export function fullLike(x: NDArray, value: number, dtype: DType = x.dtype): NDArray {
  return full(x.shape, value, dtype);
}

/** The dtype of a typed array (re-exported helper). */
export { dtypeOfArray };
