import { getBackend } from '../backend.js';
import { type DType, allocate, promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { normalizeAxis, shapesEqual } from '../shape.js';

/**
 * Joins arrays along an existing axis. All must have the same rank and the same sizes on the
 * other axes; dtypes are promoted.
 * @example concat([zeros([2, 3]), ones([1, 3])], 0).shape; // [3, 3]
 */
export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  if (!Array.isArray(arrays as unknown) || arrays.length === 0)
    throw new ShapeError('concat', 'expected at least one array');
  checkArrays('concat', arrays);
  const first = arrays[0]!;
  if (first.ndim === 0) throw new ShapeError('concat', 'zero-dimensional arrays cannot be concatenated (use stack)');
  const ax = normalizeAxis('concat', axis, first.ndim);
  let dtype: DType = first.dtype;
  let total = 0;
  arrays.forEach((x, i) => {
    const sameOther = x.ndim === first.ndim && x.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!sameOther) {
      throw new ShapeError(
        'concat',
        `array ${i} has shape ${fmtShape(x.shape)}, ` +
          `expected ${fmtShape(first.shape.map((d, j) => (j === ax ? -1 : d))).replace('-1', '*')} ` +
          `(sizes must match except on axis ${ax})`,
      );
    }
    dtype = promoteTypes(dtype, x.dtype);
    total += x.shape[ax]!;
  });
  const shape = [...first.shape];
  shape[ax] = total;
  const out = new NDArray(
    allocate(
      dtype,
      shape.reduce((p, d) => p * d, 1),
      'concat',
    ),
    shape,
  );
  let at = 0;
  for (const x of arrays) {
    const n = x.shape[ax]!;
    if (n > 0) getBackend().assign(out.slice(ax, at, at + n), x);
    at += n;
  }
  return out;
}

/** Throws unless every item is an NDArray (a plain number or a nested JS array is a DTypeError). */
function checkArrays(op: string, arrays: readonly unknown[]): void {
  arrays.forEach((x, i) => {
    if (!(x instanceof NDArray)) {
      const got = x === null ? 'null' : Array.isArray(x) ? 'a JS array' : typeof x;
      throw new DTypeError(op, `item ${i} is not an NDArray (got ${got}); wrap values with array()`);
    }
  });
}

/**
 * Joins arrays of one shape along a new axis.
 * @example stack([zeros([3]), ones([3])], 0).shape; // [2, 3]
 */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  if (!Array.isArray(arrays as unknown) || arrays.length === 0)
    throw new ShapeError('stack', 'expected at least one array');
  checkArrays('stack', arrays);
  const first = arrays[0]!;
  arrays.forEach((x, i) => {
    if (!shapesEqual(x.shape, first.shape)) {
      throw new ShapeError(
        'stack',
        `array ${i} has shape ${fmtShape(x.shape)}, expected ${fmtShape(first.shape)} (all must match)`,
      );
    }
  });
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    arrays.map((x) => x.unsqueeze(ax)),
    ax,
  );
}

/**
 * Splits into views along `axis`: into chunks of `size` (the last may be smaller), or into
 * pieces of the listed sizes, which must add up to the axis length.
 * @example split(arange(5), 2).map((p) => p.size); // [2, 2, 1]
 */
export function split(x: NDArray, sizeOrSections: number | readonly number[], axis = 0): NDArray[] {
  const ax = normalizeAxis('split', axis, x.ndim);
  const n = x.shape[ax]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0)
      throw new ShapeError('split', `chunk size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let at = 0; at < n; at += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - at));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((p, s) => p + s, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== n) {
      throw new ShapeError(
        'split',
        `sizes ${fmtShape(sizes)} do not add up to ${n}, the length of axis ${ax} (shape ${fmtShape(x.shape)})`,
      );
    }
  }
  const out: NDArray[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(x.slice(ax, at, at + s));
    at += s;
  }
  return out;
}
