import { type BinaryOp, type CompareOp, type UnaryOp, getBackend } from '../backend.js';
import { type DType, INT32_MAX, INT32_MIN, checkDtype, floatResultType, isFloat } from '../dtype.js';
import { DTypeError, RangeError } from '../errors.js';
import { hostCheck } from '../host-compute.js';
import { FLOAT_VALUED } from '../scalar-ops.js';
import type { NDArray } from '../ndarray.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { type Operand, resultDtype, toArray } from './operand.js';

/**
 * The dtype of elementwise kernel `op`'s result on inputs of (promoted) dtype `dtype`: float for the
 * float-valued kernels (ints and bools give float32), int32 for bools, else `dtype`.
 * @example elementwiseResultDtype('exp', 'int32'); // 'float32'
 */
export function elementwiseResultDtype(op: UnaryOp | BinaryOp, dtype: DType): DType {
  if (FLOAT_VALUED.has(op)) return floatResultType(dtype);
  return dtype === 'bool' ? 'int32' : dtype;
}

/**
 * Applies unary kernel `op` (any name of `SCALAR_UNARY`), with its result dtype.
 * @example unary('exp', array([0, 1])); // [1, 2.718...] as float32
 */
export function unary(op: UnaryOp, x: NDArray): NDArray {
  return getBackend().unary(op, x, elementwiseResultDtype(op, x.dtype));
}

/**
 * Applies binary kernel `op` (any name of `SCALAR_BINARY`) with NumPy broadcasting and PyTorch's
 * dtype promotion.
 * @example binary('add', array([1, 2]), 1); // [2, 3]
 */
export function binary(op: BinaryOp, a: Operand, b: Operand): NDArray {
  const promoted = resultDtype(a, b);
  const A = toArray(a, promoted, op),
    B = toArray(b, promoted, op);
  const dtype = elementwiseResultDtype(op, promoted);
  if (shapesEqual(A.shape, B.shape)) return getBackend().binary(op, A, B, dtype); // nothing to broadcast
  const shape = broadcastShapes(op, A.shape, B.shape);
  return getBackend().binary(op, A.expand(shape), B.expand(shape), dtype);
}

function compareOp(op: CompareOp, a: Operand, b: Operand): NDArray {
  const promoted = resultDtype(a, b);
  const A = toArray(a, promoted, op),
    B = toArray(b, promoted, op);
  const shape = broadcastShapes(op, A.shape, B.shape);
  return getBackend().compare(op, A.expand(shape), B.expand(shape));
}

/** -x */
export const neg = (x: NDArray): NDArray => unary('neg', x);
/** |x| */
export const abs = (x: NDArray): NDArray => unary('abs', x);
/** -1, 0 or 1 (NaN stays NaN) */
export const sign = (x: NDArray): NDArray => unary('sign', x);
/** e^x */
export const exp = (x: NDArray): NDArray => unary('exp', x);
/** natural log */
export const log = (x: NDArray): NDArray => unary('log', x);
/** log(1 + x), accurate near 0 */
export const log1p = (x: NDArray): NDArray => unary('log1p', x);
/** e^x - 1, accurate near 0 */
export const expm1 = (x: NDArray): NDArray => unary('expm1', x);
/** √x */
export const sqrt = (x: NDArray): NDArray => unary('sqrt', x);
/** x² */
export const square = (x: NDArray): NDArray => unary('square', x);
/** 1/x */
export const reciprocal = (x: NDArray): NDArray => unary('reciprocal', x);
/** sin x */
export const sin = (x: NDArray): NDArray => unary('sin', x);
/** cos x */
export const cos = (x: NDArray): NDArray => unary('cos', x);
/** tanh x */
export const tanh = (x: NDArray): NDArray => unary('tanh', x);
/** 1/(1+e^{-x}), stable for large |x| */
export const sigmoid = (x: NDArray): NDArray => unary('sigmoid', x);
/** max(x, 0) */
export const relu = (x: NDArray): NDArray => unary('relu', x);
/** the error function */
export const erf = (x: NDArray): NDArray => unary('erf', x);
/** log(1+e^x) = max(x,0) + log1p(e^{-|x|}), which never overflows */
export const softplus = (x: NDArray): NDArray => unary('softplus', x);
/** rounds down */
export const floor = (x: NDArray): NDArray => unary('floor', x);
/** rounds up */
export const ceil = (x: NDArray): NDArray => unary('ceil', x);
/** rounds half to even */
export const round = (x: NDArray): NDArray => unary('round', x);

