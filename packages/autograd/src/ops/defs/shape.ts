/**
 * Shape and data movement: reshape, permute, expand (where broadcasting is undone, in its rule),
 * slices and concatenation, and the composites built on them.
 */
import * as T from '@chainrule/tensor';
import { type DType, promoteTypes } from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { op, records } from '../records.js';
import { broadcastAxes, inversePermutation } from '../axes.js';
import { CAST_OPS, cast } from './cast.js';

type SliceParams = { axis: number; start: number; stop: number; step: number };
const axesText = (axes: readonly number[]): string => `[${axes.join(',')}]`;
const range = (p: SliceParams): string => `${p.start}:${p.stop}:${p.step} on axis ${p.axis}`;
const ONE = { args: ['x'], out: 'x', d: ['1'] } as const;

export const SHAPE_OPS = records({
  // d reshape = reshape back
  reshape: op<{ shape: number[] }>({
    infer: (inputs, p) => ({ shape: p.shape, dtype: inputs[0]!.dtype }),
    forward: (inputs, p) => inputs[0]!.reshape(p.shape),
    uses: 'none',
    view: true,
    vjp: (g, { inputs: [x] }) => [reshape(g, x!.shape)],
    formula: {
      kind: 'vjp',
      show: (c) => `reshape(${c.inputs[0]}, ${T.fmtShape(c.params.shape)})`,
      vjp: (c) => [`G reshaped to ${T.fmtShape(c.inputShapes[0]!)}`],
      scalar: ONE,
    },
  }),
  // d permute = the inverse permutation
  permute: op<{ order: number[] }>({
    infer: (inputs, p) => ({ shape: p.order.map((a) => inputs[0]!.shape[a]!), dtype: inputs[0]!.dtype }),
    forward: (inputs, p) => inputs[0]!.permute(p.order),
    uses: 'none',
    view: true,
    vjp: (g, { params: p }) => [permute(g, inversePermutation(p.order))],
    formula: {
      kind: 'vjp',
      show: (c) => `permute(${c.inputs[0]}, ${axesText(c.params.order)})`,
      vjp: (c) => [`G permuted by ${axesText(inversePermutation(c.params.order))}`],
      scalar: ONE,
    },
  }),
  // d expand = sum over the broadcast axes: the one place broadcasting is undone
  expand: op<{ shape: number[] }>({
    infer: (inputs, p) => ({ shape: p.shape, dtype: inputs[0]!.dtype }),
    forward: (inputs, p) => inputs[0]!.expand(p.shape),
    uses: 'none',
    view: true,
    vjp: (g, { inputs: [x] }) => [sumToShape(g, x!.shape)],
    formula: {
      kind: 'vjp',
      show: (c) => `expand(${c.inputs[0]}, ${T.fmtShape(c.params.shape)})`,
      vjp: (c) => [`Σ of G over the broadcast axes ${axesText(broadcastAxes(c.inputShapes[0]!, c.params.shape))}`],
      scalar: ONE,
    },
  }),
  // d slice = the gradient placed back into zeros
  slice: op<SliceParams>({
    infer: (inputs, p) => ({
      shape: inputs[0]!.shape.map((n, i) => (i === p.axis ? sliceLength(n, p) : n)),
      dtype: inputs[0]!.dtype,
    }),
    forward: (inputs, p) => inputs[0]!.slice(p.axis, p.start, p.stop, p.step),
    uses: 'none',
    view: true,
    vjp: (g, { inputs: [x], params: p }) => [sliceBackward(g, [...x!.shape], p)],
    formula: {
      kind: 'vjp',
      show: (c) => `${c.inputs[0]}[${range(c.params)}]`,
      vjp: (c) => [`G placed into zeros of ${T.fmtShape(c.inputShapes[0]!)} at ${range(c.params)}`],
      scalar: ONE,
    },
  }),
  // d (place into zeros) = take the slice again
  sliceBackward: op<SliceParams & { shape: number[] }>({
    infer: (inputs, p) => ({ shape: p.shape, dtype: inputs[0]!.dtype }),
    forward: (inputs, p) => {
      const out = T.zeros(p.shape, inputs[0]!.dtype);
      T.getBackend().assign(out.slice(p.axis, p.start, p.stop, p.step), inputs[0]!);
      return out;
    },
    uses: 'none',
    vjp: (g, { params: p }) => [slice(g, p.axis, p.start, p.stop, p.step)],
    formula: {
      kind: 'vjp',
      show: (c) => `zeros ${T.fmtShape(c.params.shape)} with ${c.inputs[0]} at ${range(c.params)}`,
      vjp: (c) => [`G[${range(c.params)}]`],
    },
  }),
  // d concat = split the gradient into the inputs' pieces
  concat: op<{ axis: number }>({
    infer: (inputs, p) => ({
      shape: inputs[0]!.shape.map((n, i) => (i === p.axis ? inputs.reduce((s, x) => s + x.shape[i]!, 0) : n)),
      dtype: inputs[0]!.dtype,
    }),
    forward: (inputs, p) => T.concat(inputs, p.axis),
    uses: 'none',
    vjp: (g, { inputs, params: p }) => {
      let at = 0;
      return inputs.map((x) => {
        const n = x.shape[p.axis]!;
        const piece = slice(g, p.axis, at, at + n, 1);
        at += n;
        return piece;
      });
    },
    formula: {
      kind: 'vjp',
      show: (c) => `concat([${c.inputs.join(', ')}], axis ${c.params.axis})`,
      vjp: (c) => {
        let at = 0;
        return c.inputShapes.map((s) => {
          const n = s[c.params.axis]!;
          const piece = `G[${at}:${at + n} on axis ${c.params.axis}]`;
          at += n;
          return piece;
        });
      },
      scalar: ONE,
    },
  }),
});

