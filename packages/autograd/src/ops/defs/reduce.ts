/** Reductions over axes (sum, max, min, prod) and the index reductions argmax and argmin. */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { isGradEnabled } from '../../grad-mode.js';
import { type ArrayMeta, type RuleContext, Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { oneAxisExtremumGrad } from '../extremum-grad.js';
import type { FormulaContext } from '../formula.js';
import { noGradRecord, op, records } from '../records.js';
import { div, eq, mul, where } from './binary.js';
import { cast } from './cast.js';
import { inversePermutation } from '../axes.js';
import { expand, permute, reshape, unsqueeze } from './shape.js';

type ReduceParams = { axes: number[]; keepDims: boolean };
type ArgParams = { axis: number | undefined; keepDims: boolean };

/** The reduced shape and the input's dtype (sum of ints stays int, as the kernels do). */
function reduced(inputs: readonly ArrayMeta[], p: ReduceParams): ArrayMeta {
  const x = inputs[0]!;
  const shape = p.keepDims ? T.keptShape(x.shape, p.axes) : x.shape.filter((_, i) => !p.axes.includes(i));
  return { shape, dtype: x.dtype === 'bool' ? 'int32' : x.dtype };
}

/** max and min keep the input's dtype, bool included (sum and prod count bools as int32). */
function extremumMeta(inputs: readonly ArrayMeta[], p: ReduceParams): ArrayMeta {
  return { shape: reduced(inputs, p).shape, dtype: inputs[0]!.dtype };
}

/** How a reduction reads: `sum(x)` over everything, else with its axes. */
const show =
  (name: string) =>
  (c: FormulaContext<ReduceParams>): string =>
    c.params.axes.length === c.inputShapes[0]!.length
      ? `${name}(${c.inputs[0]})`
      : `${name}(${c.inputs[0]}, axes [${c.params.axes.join(',')}])`;
const ONE = { args: ['x'], out: 'x', d: ['1'] } as const;

/** The gradient of a reduction, reshaped with the reduced axes kept (size 1) so it broadcasts back. */
function keptGrad(grad: Tensor, inputShape: readonly number[], axes: readonly number[], keepDims: boolean): Tensor {
  return keepDims ? grad : reshape(grad, T.keptShape(inputShape, axes));
}

const argRecord = (name: 'argmax' | 'argmin') =>
  noGradRecord<ArgParams>(
    (inputs, p) => {
      const x = inputs[0]!;
      if (p.axis === undefined) return { shape: p.keepDims ? x.shape.map(() => 1) : [], dtype: 'int32' };
      const ax = T.normalizeAxis(name, p.axis, x.shape.length);
      return { shape: p.keepDims ? T.keptShape(x.shape, [ax]) : x.shape.filter((_, i) => i !== ax), dtype: 'int32' };
    },
    (inputs, p) => T[name](inputs[0]!, p.axis, p.keepDims),
    { kind: 'none', show: (c) => `${name}(${c.inputs[0]})` },
  );

/** max or min over axes: the gradient goes to the elements equal to the result, split evenly among ties. */
function extremumRecord(name: 'max' | 'min', where: string) {
  return op<ReduceParams>({
    infer: extremumMeta,
    forward: (inputs, p) => T[name](inputs[0]!, p.axes, p.keepDims),
    uses: 'both',
    vjp: (g, ctx) => [extremumGrad(g, ctx)],
    formula: {
      kind: 'vjp',
      show: show(name),
      vjp: (c) => [`G at the ${where} of ${c.inputs[0]} (split among ties)`],
      scalar: ONE,
    },
  });
}

export const REDUCE_OPS = records({
  // d Σx = 1 for every element: the gradient is broadcast back
  sum: op<ReduceParams>({
    infer: reduced,
    forward: (inputs, p) => T.sum(inputs[0]!, p.axes, p.keepDims),
    uses: 'none',
    vjp: (g, { inputs: [x], params: p }) => [expand(keptGrad(g, x!.shape, p.axes, p.keepDims), x!.shape)],
    formula: {
      kind: 'vjp',
      show: show('sum'),
      vjp: (c) => [`G copied to every element of ${T.fmtShape(c.inputShapes[0]!)} (∂Σ/∂xᵢ = 1)`],
      scalar: ONE,
    },
  }),
  // d max = 1 at the maxima, split evenly among ties
  max: extremumRecord('max', 'maxima'),
  // d min = 1 at the minima, split evenly among ties
  min: extremumRecord('min', 'minima'),
  // d Πx / dx_i = Π_{j≠i} x_j. A plain backward divides, Πx / x_i, when that is safe (no 0, no
  // under- or overflow); otherwise, and whenever the backward is recorded to be differentiated
  // again (where Πx / x_i would cancel catastrophically), the exact products of the others.
  prod: op<ReduceParams>({
    infer: reduced,
    forward: (inputs, p) => T.prod(inputs[0]!, p.axes, p.keepDims),
    uses: 'both',
    vjp: (g, { inputs: [x], output, params: p }) => {
      const gk = keptGrad(g, x!.shape, p.axes, p.keepDims);
      if (!isGradEnabled() && allNormal(output.value))
        return [div(mul(gk, keptGrad(output, x!.shape, p.axes, p.keepDims)), x!)];
      return [mul(gk, productOfOthers(x!, p.axes))];
    },
    formula: { kind: 'vjp', show: show('prod'), vjp: (c) => [`G·${c.out}/${c.inputs[0]}`], scalar: ONE },
  }),
  // d cumsum(x)_i / dx_j = 1 for i ≥ j: the gradient is the running sum of G from the other end
  cumsum: op<{ axis: number; reverse: boolean }>({
    infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype === 'bool' ? 'int32' : x!.dtype }),
    forward: ([x], p) => T.getBackend().scan('sum', x!, p.axis, p.reverse, x!.dtype === 'bool' ? 'int32' : x!.dtype),
    uses: 'none',
    vjp: (g, { params: p }) => [runningSum(g, p.axis, !p.reverse)],
    formula: {
      kind: 'vjp',
      show: (c) => `cumsum(${c.inputs[0]}, axis ${c.params.axis}${c.params.reverse ? ', from the end' : ''})`,
      vjp: (c) => [
        `the running sum of G along axis ${c.params.axis} from the ${c.params.reverse ? 'start' : 'end'} ` +
          `(∂outᵢ/∂xⱼ = 1 for i ${c.params.reverse ? '≤' : '≥'} j)`,
      ],
      scalar: ONE,
    },
  }),
  argmax: argRecord('argmax'),
  argmin: argRecord('argmin'),
});

