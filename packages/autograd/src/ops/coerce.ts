/** Operand coercions the public functions record: int inputs to float, and operands to a common dtype and shape. */
import { type DType, isFloat, shapesEqual } from '@chainrule/tensor';
import type { Tensor } from '../tensor.js';
import { cast } from './defs/cast.js';
import { expand } from './defs/shape.js';

/** Ints and bools become float32 before float-valued ops, so rules see float inputs. */
export function floatInput(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, 'float32');
}

/** Casts and expands `t` to the op's common dtype and shape (recorded, so both are undone in backward). */
export function fit(t: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const c = t.dtype === dtype ? t : cast(t, dtype);
  return shapesEqual(c.shape, shape) ? c : expand(c, shape);
}
