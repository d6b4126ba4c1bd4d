import { type DType, type TypedArray, dtypeOfArray, isInt32Value, notInt32 } from './dtype.js';
import { RangeError, ShapeError, fmtShape } from './errors.js';
import { type Shape, checkShape, contiguousStrides, normalizeAxis, shapesEqual, sizeOf } from './shape.js';
import { noteHostRead } from './host-events.js';

/** The strides of every 0-d array (shared: a scalar allocates none). */
const NO_STRIDES: Shape = Object.freeze([]);

/**
 * An n-dimensional array: a typed-array buffer seen through a shape, strides and an offset.
 * Element (i0, i1, ...) lives at `data[offset + i0*strides[0] + i1*strides[1] + ...]`.
 * Views (reshape where possible, transpose, permute, slice, expand, squeeze, unsqueeze) share
 * the buffer; nothing is copied until `contiguous()` or a kernel needs it.
 *
 * @example
 * ```ts
 * import { array } from '@chainrule/tensor';
 * const a = array([[1, 2, 3], [4, 5, 6]]);
 * a.transpose().shape; // [3, 2], a view of the same buffer
 * ```
 */
export class NDArray {
  readonly dtype: DType;
  readonly size: number;
  readonly isContiguous: boolean;

  constructor(
    readonly data: TypedArray,
    readonly shape: Shape,
    readonly strides: Shape = shape.length === 0 ? NO_STRIDES : contiguousStrides(shape),
    readonly offset = 0,
  ) {
    this.dtype = dtypeOfArray(data);
    // 0-d arrays (one per scalar op on the scalar path) skip the shape walks
    const scalar = shape.length === 0;
    this.size = scalar ? 1 : sizeOf(shape);
    this.isContiguous = scalar || isRowMajor(shape, strides);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Reads one element by its multi-index (negative indices count from the end). */
  get(...index: number[]): number {
    noteHostRead('get()');
    return this.data[this.flatIndex('get', index)]!;
  }

  /**
   * Writes one element in place: stored as the dtype stores it (bool as value != 0); an int32
   * array takes only integers in its range (a RangeError otherwise, as `array` gives).
   */
  set(value: number, ...index: number[]): void {
    const p = this.flatIndex('set', index);
    if (this.dtype === 'int32' && !isInt32Value(value)) throw notInt32('set', value, `at ${fmtShape(index)}`);
    this.data[p] = this.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  }

  /** The value of a one-element array. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError(
        'item',
        `only one-element arrays can be read as a number, got shape ${fmtShape(this.shape)}`,
      );
    noteHostRead('item()');
    return this.data[this.offset]!;
  }

  private flatIndex(op: string, index: readonly number[]): number {
    if (index.length !== this.ndim)
      throw new ShapeError(op, `expected ${this.ndim} indices for shape ${fmtShape(this.shape)}, got ${index.length}`);
    let p = this.offset;
    for (let i = 0; i < index.length; i++) {
      const n = this.shape[i]!;
      let k = index[i]!;
      if (!Number.isInteger(k) || k < -n || k >= n)
        throw new RangeError(op, `index ${k} is out of range for dimension ${i} of size ${n}`);
      if (k < 0) k += n;
      p += k * this.strides[i]!;
    }
    return p;
  }

  /** This array if it is already row-major with offset 0 and exact-size storage, else a contiguous copy. */
  contiguous(): NDArray {
    if (this.isContiguous && this.offset === 0 && this.data.length === this.size) return this;
    return copyOf(this, this.dtype);
  }

  /** A view with a new shape where the strides allow it, otherwise a copy. One dimension may be -1. */
  reshape(shape: readonly number[]): NDArray {
    const target = inferReshape(shape, this.size);
    if (shapesEqual(target, this.shape)) return this;
    if (this.isContiguous || this.size === 0)
      return new NDArray(this.data, target, contiguousStrides(target), this.offset);
    const strides = viewStrides(this.shape, this.strides, target);
    if (strides !== undefined) return new NDArray(this.data, target, strides, this.offset);
    const copy = this.contiguous();
    return new NDArray(copy.data, target, contiguousStrides(target), copy.offset);
  }

  /** Reverses the axes (for a matrix, the transpose), or swaps two given axes. */
  transpose(axis0?: number, axis1?: number): NDArray {
    if (axis0 === undefined || axis1 === undefined) {
      const order = this.shape.map((_, i) => this.ndim - 1 - i);
      return this.permute(order);
    }
    const a = normalizeAxis('transpose', axis0, this.ndim);
    const b = normalizeAxis('transpose', axis1, this.ndim);
    const order = this.shape.map((_, i) => i);
    order[a] = b;
    order[b] = a;
    return this.permute(order);
  }

  /** Reorders the axes: result axis i is input axis `order[i]`. */
  permute(order: readonly number[]): NDArray {
    if (order.length !== this.ndim)
      throw new ShapeError('permute', `order ${fmtShape(order)} has ${order.length} axes, expected ${this.ndim}`);
    const n = this.ndim;
    const shape = new Array<number>(n),
      strides = new Array<number>(n);
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = normalizeAxis('permute', order[i]!, n);
      if (seen[a] === 1) throw new ShapeError('permute', `order ${fmtShape(order)} repeats an axis`);
      seen[a] = 1;
      shape[i] = this.shape[a]!;
      strides[i] = this.strides[a]!;
    }
    return new NDArray(this.data, shape, strides, this.offset);
  }

