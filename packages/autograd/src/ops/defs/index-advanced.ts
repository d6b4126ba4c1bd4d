/**
 * PyTorch's `x[...]` reads and writes: `at` (integers, slices, new axes, ellipsis, integer-array
 * and boolean-mask indexing in one call), `indexPut`, `maskedFill`, and the in-place forms of the
 * writes. No records of their own: they are made of views, gather and scatter, whose rules give
 * their gradients.
 */
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { Tensor } from '../../tensor.js';
import { type IndexEntry, type IndexItem, expandEllipsis, readIndex } from '../index-spec.js';
import { type TensorLike, checkOperand } from '../operands.js';
import { where } from './binary.js';
import { cast } from './cast.js';
import { type ScatterOptions, indexSelect, scatter } from './indexing.js';
import { writeInPlace } from '../write-in-place.js';
import { expand, permute, reshape, select, slice, unsqueeze } from './shape.js';

type Advanced = { readonly axis: number; readonly array: NDArray; readonly source: number };
const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The k int32 coordinate arrays of a k-d mask's true elements, in row-major order (torch.nonzero). */
function nonzero(mask: NDArray): NDArray[] {
  T.noteHostCompute('a boolean mask index (its result shape depends on the values)');
  const m = mask.contiguous();
  const strides = T.contiguousStrides(mask.shape);
  const hits: number[] = [];
  for (let i = 0; i < m.size; i++) if (m.data[m.offset + i]) hits.push(i);
  return mask.shape.map((_, d) => {
    const col = Int32Array.from(hits, (flat) => Math.floor(flat / strides[d]!) % mask.shape[d]!);
    return T.fromTypedArray(col, [hits.length]);
  });
}

/** Basic entries applied as views (select, slice, unsqueeze); the advanced ones collected. */
function applyBasic(op: string, x: Tensor, entries: readonly IndexEntry[]): [Tensor, Advanced[]] {
  let y = x,
    ax = 0,
    source = 0;
  const advanced: Advanced[] = [];
  for (const e of entries) {
    if (e.kind === 'int') {
      const n = x.shape[source]!;
      if (e.value < -n || e.value >= n)
        throw new T.RangeError(op, `index ${e.value} is out of range for axis ${source} of size ${n}`);
      y = select(y, ax, e.value);
      source++;
    } else if (e.kind === 'slice') {
      if (e.start !== undefined || e.stop !== undefined || e.step !== 1) y = slice(y, ax, e.start, e.stop, e.step);
      ax++;
      source++;
    } else if (e.kind === 'new') {
      y = unsqueeze(y, ax);
      ax++;
    } else if (e.kind === 'index') {
      advanced.push({ axis: ax++, array: e.array, source: source++ });
    } else if (e.kind === 'mask') {
      const k = e.array.ndim;
      const covered = x.shape.slice(source, source + k);
      if (!T.shapesEqual(covered, e.array.shape)) {
        throw new T.ShapeError(
          op,
          `the mask of shape ${T.fmtShape(e.array.shape)} does not match axes ${source}..${source + k - 1} of ` +
            `shape ${T.fmtShape(x.shape)}, which have shape ${T.fmtShape(covered)}`,
        );
      }
      nonzero(e.array).forEach((array, j) => {
        advanced.push({ axis: ax + j, array, source: source + j });
      });
      ax += k;
      source += k;
    }
  }
  return [y, advanced];
}

/**
 * Integer-array indexing of the axes `advanced` of y: the index arrays broadcast to one shape B;
 * B replaces those axes where they are adjacent, else it comes first (PyTorch's and NumPy's rule).
 */
function applyAdvanced(op: string, y: Tensor, advanced: readonly Advanced[]): Tensor {
  let shape: number[] = [];
  for (const a of advanced) shape = T.broadcastShapes(op, shape, a.array.shape);
  const axes = advanced.map((a) => a.axis);
  const sizes = axes.map((a) => y.shape[a]!);
  const strides = T.contiguousStrides(sizes);
  const sources = advanced.map((a) => a.source);
  const flat = T.hostKernel(
    'advancedIndex',
    flatIndex,
    op,
    shape,
    sizes,
    strides,
    sources,
    ...advanced.map((a) => a.array),
  );
  let z = y,
    p = axes[0]!;
  if (!axes.every((a, i) => a === p + i)) {
    const others = y.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    z = permute(y, [...axes, ...others]);
    p = 0;
  }
  const merged = [...z.shape.slice(0, p), sizeOf(sizes), ...z.shape.slice(p + axes.length)];
  const picked = indexSelect(reshape(z, merged), p, new Tensor(flat));
  return reshape(picked, [...merged.slice(0, p), ...shape, ...merged.slice(p + 1)]);
}

