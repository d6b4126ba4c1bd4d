/**
 * Checks of what a layer's forward is given, beyond shapes: the input's dtype against the
 * layer's (PyTorch refuses mixed dtypes: "mat1 and mat2 must have the same dtype").
 */
import * as T from '@chainrule/tensor';
import { type DType, isFloat } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';

/**
 * Throws a DTypeError naming `op` unless `x` has the layer's dtype (with `dtype` null, for a layer
 * holding no float tensors, unless `x` is float). `what` names the argument (`input`, `h0`...).
 * @example
 * ```ts
 * checkInputDtype('Linear', tensor([1, 2], { dtype: 'int32' }), 'float32');
 * // DTypeError: Linear: expected a float32 input (the layer's dtype), got int32; cast it with x.cast('float32')
 * ```
 */
export function checkInputDtype(op: string, x: Tensor, dtype: DType | null, what = 'input'): void {
  if (dtype === null) {
    if (!isFloat(x.dtype)) {
      throw new T.DTypeError(
        op,
        `expected a float32 or float64 ${what}, got ${x.dtype}; cast it with x.cast('float32')`,
      );
    }
    return;
  }
  if (x.dtype !== dtype) {
    throw new T.DTypeError(
      op,
      `expected a ${dtype} ${what} (the layer's dtype), got ${x.dtype}; cast it with x.cast('${dtype}')`,
    );
  }
}

/** Throws a ShapeError naming `op` unless state `name` has `shape` ("LSTMCell: c must be [2, 4], got [2,5]"). */
export function checkStateShape(op: string, name: string, s: Tensor, shape: readonly number[]): void {
  if (!T.shapesEqual(s.shape, shape)) {
    throw new T.ShapeError(op, `${name} must be [${shape.join(', ')}], got ${T.fmtShape(s.shape)}`);
  }
}