/** a + b, broadcast */
export const add = (a: Operand, b: Operand): NDArray => binary('add', a, b);
/** a - b, broadcast */
export const sub = (a: Operand, b: Operand): NDArray => binary('sub', a, b);
/** a · b elementwise, broadcast */
export const mul = (a: Operand, b: Operand): NDArray => binary('mul', a, b);
/** a / b, broadcast; true division (ints give float32) */
export const div = (a: Operand, b: Operand): NDArray => binary('div', a, b);
/** a^b, broadcast */
export const pow = (a: Operand, b: Operand): NDArray => binary('pow', a, b);
/** elementwise max (NaN propagates) */
export const maximum = (a: Operand, b: Operand): NDArray => binary('maximum', a, b);
/** elementwise min (NaN propagates) */
export const minimum = (a: Operand, b: Operand): NDArray => binary('minimum', a, b);

/** a == b, bool */
export const eq = (a: Operand, b: Operand): NDArray => compareOp('eq', a, b);
/** a != b, bool */
export const ne = (a: Operand, b: Operand): NDArray => compareOp('ne', a, b);
/** a < b, bool */
export const lt = (a: Operand, b: Operand): NDArray => compareOp('lt', a, b);
/** a <= b, bool */
export const le = (a: Operand, b: Operand): NDArray => compareOp('le', a, b);
/** a > b, bool */
export const gt = (a: Operand, b: Operand): NDArray => compareOp('gt', a, b);
/** a >= b, bool */
export const ge = (a: Operand, b: Operand): NDArray => compareOp('ge', a, b);

/**
 * cond ? a : b elementwise, all three broadcast together. `cond` must be bool.
 * @example where(gt(x, 0), x, 0) // relu
 */
export function where(cond: NDArray, a: Operand, b: Operand): NDArray {
  if (cond.dtype !== 'bool') throw new DTypeError('where', `condition must be bool, got ${cond.dtype}`);
  const dtype = resultDtype(a, b);
  const A = toArray(a, dtype, 'where'),
    B = toArray(b, dtype, 'where');
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, A.shape), B.shape);
  return getBackend().where(cond.expand(shape), A.expand(shape), B.expand(shape), dtype);
}

/**
 * Limits each element to [min, max]; either bound may be omitted. NaN stays NaN;
 * if min > max, all become max (as PyTorch).
 */
export function clamp(x: NDArray, min?: number, max?: number): NDArray {
  const lo = min ?? -Infinity,
    hi = max ?? Infinity;
  return getBackend().clamp(x, lo, hi, clampResultDtype(x.dtype, lo, hi));
}

/**
 * The dtype of `clamp`'s result: an int or bool input with a fractional bound gives float32, a bool
 * input int32, anything else keeps its dtype.
 * @example clampResultDtype('int32', 0, 0.5); // 'float32'
 */
export function clampResultDtype(dtype: DType, lo: number, hi: number): DType {
  const fractional = (v: number): boolean => !Number.isInteger(v) && Number.isFinite(v);
  if (!isFloat(dtype) && (fractional(lo) || fractional(hi))) return 'float32';
  return dtype === 'bool' ? 'int32' : dtype;
}

/**
 * Converts to another dtype (a copy). Floats cast to int32 truncate toward zero, as in PyTorch;
 * NaN, ±∞ and values whose truncation is outside int32's range are a RangeError naming the first
 * one and its flat (row-major) index, never a silent wrap. Anything cast to bool is `v != 0`.
 */
export function cast(x: NDArray, dtype: DType): NDArray {
  checkDtype('cast', dtype);
  // a host check: a compiled plan runs it again on each replay's values
  if (dtype === 'int32' && isFloat(x.dtype)) hostCheck('cast', checkTruncatesToInt32, x);
  return getBackend().copy(x, dtype);
}

/** Throws unless every element of the float array x truncates to an int32. */
function checkTruncatesToInt32(x: NDArray): void {
  const c = x.contiguous();
  const data = c.data,
    o = c.offset;
  for (let i = 0; i < c.size; i++) {
    const v = data[o + i]!;
    if (!(v > INT32_MIN - 1 && v < INT32_MAX + 1))
      throw new RangeError(
        'cast',
        `value ${v} at flat index ${i} of a ${x.dtype} array cannot be cast to int32, which holds ` +
          `integers in [${INT32_MIN}, ${INT32_MAX}] (finite values are truncated toward zero)`,
      );
  }
}