/** The length of Python's `range(n)[start:stop:step]`. */
function sliceLength(n: number, p: SliceParams): number {
  const at = (v: number): number => (v < 0 ? v + n : v);
  const lo = p.step > 0 ? 0 : -1,
    hi = p.step > 0 ? n : n - 1;
  const s = Math.min(Math.max(at(p.start), lo), hi),
    e = Math.min(Math.max(at(p.stop), lo), hi);
  return Math.max(0, Math.ceil((e - s) / p.step));
}

/** Sums a broadcast gradient back to `shape` (expand's gradient; sum is a method, from the reductions). */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (T.shapesEqual(g.shape, shape)) return g;
  return reshape(g.sum(broadcastAxes(shape, g.shape), true), shape);
}

/** Places `g` into zeros of `shape` at a slice (slice's gradient). */
function sliceBackward(g: Tensor, shape: number[], p: SliceParams): Tensor {
  return apply(SHAPE_OPS.sliceBackward, [g], { shape, axis: p.axis, start: p.start, stop: p.stop, step: p.step });
}

/**
 * A shape given as PyTorch takes it: one array (`[2, 6]`) or the sizes as arguments (`2, 6`).
 * Method calls pass trailing `undefined`s (methods.ts), which are dropped.
 */
function shapeArgument(op: string, args: readonly unknown[]): readonly number[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n === 1 && Array.isArray(args[0])) return args[0] as readonly number[];
  const sizes = args.slice(0, n);
  if (!sizes.every((d) => typeof d === 'number')) {
    const got = sizes.map((d) => (Array.isArray(d) ? `[${d.join(', ')}]` : typeof d)).join(', ');
    throw new T.ShapeError(op, `expected a shape as one array or as numbers, got (${got})`);
  }
  return sizes as number[];
}

/**
 * A new shape for the same elements (a view where the strides allow it, else a copy); one
 * dimension may be -1. The shape is one array or the sizes as arguments, as in PyTorch.
 * @example
 * ```ts
 * reshape(arange(0, 6), [2, -1]).shape; // [2, 3]
 * arange(0, 12).reshape(2, 6).shape; // [2, 6]
 * ```
 */
export function reshape(x: Tensor, ...shape: [readonly number[]] | number[]): Tensor {
  // validates and resolves -1 without copying anything
  const target = T.inferReshape(shapeArgument('reshape', shape), x.value.size);
  if (T.shapesEqual(target, x.shape)) return x;
  return apply(SHAPE_OPS.reshape, [x], { shape: [...target] });
}
/**
 * `reshape` that never copies, as PyTorch's `view`: a ShapeError where the strides do not allow a
 * view of the new shape (a transposed matrix flattened, say); `reshape` copies then.
 * @example
 * ```ts
 * arange(0, 6).view(2, 3).shape; // [2, 3]
 * arange(0, 6).view(2, 3).mT.view(6); // ShapeError: not viewable, use reshape
 * ```
 */
export function view(x: Tensor, ...shape: [readonly number[]] | number[]): Tensor {
  const wanted = shapeArgument('view', shape);
  const r = x.value.reshape(wanted); // validates and resolves -1
  if (r.data !== x.value.data) {
    throw new T.ShapeError(
      'view',
      `a tensor of shape ${T.fmtShape(x.shape)} and strides ${T.fmtShape(x.value.strides)} cannot be viewed ` +
        `as ${T.fmtShape(r.shape)} without a copy; use reshape (which copies)`,
    );
  }
  return reshape(x, r.shape);
}
/**
 * A copy with its own storage that gradients flow through unchanged, as PyTorch's `clone`
 * (the record is `cast` to the same dtype: a copy whose rule passes the gradient through).
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = x.clone(); // y.value is a new array; y.sum().backward() gives x.grad = [1, 1]
 * ```
 */
