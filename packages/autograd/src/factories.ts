import * as T from '@chainrule/tensor';
import { type DType, NDArray, type NestedArray, type Rng, type TypedArray } from '@chainrule/tensor';
import { Tensor } from './tensor.js';

/** Options of every tensor factory. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Options of the random factories. */
export interface RandomTensorOptions extends TensorOptions {
  rng?: Rng;
}

/** A tensor around new storage (no other tensor sees it yet). */
const wrap = (value: NDArray, options: TensorOptions): Tensor =>
  new Tensor(value, { requiresGrad: options.requiresGrad ?? false, fresh: true });

/**
 * A tensor from nested arrays, a number, a typed array or an NDArray. The dtype defaults to
 * float32 (bool for booleans; a typed array's or NDArray's own type).
 * @example tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
 */
export function tensor(data: NestedArray | NDArray | TypedArray, options: TensorOptions = {}): Tensor {
  if (data instanceof NDArray || ArrayBuffer.isView(data)) {
    const value = data instanceof NDArray ? data : T.fromTypedArray(data as TypedArray);
    // the same storage (no copy): it shares the storage's version counter with every tensor around it
    if (options.dtype === undefined || value.dtype === options.dtype)
      return new Tensor(value, { requiresGrad: options.requiresGrad ?? false });
    return wrap(T.cast(value, options.dtype), options);
  }
  const value = T.array(data, options.dtype);
  return wrap(
    options.dtype !== undefined && value.dtype !== options.dtype ? T.cast(value, options.dtype) : value,
    options,
  );
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return wrap(T.zeros(shape, options.dtype), options);
}
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return wrap(T.ones(shape, options.dtype), options);
}
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return wrap(T.full(shape, value, options.dtype), options);
}
export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(x.shape, { dtype: x.dtype, ...options });
}
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return ones(x.shape, { dtype: x.dtype, ...options });
}
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  return wrap(T.arange(start, stop, step, options.dtype), options);
}
export function linspace(start: number, stop: number, num: number, options: TensorOptions = {}): Tensor {
  return wrap(T.linspace(start, stop, num, options.dtype), options);
}
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  return wrap(T.eye(n, m, options.dtype), options);
}
/** Uniform [0, 1) samples from a seeded generator. */
export function rand(shape: readonly number[], options: RandomTensorOptions = {}): Tensor {
  return wrap(T.rand(shape, randomOptions(options)), options);
}
/** Standard normal samples from a seeded generator. */
export function randn(shape: readonly number[], options: RandomTensorOptions = {}): Tensor {
  return wrap(T.randn(shape, randomOptions(options)), options);
}
/** Uniform integers in [low, high) from a seeded generator. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomTensorOptions = {},
): Tensor {
  return wrap(T.randint(low, high, shape, randomOptions(options)), options);
}

function randomOptions(options: RandomTensorOptions): T.RandomOptions {
  const out: T.RandomOptions = {};
  if (options.rng !== undefined) out.rng = options.rng;
  if (options.dtype !== undefined) out.dtype = options.dtype;
  return out;
}
