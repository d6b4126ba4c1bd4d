/** Moving elements without arithmetic: flip, roll, the triangles (tril, triu) and diagonals. */
import { getBackend } from '../backend.js';
import { allocate } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import { concat } from './join.js';

/**
 * `x` with the order of the elements along each of `axes` reversed, as `torch.flip`: a view (negative strides).
 * @example
 * ```ts
 * import { array, flip } from '@chainrule/tensor';
 * flip(array([[1, 2], [3, 4]]), [1]).toArray(); // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: NDArray, axes: number | readonly number[]): NDArray {
  let out = x;
  for (const a of normalizeAxes('flip', axes, x.ndim)) out = out.slice(a, undefined, undefined, -1);
  return out;
}

/**
 * roll's arguments checked and resolved: as many shifts as axes (axes normalized), or one shift and
 * no axes (the flattened array).
 * @example
 * ```ts
 * import { rollArgs } from '@chainrule/tensor';
 * rollArgs([2, 3], [1, -1], [0, -1]); // { shifts: [1, -1], axes: [0, 1] }
 * rollArgs([2, 3], 4, undefined); // { shift: 4 }
 * ```
 */
export function rollArgs(
  shape: readonly number[],
  shifts: number | readonly number[],
  axes: number | readonly number[] | undefined,
): { shifts: number[]; axes: number[] } | { shift: number } {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (!s.every(Number.isInteger)) throw new ShapeError('roll', `shifts must be integers, got [${s.join(', ')}]`);
  if (axes === undefined) {
    if (s.length !== 1)
      throw new ShapeError('roll', `without axes, roll takes one shift (for the flattened array), got ${s.length}`);
    return { shift: s[0]! };
  }
  const a = (typeof axes === 'number' ? [axes] : [...axes]).map((d) => normalizeAxis('roll', d, shape.length));
  if (a.length !== s.length)
    throw new ShapeError('roll', `shifts [${s.join(', ')}] and axes [${a.join(', ')}] must have the same length`);
  return { shifts: s, axes: a };
}

/**
 * `x` rolled by `shift` along one axis (a new array): out[..., (i + shift) mod n, ...] = x[..., i, ...].
 * @example
 * ```ts
 * import { array, rollAxis } from '@chainrule/tensor';
 * rollAxis(array([[1, 2, 3]]), -1, 1).toArray(); // [[2, 3, 1]]
 * ```
 */
export function rollAxis(x: NDArray, shift: number, axis: number): NDArray {
  const n = x.shape[axis]!;
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return getBackend().copy(x, x.dtype);
  return concat([x.slice(axis, n - s, n), x.slice(axis, 0, n - s)], axis);
}

/**
 * `x` shifted cyclically by `shifts` along `axes`, as `torch.roll` (without axes: the flattened array,
 * reshaped back). Elements pushed off one end come back at the other.
 * @example
 * ```ts
 * import { array, roll } from '@chainrule/tensor';
 * roll(array([1, 2, 3, 4]), 1).toArray(); // [4, 1, 2, 3]
 * ```
 */
export function roll(x: NDArray, shifts: number | readonly number[], axes?: number | readonly number[]): NDArray {
  const args = rollArgs(x.shape, shifts, axes);
  if ('shift' in args) return rollAxis(x.reshape([-1]), args.shift, 0).reshape(x.shape);
  let out = x;
  args.axes.forEach((a, i) => {
    out = rollAxis(out, args.shifts[i]!, a);
  });
  return out === x ? getBackend().copy(x, x.dtype) : out;
}

/** Checks that x has the two matrix axes a triangle or a diagonal needs. */
function checkMatrix(op: string, x: NDArray): void {
  if (x.ndim < 2)
    throw new ShapeError(
      op,
      `expected a matrix or a batch of matrices (at least 2 dimensions), got shape ${fmtShape(x.shape)}`,
    );
}

function triangle(op: 'tril' | 'triu', x: NDArray, diagonal: number): NDArray {
  checkMatrix(op, x);
  if (!Number.isInteger(diagonal)) throw new ShapeError(op, `the diagonal offset must be an integer, got ${diagonal}`);
  const m = x.shape[x.ndim - 2]!,
    n = x.shape[x.ndim - 1]!;
  const mask = allocate('bool', m * n, op);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) mask[i * n + j] = (op === 'tril' ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  const zero = new NDArray(allocate(x.dtype, 1, op), []);
  return getBackend().where(new NDArray(mask, [m, n]).expand(x.shape), x, zero.expand(x.shape), x.dtype);
}