export function clone(x: Tensor): Tensor {
  return apply(CAST_OPS.cast, [x], { dtype: x.dtype });
}
/** Flattens the axes from `startAxis` on into one. */
export function flatten(x: Tensor, startAxis = 0): Tensor {
  const s = T.normalizeAxis('flatten', startAxis, Math.max(x.ndim, 1));
  return reshape(x, [...x.shape.slice(0, s), -1]);
}
/** Reorders the axes (a view). */
export function permute(x: Tensor, order: readonly number[]): Tensor {
  x.value.permute(order); // validates
  const axes = order.map((a) => T.normalizeAxis('permute', a, x.ndim));
  if (axes.every((a, i) => a === i)) return x;
  return apply(SHAPE_OPS.permute, [x], { order: axes });
}
/** Reverses the axes, or swaps the two given ones. */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  if (axis0 === undefined || axis1 === undefined)
    return permute(
      x,
      x.shape.map((_, i) => x.ndim - 1 - i),
    );
  const a = T.normalizeAxis('transpose', axis0, x.ndim),
    b = T.normalizeAxis('transpose', axis1, x.ndim);
  const order = x.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}
/** Swaps the last two axes (the matrix transpose of every matrix in a batch); x needs at least 2 dimensions. */
export function mT(x: Tensor): Tensor {
  if (x.ndim < 2) {
    throw new T.ShapeError(
      'mT',
      `expected a matrix or a batch of matrices (at least 2 dimensions), got shape ${T.fmtShape(x.shape)}`,
    );
  }
  const order = x.shape.map((_, i) => i);
  const n = order.length;
  order[n - 2] = n - 1;
  order[n - 1] = n - 2;
  return permute(x, order);
}
/** Broadcasts to `shape` (a view; size-1 axes are stretched, new axes added in front). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.value.expand(shape); // validates
  if (T.shapesEqual(shape, x.shape)) return x;
  return apply(SHAPE_OPS.expand, [x], { shape: [...shape] });
}
/** Removes size-1 axes (all, or the given ones). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  return reshape(x, x.value.squeeze(axes).shape);
}
/** Inserts a size-1 axis at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  return reshape(x, x.value.unsqueeze(axis).shape);
}
/** Python-style `x[start:stop:step]` along one axis (a view). */
export function slice(x: Tensor, axis: number, start?: number, stop?: number, step = 1): Tensor {
  const ax = T.normalizeAxis('slice', axis, x.ndim);
  const n = x.shape[ax]!;
  const s = start ?? (step > 0 ? 0 : n - 1);
  const e = stop ?? (step > 0 ? n : -n - 1);
  return apply(SHAPE_OPS.slice, [x], { axis: ax, start: s, stop: e, step });
}
/** Index `i` along `axis`, dropping the axis. */
export function select(x: Tensor, axis: number, i: number): Tensor {
  const ax = T.normalizeAxis('select', axis, x.ndim);
  x.value.select(ax, i); // validates the index
  const k = i < 0 ? i + x.shape[ax]! : i;
  return squeeze(slice(x, ax, k, k + 1), ax);
}
/** Joins tensors along an existing axis (dtypes promoted). */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) return new Tensor(T.concat([], axis));
  const ax = T.normalizeAxis('concat', axis, Math.max(xs[0]!.ndim, 1));
  let dtype: DType = xs[0]!.dtype;
  for (const x of xs) dtype = promoteTypes(dtype, x.dtype);
  // the forward (T.concat) validates the shapes
  return apply(
    SHAPE_OPS.concat,
    xs.map((x) => cast(x, dtype)),
    { axis: ax },
  );
}
/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) return new Tensor(T.stack([], axis));
  const ax = T.normalizeAxis('stack', axis, xs[0]!.ndim + 1);
  xs.forEach((x, i) => {
    if (!T.shapesEqual(x.shape, xs[0]!.shape)) {
      throw new T.ShapeError(
        'stack',
        `array ${i} has shape ${T.fmtShape(x.shape)}, expected ${T.fmtShape(xs[0]!.shape)} (all must match)`,
      );
    }
  });
  return concat(
    xs.map((x) => unsqueeze(x, ax)),
    ax,
  );
}
/** Pieces of `x` along `axis`: of one size (the last may be smaller), or of the given sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  const ax = T.normalizeAxis('split', axis, x.ndim);
  const pieces = T.split(x.value, sizeOrSections, ax);
  let at = 0;
  return pieces.map((p) => {
    const n = p.shape[ax]!;
    const out = slice(x, ax, at, at + n);
    at += n;
    return out;
  });
}

/** The shape ops' method forms (`x.reshape(...)`). */
export const SHAPE_METHODS = {
  reshape,
  view,
  clone,
  flatten,
  permute,
  transpose,
  expand,
  broadcastTo: expand,
  squeeze,
  unsqueeze,
  slice,
  select,
  split,
};