/** The flat positions, in the merged advanced axes, that the broadcast index arrays pick (a host kernel). */
function flatIndex(
  op: string,
  shape: readonly number[],
  sizes: readonly number[],
  strides: readonly number[],
  sources: readonly number[],
  ...arrays: NDArray[]
): NDArray {
  const count = sizeOf(shape);
  const flat = new Int32Array(count);
  arrays.forEach((array, j) => {
    const values = T.getBackend().copy(array.expand(shape), 'int32').data;
    const n = sizes[j]!;
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      if (v < -n || v >= n)
        throw new T.RangeError(op, `index ${v} is out of range for axis ${sources[j]} of size ${n}`);
      flat[i]! += (v < 0 ? v + n : v) * strides[j]!;
    }
  });
  return T.fromTypedArray(flat, [count]);
}

function index(op: string, x: Tensor, items: readonly IndexItem[]): Tensor {
  checkOperand(op, x, 'x', false);
  const [y, advanced] = applyBasic(op, x, expandEllipsis(op, readIndex(op, items), x.ndim));
  return advanced.length === 0 ? y : applyAdvanced(op, y, advanced);
}

/**
 * PyTorch's `x[...]`, differentiable: `x.at('1:3, ::2')` is `x[1:3, ::2]`. Items: integers (drop
 * their axis), slices (`sl(start, stop, step)` or `'a:b:c'`; negative bounds count from the end,
 * negative steps walk back), new axes (`null`, `NEW_AXIS`, `'None'`), one ellipsis (`'...'`), int32
 * tensors or number arrays (advanced indexing: they broadcast together, and their shape replaces
 * the indexed axes where those are adjacent, else comes first), and bool tensors or arrays (masks,
 * the positions of their true elements). A string may hold several comma-separated items, and mix
 * with the others: `x.at(':, 0', mask)`. Basic indexing gives views; advanced indexing copies.
 * @example
 * ```ts
 * const x = arange(0, 24).reshape([2, 3, 4]);
 * x.at('1, 0:2, ::-2').toArray(); // [[15, 13], [19, 17]]
 * x.at(ELLIPSIS, tensor([0, 3], { dtype: 'int32' })).shape; // [2, 3, 2]
 * x.at(0, x.at(0).gt(5)).toArray(); // [6, 7, 8, 9, 10, 11]
 * ```
 */
export function at(x: Tensor, ...items: IndexItem[]): Tensor {
  let n = items.length; // the method form pads its arguments with undefined
  while (n > 0 && items[n - 1] === undefined) n--;
  return index('at', x, n === items.length ? items : items.slice(0, n));
}

/** The flat position in x of every element of x's index (an int32 tensor of the result's shape). */
function positions(op: string, x: Tensor, items: readonly IndexItem[]): Tensor {
  const ids = new Tensor(T.arange(0, sizeOf(x.shape), 1, 'int32').reshape(x.shape));
  return index(op, ids, items);
}

/** Options of `indexPut`. */
export interface IndexPutOptions {
  /** Add the values into x (duplicates add up) instead of writing them (default false). */
  readonly accumulate?: boolean;
}

function put(op: string, x: Tensor, indices: string | readonly IndexItem[], values: TensorLike, acc: unknown): Tensor {
  checkOperand(op, x, 'x', false);
  checkOperand(op, values, 'the values');
  const pos = positions(op, x, typeof indices === 'string' ? [indices] : indices);
  let v = typeof values === 'number' ? new Tensor(T.scalarArray(values, x.dtype)) : cast(values, x.dtype);
  const lead = pos.ndim - v.ndim;
  if (lead < 0 || v.shape.some((d, i) => d !== 1 && d !== pos.shape[lead + i])) {
    throw new T.ShapeError(
      op,
      `values of shape ${T.fmtShape(v.shape)} cannot be broadcast to the indexed shape ${T.fmtShape(pos.shape)}`,
    );
  }
  v = expand(v, pos.shape);
  const options: ScatterOptions = acc === true ? { reduce: 'sum' } : {};
  const flat = scatter(reshape(x, [sizeOf(x.shape)]), 0, reshape(pos, [-1]), reshape(v, [-1]), options);
  return reshape(flat, x.shape);
}

