import { RangeError, ShapeError, fmtShape } from './errors.js';

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar, 0 if any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcasting: align from the right; each pair of dimensions must be equal or one of them 1.
 * @throws ShapeError `add: shapes [3] and [4] cannot be broadcast (dimension 0: 3 vs 4)`
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    }
  }
  return out;
}

/**
 * Resolves a possibly negative axis against `ndim`.
 * @throws RangeError `sum: axis 2 is out of range for a tensor of rank 2`
 */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(op, `axis ${axis} is out of range for a tensor of rank ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Resolves a set of axes (undefined means all), sorted and without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) {
    const all = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) all[i] = i;
    return all;
  }
  if (typeof axes === 'number') return [normalizeAxis(op, axes, ndim)];
  const list = axes;
  const out = list.map((a) => normalizeAxis(op, a, ndim));
  const sorted = [...out].sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new ShapeError(op, `axis ${sorted[i]} appears more than once`);
  }
  return sorted;
}

/** Checks that a shape is a list of non-negative integers. */
export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(op, `invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
  }
}

/**
 * `shape` seen as [n, k, s] when `axes` (sorted) are a leading run and a trailing run, both
 * non-empty, with the kept axes between them (a bias gradient's [0, 2, 3] of [N, C, H, W]), else
 * undefined. `kept` is the kept axes' shape.
 */
export function outerInnerRuns(
  shape: Shape,
  axes: readonly number[],
): { n: number; k: number; s: number; kept: number[] } | undefined {
  const nd = shape.length;
  let a = 0;
  while (a < axes.length && axes[a] === a) a++; // the leading run: axes 0 .. a−1
  const tail = axes.length - a;
  if (a === 0 || tail === 0) return undefined;
  for (let t = 0; t < tail; t++) if (axes[a + t] !== nd - tail + t) return undefined;
  const b = nd - tail;
  if (b <= a) return undefined;
  const prod = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
  return { n: prod(0, a), k: prod(a, b), s: prod(b, nd), kept: shape.slice(a, b) };
}

/**
 * A contiguous layout reduced over `axes` seen as [outer, r, inner]: the reduced axes must be one
 * run of neighbouring axes (sorted, non-empty), r is their product, outer and inner the products
 * before and after, and `kept` the shape of the result. Undefined when the axes are not one run.
 */
export function reductionRuns(
  shape: Shape,
  axes: readonly number[],
): { outer: number; r: number; inner: number; kept: number[] } | undefined {
  if (axes.length === 0) return undefined;
  const a0 = axes[0]!,
    a1 = axes[axes.length - 1]!;
  if (a1 - a0 + 1 !== axes.length) return undefined;
  let outer = 1,
    r = 1,
    inner = 1;
  const kept: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (d < a0) {
      outer *= n;
      kept.push(n);
    } else if (d <= a1) r *= n;
    else {
      inner *= n;
      kept.push(n);
    }
  }
  return { outer, r, inner, kept };
}