/**
 * The lower triangle of each matrix (the last two axes), as `torch.tril`: elements with
 * column − row ≤ `diagonal` are kept, the others are 0.
 * @example
 * ```ts
 * import { array, tril } from '@chainrule/tensor';
 * tril(array([[1, 2], [3, 4]])).toArray(); // [[1, 0], [3, 4]]
 * ```
 */
export function tril(x: NDArray, diagonal = 0): NDArray {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of each matrix (the last two axes), as `torch.triu`: elements with
 * column − row ≥ `diagonal` are kept, the others are 0.
 * @example
 * ```ts
 * import { array, triu } from '@chainrule/tensor';
 * triu(array([[1, 2], [3, 4]]), 1).toArray(); // [[0, 2], [0, 0]]
 * ```
 */
export function triu(x: NDArray, diagonal = 0): NDArray {
  return triangle('triu', x, diagonal);
}

/**
 * The shape of `diagonal(x, offset)` for x of `shape` ([..., m, n] → [..., L]).
 * @example
 * ```ts
 * import { diagonalShape } from '@chainrule/tensor';
 * diagonalShape([5, 2, 3], -1); // [5, 1]
 * ```
 */
export function diagonalShape(shape: readonly number[], offset: number): number[] {
  const m = shape[shape.length - 2]!,
    n = shape[shape.length - 1]!;
  return [...shape.slice(0, -2), Math.max(0, Math.min(m - Math.max(0, -offset), n - Math.max(0, offset)))];
}

/**
 * The `offset`-th diagonal of each matrix (the last two axes) as a view of shape [..., L], as
 * `torch.diagonal(x, offset, -2, -1)`: offset > 0 above the main diagonal, < 0 below; L may be 0.
 * @example
 * ```ts
 * import { array, diagonal } from '@chainrule/tensor';
 * diagonal(array([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // [2, 6]
 * ```
 */
export function diagonal(x: NDArray, offset = 0): NDArray {
  checkMatrix('diagonal', x);
  if (!Number.isInteger(offset))
    throw new ShapeError('diagonal', `the diagonal offset must be an integer, got ${offset}`);
  const d = x.ndim;
  const row = Math.max(0, -offset),
    col = Math.max(0, offset);
  const length = diagonalShape(x.shape, offset)[d - 2]!;
  const sm = x.strides[d - 2]!,
    sn = x.strides[d - 1]!;
  const start = length > 0 ? x.offset + row * sm + col * sn : x.offset;
  return new NDArray(x.data, [...x.shape.slice(0, -2), length], [...x.strides.slice(0, -2), sm + sn], start);
}

/**
 * Zeros of `shape` ([..., m, n]) with `x` ([..., L], L the length of that diagonal) written on the
 * `offset`-th diagonal of each matrix: the adjoint of `diagonal`.
 * @example
 * ```ts
 * import { array, placeDiagonal } from '@chainrule/tensor';
 * placeDiagonal(array([7, 8]), [2, 3], 1).toArray(); // [[0, 7, 0], [0, 0, 8]]
 * ```
 */
export function placeDiagonal(x: NDArray, shape: readonly number[], offset = 0): NDArray {
  const out = new NDArray(
    allocate(
      x.dtype,
      shape.reduce((p, q) => p * q, 1),
      'diag',
    ),
    [...shape],
  );
  const target = diagonal(out, offset);
  if (target.shape.length !== x.shape.length || target.shape.some((q, i) => q !== x.shape[i]))
    throw new ShapeError(
      'diag',
      `cannot write shape ${fmtShape(x.shape)} on diagonal ${offset} of shape ${fmtShape(shape)}: ` +
        `expected ${fmtShape(target.shape)}`,
    );
  getBackend().assign(target, x);
  return out;
}

/**
 * `torch.diag`: a 1-D `x` of length n becomes an (n + |k|)-square matrix with `x` on its k-th
 * diagonal; a matrix gives its k-th diagonal (a copy, 1-D).
 * @example
 * ```ts
 * import { array, diag } from '@chainrule/tensor';
 * diag(array([1, 2])).toArray(); // [[1, 0], [0, 2]]
 * diag(array([[1, 2], [3, 4]])).toArray(); // [1, 4]
 * ```
 */
export function diag(x: NDArray, k = 0): NDArray {
  if (x.ndim !== 1 && x.ndim !== 2)
    throw new ShapeError('diag', `expected a 1-D or 2-D input, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(k)) throw new ShapeError('diag', `the diagonal offset must be an integer, got ${k}`);
  if (x.ndim === 2) return getBackend().copy(diagonal(x, k), x.dtype);
  const size = x.shape[0]! + Math.abs(k);
  return placeDiagonal(x, [size, size], k);
}
