import {
  type DType,
  INT32_MAX,
  INT32_MIN,
  type TypedArray,
  allocate,
  castScalar,
  checkAllocation,
  checkDtype,
  dtypeOfArray,
  isFloat,
  isInt32Value,
  notInt32,
} from './dtype.js';
import { DTypeError, RangeError, ShapeError, fmtShape } from './errors.js';
import { NDArray } from './ndarray.js';
import { type Rng, defaultRng } from './random.js';
import { checkShape, sizeOf } from './shape.js';

/** Numbers or booleans nested to any depth, all rows of a level equally long. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * Builds an array from nested JS arrays. The dtype defaults to float32, or bool for booleans.
 * A ragged array is an error that names the ragged position. For int32, every value must be an
 * integer in int32's range: NaN, ±∞, fractions and larger magnitudes are a RangeError naming the
 * first such value and its position (as PyTorch refuses them), never a silent wrap or truncation.
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
  if (dtype !== undefined) checkDtype('array', dtype);
  const dt: DType = dtype ?? (typeof probe === 'boolean' ? 'bool' : 'float32');
  const data = allocate(dt, sizeOf(shape), 'array');
  const ndim = shape.length;
  if (ndim === 0) {
    data[0] = storedLeaf(values, dt, []);
    return new NDArray(data, shape);
  }
  // Iterative depth-first walk: nodes[d] is the list being visited at depth d, path[d] the position
  // in it. Leaf rows (depth ndim-1) are copied in one tight loop; no per-element allocation.
  const nodes = new Array<readonly NestedArray[]>(ndim);
  const path = new Array<number>(ndim).fill(0);
  nodes[0] = values as readonly NestedArray[];
  const plain = dt === 'float32' || dt === 'float64'; // numbers stored as they come
  const toInt = dt === 'int32';
  let at = 0;
  let d = 0;
  while (d >= 0) {
    const node = nodes[d]!;
    if (d === ndim - 1) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'number' && (plain || (toInt && isInt32Value(v)))) data[at++] = v;
        else data[at++] = storedLeaf(v!, dt, [...path.slice(0, d), i]);
      }
      d--;
      if (d >= 0) path[d]!++;
      continue;
    }
    const i = path[d]!;
    if (i === node.length) {
      d--;
      if (d >= 0) path[d]!++;
      continue;
    }
    const child = node[i]!;
    if (!Array.isArray(child) || child.length !== shape[d + 1]) {
      const got = Array.isArray(child) ? `length ${child.length}` : 'a number';
      throw new ShapeError(
        'array',
        `ragged nested array at ${fmtShape(path.slice(0, d + 1))}: expected length ${shape[d + 1]}, got ${got}`,
      );
    }
    nodes[d + 1] = child as readonly NestedArray[];
    path[d + 1] = 0;
    d++;
  }
  return new NDArray(data, shape);
}

/** What storing leaf `node` at `path` keeps; an int32 leaf must be an integer in range. */
function storedLeaf(node: NestedArray, dtype: DType, path: readonly number[]): number {
  const v = leafValue(node, path);
  if (dtype === 'int32' && !isInt32Value(v)) throw notInt32('array', v, `at ${fmtShape(path)}`);
  return castScalar(v, dtype);
}

/** The number a leaf stands for (booleans are 0/1); arrays and other values are errors. */
function leafValue(node: NestedArray, path: readonly number[]): number {
  if (typeof node === 'number') return node;
  if (typeof node === 'boolean') return node ? 1 : 0;
  if (Array.isArray(node))
    throw new ShapeError('array', `ragged nested array at ${fmtShape(path)}: expected a number, got an array`);
  throw new DTypeError('array', `element at ${fmtShape(path)} is ${typeof node}, expected a number or boolean`);
}

/**
 * Wraps a typed array without copying; its type gives the dtype (Uint8Array is bool).
 * @example fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
 */
export function fromTypedArray(data: TypedArray, shape?: readonly number[]): NDArray {
  if (
    !(
      data instanceof Float32Array ||
      data instanceof Float64Array ||
      data instanceof Int32Array ||
      data instanceof Uint8Array
    )
  ) {
    const got = Object.prototype.toString.call(data).slice(8, -1);
    throw new DTypeError(
      'fromTypedArray',
      `expected a Float32Array, Float64Array, Int32Array or Uint8Array (bool), got ${got}`,
    );
  }
  if (shape === undefined) shape = [data.length];
  checkShape('fromTypedArray', shape);
  if (sizeOf(shape) !== data.length)
    throw new ShapeError(
      'fromTypedArray',
      `shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, the array has ${data.length}`,
    );
  return new NDArray(data, [...shape]);
}