function checkKeys(op: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options))
    if (!known.includes(key)) throw new T.RangeError(op, `unknown option '${key}' (known: ${known.join(', ')})`);
}

/**
 * PyTorch's `x[indices] = values` out of place (torch.index_put, with every kind of index `at`
 * takes): a copy of x with `values` (broadcast to the indexed shape) written at the indexed
 * positions, or added there with `{ accumulate: true }` (repeated positions add up; without it the
 * last write wins). Differentiable in x (zero gradient where written over) and in the values.
 * @example
 * ```ts
 * const x = zeros([2, 3]);
 * indexPut(x, [tensor([0, 1], { dtype: 'int32' }), tensor([2, 0], { dtype: 'int32' })], 5).toArray();
 * // [[0, 0, 5], [5, 0, 0]]
 * indexPut(x, ':, 1', tensor([1, 2])).toArray(); // [[0, 1, 0], [0, 2, 0]]
 * ```
 */
export function indexPut(
  x: Tensor,
  indices: string | readonly IndexItem[],
  values: TensorLike,
  options: IndexPutOptions = {},
): Tensor {
  checkKeys('indexPut', options, ['accumulate']);
  return put('indexPut', x, indices, values, options.accumulate);
}

/**
 * torch.masked_fill: x with `value` wherever the bool `mask` (broadcast to x's shape) is true.
 * `value` is a number or a 0-d tensor (differentiable; cast to x's dtype).
 * @example
 * ```ts
 * const x = tensor([1, -2, 3]);
 * maskedFill(x, x.lt(0), 0).toArray(); // [1, 0, 3]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkOperand('maskedFill', x, 'x', false);
  checkOperand('maskedFill', mask, 'the mask', false);
  checkOperand('maskedFill', value, 'the value');
  if (mask.dtype !== 'bool') throw new T.DTypeError('maskedFill', `the mask must be bool, got ${mask.dtype}`);
  const shape = T.broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!T.shapesEqual(shape, x.shape)) {
    throw new T.ShapeError(
      'maskedFill',
      `the mask of shape ${T.fmtShape(mask.shape)} cannot be broadcast to x's shape ${T.fmtShape(x.shape)}`,
    );
  }
  if (typeof value !== 'number' && value.ndim !== 0) {
    throw new T.ShapeError(
      'maskedFill',
      `the value must be a number or a 0-d tensor, got shape ${T.fmtShape(value.shape)}`,
    );
  }
  const v = typeof value === 'number' ? new Tensor(T.scalarArray(value, x.dtype)) : cast(value, x.dtype);
  return where(expand(mask, x.shape), v, x);
}

/**
 * `indexPut` in place (PyTorch's `x[indices] = values`, `index_put_`): for tensors that need no
 * grad, or under `noGrad`. Returns x.
 * @example
 * ```ts
 * const x = zeros([3]);
 * x.indexPutInPlace('0:2', 7).toArray(); // [7, 7, 0]
 * ```
 */
export function indexPutInPlace(
  x: Tensor,
  indices: string | readonly IndexItem[],
  values: TensorLike,
  options: IndexPutOptions = {},
): Tensor {
  checkKeys('indexPutInPlace', options, ['accumulate']);
  return writeInPlace('indexPutInPlace', x, values, () =>
    put('indexPutInPlace', x, indices, values, options.accumulate),
  );
}

/**
 * `maskedFill` in place (`masked_fill_`). Returns x.
 * @example
 * ```ts
 * const x = tensor([1, -2]);
 * x.maskedFillInPlace(x.lt(0), 0).toArray(); // [1, 0]
 * ```
 */
export function maskedFillInPlace(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  return writeInPlace('maskedFillInPlace', x, value, () => maskedFill(x, mask, value));
}

/** The method forms of this file's functions (`x.at(...)`, `x.indexPut(...)`, ...). */
export const ADVANCED_INDEXING_METHODS = {
  at,
  indexPut,
  maskedFill,
  indexPutInPlace,
  maskedFillInPlace,
};
