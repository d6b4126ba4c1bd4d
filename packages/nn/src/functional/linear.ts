import * as T from '@chainrule/tensor';
import { type Tensor, add, matmul, mT } from '@chainrule/autograd';

/**
 * y = x Wᵀ + b with W [out, in] and b [out] (or null). The input is [..., in].
 * @example
 * ```ts
 * import { linear } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])).toArray(); // [[1, 2, 4]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new T.ShapeError('linear', `input ${T.fmtShape(x.shape)} does not fit weight ${T.fmtShape(weight.shape)} (expected [..., ${weight.shape[1]}])`);
  }
  const y = matmul(x, mT(weight));
  return bias === null ? y : add(y, bias);
}