/**
 * An array of `shape` filled with `value` (for int32, an integer in range: see `array`).
 * @throws RangeError when the array is larger than one array may hold (see `allocate`).
 */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): NDArray {
  return filled('full', shape, value, dtype);
}

function filled(op: string, shape: readonly number[], value: number, dtype: DType): NDArray {
  checkShape(op, shape);
  if (typeof value !== 'number') throw new DTypeError(op, `fill value must be a number, got ${typeof value}`);
  if (dtype === 'int32' && !isInt32Value(value)) throw notInt32(op, value, 'as the fill value');
  const data = allocate(dtype, sizeOf(shape), op);
  if (value !== 0) data.fill(castScalar(value, dtype));
  return new NDArray(data, [...shape]);
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return filled('zeros', shape, 0, dtype);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return filled('ones', shape, 1, dtype);
}

/**
 * Evenly spaced values in [start, stop) with `step`; `arange(n)` is 0..n-1. int32 (the default for
 * integer arguments) truncates fractional values toward zero, as a cast does, and refuses values
 * outside its range.
 * @example arange(0, 1, 0.25).toArray(); // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): NDArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step))
    throw new ShapeError('arange', `step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new ShapeError('arange', `bounds must be finite, got [${lo}, ${hi})`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dt = dtype ?? (Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step) ? 'int32' : 'float32');
  checkAllocation('arange', dt, n);
  if (dt === 'int32' && n > 0) checkInt32Range('arange', lo, lo + (n - 1) * step);
  const data = allocate(dt, n, 'arange');
  for (let i = 0; i < n; i++) data[i] = castScalar(lo + i * step, dt);
  return new NDArray(data, [n]);
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): NDArray {
  if (!Number.isInteger(num) || num < 0)
    throw new ShapeError('linspace', `num must be a non-negative integer, got ${num}`);
  checkAllocation('linspace', dtype, num);
  if (dtype === 'int32' && num > 0) checkInt32Range('linspace', start, num > 1 ? stop : start);
  const data = allocate(dtype, num, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = castScalar(i === 0 ? start : i === num - 1 ? stop : start + i * step, dtype);
  return new NDArray(data, [num]);
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
  checkShape('eye', [n, m]);
  const data = allocate(dtype, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new NDArray(data, [n, m]);
}

/** Options of the random creators: a generator (the default one if omitted) and a dtype. */
export interface RandomOptions {
  rng?: Rng;
  dtype?: DType;
}

function randomFloats(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (rng: Rng, dtype: DType) => number,
): NDArray {
  checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new DTypeError(op, `dtype must be float32 or float64, got ${dtype}`);
  const rng = options.rng ?? defaultRng;
  const data = allocate(dtype, sizeOf(shape), op);
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
  if (dtype === 'int32' && (low < INT32_MIN || high - 1 > INT32_MAX))
    throw new RangeError('randint', `[${low}, ${high}) reaches outside int32's range; pass { dtype: 'float64' }`);
  if (dtype === 'bool' && (low < 0 || high > 2))
    throw new RangeError('randint', `[${low}, ${high}) reaches outside bool's 0 and 1`);
  const data = allocate(dtype, sizeOf(shape), 'randint');
  for (let i = 0; i < data.length; i++) data[i] = rng.int(low, high);
  return new NDArray(data, [...shape]);
}

/** Throws unless int32 holds every value from `first` to `last` (both already finite), truncated. */
function checkInt32Range(op: string, first: number, last: number): void {
  for (const v of [first, last]) {
    if (!(Math.trunc(v) >= INT32_MIN && Math.trunc(v) <= INT32_MAX))
      throw new RangeError(
        op,
        `value ${v} is outside int32's range [${INT32_MIN}, ${INT32_MAX}]; pass dtype 'float64' for such values`,
      );
  }
}

/** A copy of x's dtype and shape filled with value. */
export function fullLike(x: NDArray, value: number, dtype: DType = x.dtype): NDArray {
  return full(x.shape, value, dtype);
}

/** The dtype of a typed array (re-exported helper). */
export { dtypeOfArray };