  /**
   * A strided view along one axis, like Python's `a[start:stop:step]`: negative indices count from
   * the end, out-of-range bounds are clipped, and a negative step walks backwards.
   */
  slice(axis: number, start?: number, stop?: number, step = 1): NDArray {
    const ax = normalizeAxis('slice', axis, this.ndim);
    if (!Number.isInteger(step) || step === 0)
      throw new ShapeError('slice', `step must be a non-zero integer, got ${step}`);
    const n = this.shape[ax]!;
    const [first, count] = sliceRange(n, start, stop, step);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape[ax] = count;
    strides[ax] = this.strides[ax]! * step;
    const offset = count > 0 ? this.offset + first * this.strides[ax]! : this.offset;
    return new NDArray(this.data, shape, strides, offset);
  }

  /** Selects index `i` along `axis` and drops that axis (a view). */
  select(axis: number, i: number): NDArray {
    const ax = normalizeAxis('select', axis, this.ndim);
    const n = this.shape[ax]!;
    if (!Number.isInteger(i) || i < -n || i >= n)
      throw new RangeError('select', `index ${i} is out of range for dimension ${ax} of size ${n}`);
    const k = i < 0 ? i + n : i;
    const shape = this.shape.filter((_, d) => d !== ax);
    const strides = this.strides.filter((_, d) => d !== ax);
    return new NDArray(this.data, shape, strides, this.offset + k * this.strides[ax]!);
  }

  /** Broadcasts to `shape` without copying (stride 0 on the new and the size-1 dimensions). */
  expand(shape: readonly number[]): NDArray {
    if (shapesEqual(shape, this.shape)) return this; // already that shape (the common case): no work
    checkShape('expand', shape);
    if (shape.length < this.ndim) {
      throw new ShapeError(
        'expand',
        `cannot expand shape ${fmtShape(this.shape)} to ${fmtShape(shape)} (fewer dimensions)`,
      );
    }
    const lead = shape.length - this.ndim;
    const strides = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < this.ndim; i++) {
      const from = this.shape[i]!;
      const to = shape[lead + i]!;
      if (from === to) strides[lead + i] = this.strides[i]!;
      else if (from !== 1) {
        throw new ShapeError(
          'expand',
          `cannot expand shape ${fmtShape(this.shape)} to ${fmtShape(shape)} (dimension ${lead + i}: ${from} vs ${to})`,
        );
      }
    }
    if (shapesEqual(shape, this.shape)) return this;
    return new NDArray(this.data, [...shape], strides, this.offset);
  }

  /** Same as `expand`, NumPy's name. */
  broadcastTo(shape: readonly number[]): NDArray {
    return this.expand(shape);
  }

  /** Removes size-1 axes: all of them, or the given ones (each must have size 1). */
  squeeze(axes?: number | readonly number[]): NDArray {
    let drop: Set<number>;
    if (axes === undefined) drop = new Set(this.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    else {
      const list = typeof axes === 'number' ? [axes] : axes;
      drop = new Set(list.map((a) => normalizeAxis('squeeze', a, this.ndim)));
      for (const a of drop) {
        if (this.shape[a] !== 1)
          throw new ShapeError(
            'squeeze',
            `axis ${a} has size ${this.shape[a]}, expected 1 (shape ${fmtShape(this.shape)})`,
          );
      }
    }
    const keep = (_: number, i: number): boolean => !drop.has(i);
    return new NDArray(this.data, this.shape.filter(keep), this.strides.filter(keep), this.offset);
  }

  /** Inserts a size-1 axis at `axis` (which may be `ndim`, or negative). */
  unsqueeze(axis: number): NDArray {
    const ax = normalizeAxis('unsqueeze', axis, this.ndim + 1);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(ax, 0, 1);
    strides.splice(ax, 0, ax < this.ndim ? this.strides[ax]! * this.shape[ax]! : 1);
    return new NDArray(this.data, shape, strides, this.offset);
  }

  /** A one-dimensional view or copy. */
  flatten(): NDArray {
    return this.reshape([this.size]);
  }
}

