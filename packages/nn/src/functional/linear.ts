/**
 * y = x Wᵀ + b with W [out, in] and b [out] (or null). The input is [..., in]. This is autograd's
 * fused `linear` op (one recorded node: the product on W's transposed view with b added in place).
 * @throws ShapeError `linear: input [2,3] and weight [4,5] do not match (3 != 5)`
 * @example
 * ```ts
 * import { linear } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1])).toArray(); // [[1, 2, 4]]
 * ```
 */
export { linear } from '@chainrule/autograd';
