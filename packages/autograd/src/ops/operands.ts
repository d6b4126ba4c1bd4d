/**
 * Operands of the public op functions: a tensor or a plain number (a constant), and the dtype two
 * operands promote to (PyTorch's rules: a plain number never widens a float tensor).
 */
import * as T from '@chainrule/tensor';
import { type DType, promoteTypes, promoteWithScalar } from '@chainrule/tensor';
import { Tensor } from '../tensor.js';

/** A tensor or a plain number (a constant). */
export type TensorLike = Tensor | number;

/** Cached 0-d constants per dtype (numbers in expressions, `x.mul(2)`); they are never written to. */
const CONSTANTS: Record<DType, Map<number, Tensor>> = {
  float32: new Map(),
  float64: new Map(),
  int32: new Map(),
  bool: new Map(),
};
const MAX_CACHED_CONSTANTS = 1024;

/** A constant 0-d tensor (cached, except -0, which a Map would not tell from 0). */
export function constant(value: number, dtype: DType): Tensor {
  if (Object.is(value, -0)) return new Tensor(T.scalarArray(value, dtype));
  const cache = CONSTANTS[dtype];
  let t = cache.get(value);
  if (t === undefined) {
    t = new Tensor(T.scalarArray(value, dtype));
    if (cache.size < MAX_CACHED_CONSTANTS) cache.set(value, t);
  }
  return t;
}

/** What a value is, for errors about arguments of the wrong kind: `string`, `null`, `array`, `NDArray`. */
export function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/**
 * Throws a DTypeError naming `op` unless `x` is a Tensor (or, with `numbers`, a plain number):
 * what a JavaScript caller (or untyped data) gets instead of a TypeError from deep inside the op.
 */
export function checkOperand(op: string, x: unknown, what: string, numbers = true): void {
  if (x instanceof Tensor || (numbers && typeof x === 'number')) return;
  const wrap = x instanceof T.NDArray ? ' (wrap an NDArray with tensor(...))' : '';
  throw new T.DTypeError(op, `expected a Tensor${numbers ? ' or a number' : ''} as ${what}, got ${kindOf(x)}${wrap}`);
}

/**
 * The dtype `a` and `b` promote to, the tensor package's rule: a number never widens a float
 * tensor; beside an int or bool one, a fractional number (or NaN, ±∞) gives float32 and a whole one
 * int32. A whole number int32 cannot hold is refused with a RangeError naming `op` (it would wrap),
 * as the tensor package's ops refuse it (`checkScalarOperand`).
 */
export function dtypeOf(a: TensorLike, b: TensorLike, op: string): DType {
  if (typeof a === 'number' && typeof b === 'number') return 'float32';
  if (typeof a === 'number') return scalarDtype(op, (b as Tensor).dtype, a);
  if (typeof b === 'number') return scalarDtype(op, a.dtype, b);
  return promoteTypes(a.dtype, b.dtype);
}

function scalarDtype(op: string, tensorDtype: DType, value: number): DType {
  const dtype = promoteWithScalar(tensorDtype, value);
  T.checkScalarOperand(op, value, dtype);
  return dtype;
}

/** `x` as a tensor (a cached constant of `dtype` for a number). */
export function asTensor(x: TensorLike, dtype: DType): Tensor {
  return typeof x === 'number' ? constant(x, dtype) : x;
}

/** The number of elements over `axes` of `shape`. */
export function countOver(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((p, a) => p * shape[a]!, 1);
}