/** Set by the ops module: copies a view into a new contiguous array (a backend kernel). */
let copyOf: (x: NDArray, dtype: DType) => NDArray = () => {
  throw new Error('chainrule: ndarray used before the ops module loaded');
};
export function installCopy(fn: (x: NDArray, dtype: DType) => NDArray): void {
  copyOf = fn;
}

function isRowMajor(shape: Shape, strides: Shape): boolean {
  if (shape.includes(0)) return true; // no elements: every layout is row-major (as in PyTorch)
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * The shape `reshape(shape)` gives an array of `size` elements, without making the array: one -1
 * resolved, the element count checked (a ShapeError naming reshape where it is not kept).
 * @example
 * ```ts
 * import { inferReshape } from '@chainrule/tensor';
 * inferReshape([2, -1], 6); // [2, 3]
 * ```
 */
export function inferReshape(shape: readonly number[], size: number): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1))
    throw new ShapeError('reshape', `only one dimension can be -1, got ${fmtShape(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0))
      throw new ShapeError('reshape', `invalid dimension ${d} in shape ${fmtShape(shape)}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || size % known !== 0)
      throw new ShapeError('reshape', `shape ${fmtShape(shape)} is invalid for ${size} elements`);
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) throw new ShapeError('reshape', `shape ${fmtShape(shape)} is invalid for ${size} elements`);
  return out;
}

/**
 * Strides that show the same elements in `target` shape without a copy, or undefined.
 * Walking from the innermost dimension, the input splits into chunks of dims that are
 * contiguous among themselves; each chunk can be re-split into any target dims of equal size.
 */
function viewStrides(shape: Shape, strides: Shape, target: Shape): number[] | undefined {
  const out = new Array<number>(target.length).fill(1);
  let t = target.length - 1;
  let chunkStride = strides[shape.length - 1] ?? 1;
  let chunkSize = 1;
  let viewSize = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    chunkSize *= shape[d]!;
    const chunkEnds = d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== chunkSize * chunkStride);
    if (!chunkEnds) continue;
    while (t >= 0 && (viewSize < chunkSize || target[t] === 1)) {
      out[t] = viewSize * chunkStride;
      viewSize *= target[t]!;
      t--;
    }
    if (viewSize !== chunkSize) return undefined;
    if (d > 0) {
      chunkStride = strides[d - 1]!;
      chunkSize = 1;
      viewSize = 1;
    }
  }
  return t === -1 ? out : undefined;
}

/** Python slice semantics: returns [first index, element count]. */
function sliceRange(n: number, start: number | undefined, stop: number | undefined, step: number): [number, number] {
  const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  if (step > 0) {
    let s = start === undefined ? 0 : start < 0 ? start + n : start;
    let e = stop === undefined ? n : stop < 0 ? stop + n : stop;
    s = clip(s, 0, n);
    e = clip(e, 0, n);
    return [s, e > s ? Math.ceil((e - s) / step) : 0];
  }
  let s = start === undefined ? n - 1 : start < 0 ? start + n : start;
  let e = stop === undefined ? -1 : stop < 0 ? stop + n : stop;
  s = clip(s, -1, n - 1);
  e = clip(e, -1, n - 1);
  return [s, s > e ? Math.ceil((s - e) / -step) : 0];
}
