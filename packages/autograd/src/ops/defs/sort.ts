/**
 * Sorting: argsort (a record without gradient, the stable sort kernel) and the composites sort and
 * topk, whose values are a gather at argsort's positions, so their gradient is gather's (the
 * gradient of each value goes back to the position it came from).
 */
import * as T from '@chainrule/tensor';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import { noGradRecord, records } from '../records.js';
import { gather } from './indexing.js';
import { reshape, slice } from './shape.js';

type ArgsortParams = { axis: number; descending: boolean };

/** Values and their int32 positions along the axis, as PyTorch's `(values, indices)` of sort and topk. */
export type SortResult = T.SortResult<Tensor>;

export const SORT_OPS = records({
  // not differentiable: positions are integers
  argsort: noGradRecord<ArgsortParams>(
    ([x]) => ({ shape: x!.shape, dtype: 'int32' }),
    ([x], p) => T.getBackend().argsort(x!, p.axis, p.descending),
    {
      kind: 'none',
      show: (c) => `argsort(${c.inputs[0]}, axis ${c.params.axis}${c.params.descending ? ', descending' : ''})`,
    },
  ),
});

/** The axis of a sort (a 0-d tensor has axes 0 and -1, as in PyTorch), after checking x is a Tensor. */
function sortAxis(op: string, x: Tensor, axis: number): number {
  checkOperand(op, x, 'its input', false);
  return T.normalizeAxis(op, axis, Math.max(x.ndim, 1));
}

/** x's elements at `indices` along `axis`, differentiably (a 0-d x as one element). */
function pick(x: Tensor, axis: number, indices: Tensor): Tensor {
  if (x.ndim > 0) return gather(x, axis, indices);
  return reshape(gather(reshape(x, [1]), 0, reshape(indices, [1])), []);
}

/**
 * The positions that sort `x` along `axis` (the last by default), as
 * `torch.argsort(x, dim, descending, stable=True)`: always stable, descending too; NaN counts as the
 * largest value. int32, no gradient.
 * @example
 * ```ts
 * import { argsort, tensor } from '@chainrule/autograd';
 * argsort(tensor([3, 1, 2, 1])).toArray(); // [1, 3, 2, 0]
 * ```
 */
export function argsort(x: Tensor, axis = -1, descending = false): Tensor {
  const ax = sortAxis('argsort', x, axis);
  if (x.ndim === 0) return reshape(argsort(reshape(x, [1]), 0, descending), []);
  return apply(SORT_OPS.argsort, [x], { axis: ax, descending });
}

/**
 * `x` sorted along `axis` (the last by default) and the positions the values came from, as
 * `torch.sort(x, dim, descending, stable=True)`: stable in both directions, NaN counts as the
 * largest value. The gradient of each value goes back to its position.
 * @example
 * ```ts
 * import { sort, tensor } from '@chainrule/autograd';
 * const x = tensor([3, 1, 2], { requiresGrad: true });
 * const { values, indices } = sort(x, 0, true);
 * console.log(values.toArray(), indices.toArray()); // [3, 2, 1] [0, 2, 1]
 * values.mul(tensor([1, 10, 100])).sum().backward();
 * console.log(x.grad!.toArray()); // [1, 100, 10]
 * ```
 */
export function sort(x: Tensor, axis = -1, descending = false): SortResult {
  const ax = sortAxis('sort', x, axis);
  const indices = argsort(x, ax, descending);
  return { values: pick(x, ax, indices), indices };
}

/**
 * The `k` largest (smallest when `largest` is false) elements along `axis` (the last by default)
 * and their positions, as `torch.topk(x, k, dim, largest, sorted)`: in sorted order, or with
 * `sorted` false in the order they stand in `x`; of equal values the earlier position wins. The
 * gradient of each value goes back to its position.
 * @throws RangeError `topk: k = 6 is out of range for axis 0 of size 5 (shape [5]): expected 0 ≤ k ≤ 5`
 * @example
 * ```ts
 * import { tensor, topk } from '@chainrule/autograd';
 * const { values, indices } = topk(tensor([1, 5, 3, 4]), 2);
 * console.log(values.toArray(), indices.toArray()); // [5, 4] [1, 3]
 * ```
 */
export function topk(x: Tensor, k: number, axis = -1, largest = true, sorted = true): SortResult {
  const ax = sortAxis('topk', x, axis);
  T.checkTopk(x, k, ax);
  // through the records only (no reading of values), so topk also runs under vmap
  const order = argsort(x, ax, largest);
  if (x.ndim === 0) return { values: pick(x, ax, order), indices: order };
  const first = slice(order, ax, 0, k);
  const indices = sorted ? first : gather(first, ax, apply(SORT_OPS.argsort, [first], { axis: ax, descending: false }));
  return { values: pick(x, ax, indices), indices };
}

/** The method forms of this family's functions. */
export const SORT_METHODS = { argsort, sort, topk };
