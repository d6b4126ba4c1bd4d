/**
 * The scalar path of the backward pass. While no graph of the backward is recorded, a node whose
 * operands are all 0-d floats of one dtype and whose op has scalar rules (the record's `scalar`)
 * receives and sends its gradients as plain numbers, so a chain of scalar ops allocates nothing
 * per op in backward. A number becomes a 0-d tensor again wherever a tensor is needed (hooks,
 * retainGrad, `.grad`, a tensor rule, a sum with a tensor gradient), with the same value: the
 * scalar rules and sums round to the dtype exactly where the tensor ops store a result.
 */
import * as T from '@chainrule/tensor';
import type { DType } from '@chainrule/tensor';
import { scalarTensor } from '../ops/scalar-storage.js';
import { type Node, type ScalarGrad, Tensor } from '../tensor.js';

const identity = (v: number): number => v;

/** Rounds a float64 result to `dtype`, as storing it in that dtype's array would. */
export function rounding(dtype: DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : identity;
}

/** A 0-d tensor holding `v` (a float32 or float64 gradient, already representable in `dtype`). */
export function gradTensor(v: number, dtype: DType): Tensor {
  return dtype === 'float32' || dtype === 'float64'
    ? scalarTensor(v, dtype, null)
    : new Tensor(T.scalarArray(v, dtype));
}

/** The scalar rules of `node` when it can run on numbers: it has them (0-d float operands) and no hooks. */
export function scalarRulesOf(node: Node): readonly ScalarGrad[] | undefined {
  return node.hooks === null && node.output !== null ? node.scalarRules : undefined;
}
