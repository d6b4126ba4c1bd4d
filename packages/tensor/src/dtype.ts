/** The element types a tensor can hold. float32 is the default. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores each dtype. bool is stored as 0/1 bytes. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Float storage, the only kind matmul and the float kernels accept. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Allocates zeroed storage of `size` elements for `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
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
