import { DTypeError, RangeError } from './errors.js';

/** The element types a tensor can hold. float32 is the default. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores each dtype. bool is stored as 0/1 bytes. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Float storage, the only kind matmul and the float kernels accept. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Bytes per element of each dtype's storage. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = { bool: 1, int32: 4, float32: 4, float64: 8 };

/**
 * The most elements one array may hold: 2^32, the typed-array length limit of V8 (Node, Chrome),
 * the largest of current engines, and the whole of a 32-bit WebAssembly memory in bytes.
 */
export const MAX_ELEMENTS = 2 ** 32;

/**
 * Allocates zeroed storage of `size` elements for `dtype`, on behalf of `op` (named in errors).
 * Every array's storage is made here, so these are the only allocation errors:
 * @throws DTypeError for a dtype that is not one of `DTYPES`, e.g.
 * `array: unknown dtype "float16" (expected bool, int32, float32 or float64)`.
 * @throws RangeError for a size that is not a count, is over `MAX_ELEMENTS`, or that the engine
 * cannot allocate, naming the bytes asked for, e.g. `zeros: 1000000000000 float32 elements
 * (4000000000000 bytes, 3.6 TiB) are more than one array may hold (at most 4294967296 elements)`.
 */
export function allocate(dtype: DType, size: number, op = 'allocate'): TypedArray {
  if (!(Number.isInteger(size) && size >= 0 && size <= MAX_ELEMENTS)) throw badSize(dtype, size, op);
  try {
    switch (dtype) {
      case 'float32':
        return new Float32Array(size);
      case 'float64':
        return new Float64Array(size);
      case 'int32':
        return new Int32Array(size);
      case 'bool':
        return new Uint8Array(size);
    }
  } catch (e) {
    if (!(e instanceof globalThis.RangeError)) throw e;
    throw new RangeError(
      op,
      `could not allocate ${describeSize(dtype, size)}: the JavaScript engine refused (${e.message}); ` +
        "an array must fit both the engine's length limit and the free memory",
    );
  }
  throw unknownDtype(op, dtype);
}

/**
 * Throws what `allocate(dtype, size, op)` throws for a size no array may have, without allocating
 * (for ops that check other arguments against the size before allocating).
 */
export function checkAllocation(op: string, dtype: DType, size: number): void {
  if (!(Number.isInteger(size) && size >= 0 && size <= MAX_ELEMENTS && Object.hasOwn(DTYPE_BYTES, dtype)))
    throw badSize(dtype, size, op);
}

function badSize(dtype: DType, size: number, op: string): Error {
  if (!Object.hasOwn(DTYPE_BYTES, dtype)) return unknownDtype(op, dtype);
  if (!Number.isInteger(size) || size < 0)
    return new RangeError(op, `cannot allocate ${size} elements of ${dtype}: a size must be a non-negative integer`);
  return new RangeError(
    op,
    `${describeSize(dtype, size)} are more than one array may hold (at most ${MAX_ELEMENTS} elements)`,
  );
}

/** "1000000000000 float32 elements (4000000000000 bytes, 3.6 TiB)". */
function describeSize(dtype: DType, size: number): string {
  const bytes = size * DTYPE_BYTES[dtype];
  return `${size} ${dtype} elements (${bytes} bytes, ${humanBytes(bytes)})`;
}

/** The error for a dtype that is not one of DTYPES. */
export function unknownDtype(op: string, dtype: unknown): DTypeError {
  const shown = typeof dtype === 'string' ? `"${dtype}"` : String(dtype);
  return new DTypeError(op, `unknown dtype ${shown} (expected bool, int32, float32 or float64)`);
}

/** Throws DTypeError unless `dtype` is one of DTYPES (a check for values that come from JS callers). */
export function checkDtype(op: string, dtype: unknown): asserts dtype is DType {
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) throw unknownDtype(op, dtype);
}

/** 4000000000000 → "3.6 TiB". */
function humanBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes,
    u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/** The dtype a typed array stores (Uint8Array is read as bool). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * PyTorch's promotion for two tensors: bool < int32 < float32 < float64.
 * int with float gives the float; float32 with float64 gives float64.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Promotion of a tensor with a plain JS number: a number never widens a float tensor
 * (float32 stays float32), an integral number keeps int32, a fractional one gives float32.
 */
export function promoteWithScalar(tensorDtype: DType, value: number): DType {
  if (isFloat(tensorDtype)) return tensorDtype;
  if (Number.isInteger(value)) return 'int32';
  return 'float32';
}

/** The dtype of a float-valued result (exp, log, div, mean...): ints and bools become float32. */
export function floatResultType(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/** The smallest and largest int32. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Whether int32 storage keeps `v` exactly: an integer in [-2^31, 2^31 - 1] (NaN, ±∞ and fractions are not). */
export function isInt32Value(v: number): boolean {
  return (v | 0) === v;
}

/**
 * The error for a value that int32 storage cannot hold, as `op` received it at `where`
 * (e.g. "at [1, 0]" or "at flat index 7").
 */
export function notInt32(op: string, value: number, where: string): RangeError {
  const why = Number.isInteger(value) ? "is outside int32's range" : 'is not an integer';
  return new RangeError(
    op,
    `value ${value} ${where} ${why}: int32 holds integers in [${INT32_MIN}, ${INT32_MAX}] ` +
      '(cast a float array explicitly to truncate, or use a float dtype)',
  );
}

/** Converts a JS number to what storing it in `dtype` keeps. */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int32':
      return value | 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
