/**
 * Rearrangements: flip and roll (records: each a permutation of the elements, whose gradient is
 * the inverse permutation of G), and repeat and tile (composites of reshape and expand, so their
 * gradient sums the copies back through expand's rule).
 */
import * as T from '@chainrule/tensor';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOperand } from '../operands.js';
import { op, records, sameAsInput } from '../records.js';
import { expand, reshape } from './shape.js';

type RollParams = { shifts: number[]; axes: number[] };
const list = (xs: readonly number[]): string => `[${xs.join(',')}]`;
const ONE = { args: ['x'], out: 'x', d: ['1'] } as const;

export const REARRANGE_OPS = records({
  // d flip = flip back: G flipped along the same axes
  flip: op<{ axes: number[] }>({
    infer: sameAsInput,
    forward: ([x], p) => T.flip(x!, p.axes),
    uses: 'none',
    view: true,
    vjp: (g, { params: p }) => [flipAxes(g, p.axes)],
    formula: {
      kind: 'vjp',
      show: (c) => `flip(${c.inputs[0]}, axes ${list(c.params.axes)})`,
      vjp: (c) => [`G flipped along axes ${list(c.params.axes)}`],
      scalar: ONE,
    },
  }),
  // d roll = roll back: G rolled by −shifts
  roll: op<RollParams>({
    infer: sameAsInput,
    forward: ([x], p) => p.axes.reduce((y, a, i) => T.rollAxis(y, p.shifts[i]!, a), x!),
    uses: 'none',
    vjp: (g, { params: p }) => [
      rollAxes(
        g,
        p.shifts.map((s) => -s),
        p.axes,
      ),
    ],
    formula: {
      kind: 'vjp',
      show: (c) => `roll(${c.inputs[0]}, shifts ${list(c.params.shifts)}, axes ${list(c.params.axes)})`,
      vjp: (c) => [`G rolled by ${list(c.params.shifts.map((s) => -s))} along axes ${list(c.params.axes)}`],
      scalar: ONE,
    },
  }),
});

/** The flip record on resolved axes (also flip's gradient). */
function flipAxes(x: Tensor, axes: number[]): Tensor {
  return apply(REARRANGE_OPS.flip, [x], { axes });
}

/** The roll record on resolved shifts and axes (also roll's gradient). */
function rollAxes(x: Tensor, shifts: number[], axes: number[]): Tensor {
  return apply(REARRANGE_OPS.roll, [x], { shifts, axes });
}

/**
 * `x` with the order of its elements along each of `axes` reversed, as `torch.flip(x, dims)` (a
 * view: negative strides, no copy). The gradient is G flipped back.
 * @example
 * ```ts
 * import { flip, tensor } from '@chainrule/autograd';
 * flip(tensor([[1, 2], [3, 4]]), 1).toArray(); // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  checkOperand('flip', x, 'its input', false);
  const ax = T.normalizeAxes('flip', axes, x.ndim);
  if (ax.length === 0) return x;
  return flipAxes(x, ax);
}

/**
 * `x` shifted cyclically by `shifts` along `axes`, as `torch.roll(x, shifts, dims)`: without axes,
 * the flattened tensor is rolled and reshaped back. The gradient is G rolled back.
 * @throws ShapeError `roll: shifts [1, 2] and axes [0] must have the same length`
 * @example
 * ```ts
 * import { roll, tensor } from '@chainrule/autograd';
 * roll(tensor([1, 2, 3, 4]), 1).toArray(); // [4, 1, 2, 3]
 * roll(tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]).toArray(); // [[4, 3], [2, 1]]
 * ```
 */
export function roll(x: Tensor, shifts: number | readonly number[], axes?: number | readonly number[]): Tensor {
  checkOperand('roll', x, 'its input', false);
  const args = T.rollArgs(x.shape, shifts, axes);
  if ('shift' in args) {
    const flat = reshape(x, [-1]);
    return reshape(rollAxes(flat, [args.shift], [0]), x.shape);
  }
  if (args.axes.length === 0) return x;
  return rollAxes(x, args.shifts, args.axes);
}

/** Checks repeat counts: non-negative integers. */
function checkCounts(op: string, counts: readonly number[]): void {
  if (!counts.every((r) => Number.isInteger(r) && r >= 0))
    throw new T.ShapeError(op, `repeat counts must be non-negative integers, got ${list(counts)}`);
}

/**
 * `x` repeated `sizes[i]` times along each axis, as PyTorch's `Tensor.repeat(*sizes)`: `sizes` has
 * at least x's rank (extra leading counts add axes). A composite of reshape and expand, so the
 * gradient of each element is the sum of the gradients of its copies.
 * @throws ShapeError `repeat: expected at least 2 repeat counts for shape [2,3], got [2]`
 * @example
 * ```ts
 * import { repeat, tensor } from '@chainrule/autograd';
 * repeat(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, sizes: number | readonly number[]): Tensor {
  checkOperand('repeat', x, 'its input', false);
  const counts = typeof sizes === 'number' ? [sizes] : [...sizes];
  if (counts.length < x.ndim)
    throw new T.ShapeError(
      'repeat',
      `expected at least ${x.ndim} repeat counts for shape ${T.fmtShape(x.shape)}, got ${list(counts)}`,
    );
  checkCounts('repeat', counts);
  const shape = [...counts.slice(0, counts.length - x.ndim).map(() => 1), ...x.shape];
  // [d0, d1, ...] → [1, d0, 1, d1, ...] → [r0, d0, r1, d1, ...] → [r0·d0, r1·d1, ...]
  const spread = reshape(
    x,
    shape.flatMap((d) => [1, d]),
  );
  const copies = expand(
    spread,
    shape.flatMap((d, i) => [counts[i]!, d]),
  );
  return reshape(
    copies,
    shape.map((d, i) => d * counts[i]!),
  );
}

/**
 * `x` tiled `reps[i]` times along each axis, as `torch.tile(x, dims)`: fewer counts than x's rank
 * are padded with leading 1s (then it is `repeat`).
 * @example
 * ```ts
 * import { tensor, tile } from '@chainrule/autograd';
 * tile(tensor([[1, 2], [3, 4]]), [2]).toArray(); // [[1, 2, 1, 2], [3, 4, 3, 4]]
 * ```
 */
export function tile(x: Tensor, reps: number | readonly number[]): Tensor {
  checkOperand('tile', x, 'its input', false);
  const counts = typeof reps === 'number' ? [reps] : [...reps];
  checkCounts('tile', counts);
  return repeat(x, [...Array.from({ length: Math.max(0, x.ndim - counts.length) }, () => 1), ...counts]);
}

/** The method forms of this family's functions. */
export const REARRANGE_METHODS = { flip, roll, repeat, tile };