/** max/min reductions: the gradient goes to the elements equal to the result, split evenly. */
function extremumGrad(g: Tensor, { inputs: [x], output, params: p }: RuleContext<ReduceParams>): Tensor {
  const gk = keptGrad(g, x!.shape, p.axes, p.keepDims);
  const ok = keptGrad(output, x!.shape, p.axes, p.keepDims);
  if (!isGradEnabled() && p.axes.length === 1) {
    // fused, bit-identical to the chain below (which stays for createGraph: it differentiates again)
    const fused = oneAxisExtremumGrad(x!.value, ok.value, gk.value, p.axes[0]!);
    if (fused !== undefined) return new Tensor(fused);
  }
  const mask = eq(x!, ok);
  const count = sum(cast(mask, x!.dtype), p.axes, true);
  return div(mul(gk, mask), count);
}

/** Whether every |element| is a finite normal number (so nothing is 0 and nothing underflowed). */
function allNormal(x: NDArray): boolean {
  T.noteHostRead('the prod gradient, which reads the values to choose its formula');
  const smallest = x.dtype === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const c = x.contiguous();
  for (let i = 0; i < c.size; i++) {
    const v = Math.abs(c.data[c.offset + i]!);
    if (!(v >= smallest && v < Infinity)) return false;
  }
  return true;
}

/**
 * For each element, the product of the other elements of its reduced slice, without dividing
 * (so zeros are exact, and it differentiates again correctly): the reduced axes are moved last
 * and flattened to n, each slice is repeated n times with the diagonal set to 1, and multiplied out.
 */
function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const keptShape = kept.map((i) => x.shape[i]!);
  const rows = reshape(permute(x, order), [...keptShape, n]);
  const repeated = expand(unsqueeze(rows, -2), [...keptShape, n, n]);
  const positions = T.arange(0, n, 1, 'int32');
  const diagonal = new Tensor(T.eq(positions.reshape([n, 1]), positions.reshape([1, n])));
  const others = prod(where(diagonal, 1, repeated), -1);
  const unflat = reshape(
    others,
    order.map((i) => x.shape[i]!),
  );
  return permute(unflat, inversePermutation(order));
}

type Axes = T.Axes;

/** Σ over `axis` (all axes by default). @example sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6] */
export function sum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply(REDUCE_OPS.sum, [x], { axes: T.normalizeAxes('sum', axis, x.ndim), keepDims });
}
/** The largest element over `axis`; ties split the gradient evenly. */
export function max(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply(REDUCE_OPS.max, [x], { axes: T.normalizeAxes('max', axis, x.ndim), keepDims });
}
/** The smallest element over `axis`; ties split the gradient evenly. */
export function min(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply(REDUCE_OPS.min, [x], { axes: T.normalizeAxes('min', axis, x.ndim), keepDims });
}
/** Π over `axis` (exact gradients at zeros). */
export function prod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return apply(REDUCE_OPS.prod, [x], { axes: T.normalizeAxes('prod', axis, x.ndim), keepDims });
}
/**
 * The running sum along `axis`, as `torch.cumsum(x, dim)`: out[..., i, ...] = Σ_{j ≤ i} x[..., j, ...]
 * (summed in float64, each element stored in x's dtype; bools count as int32).
 * @example
 * ```ts
 * cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // [[1, 3, 6], [4, 9, 15]]
 * ```
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  return runningSum(x, T.normalizeAxis('cumsum', axis, Math.max(x.ndim, 1)), false);
}
function runningSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  return apply(REDUCE_OPS.cumsum, [x], { axis, reverse });
}
/** The index of the first largest element along `axis` (of the flattened tensor by default); int32, no gradient. */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return apply(REDUCE_OPS.argmax, [x], { axis, keepDims });
}
/** The index of the first smallest element along `axis`; int32, no gradient. */
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return apply(REDUCE_OPS.argmin, [x], { axis, keepDims });
}

/** The method forms of this family's functions. */
export const REDUCE_METHODS = { sum, max, min, prod, cumsum, argmax, argmin };
