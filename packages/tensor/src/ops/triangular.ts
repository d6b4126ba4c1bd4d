/**
 * Triangular matrices, as torch.linalg: the Cholesky factorization of symmetric positive-definite
 * matrices (`cholesky`) and solves with a triangular matrix (`solveTriangular`), batched.
 */
import { getBackend } from '../backend.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, RangeError, ShapeError, fmtShape } from '../errors.js';
import { hostCheck } from '../host-compute.js';
import type { NDArray } from '../ndarray.js';
import { broadcastShapes } from '../shape.js';
import { checkSquare, firstFailure, whichMatrix } from './linalg.js';

/**
 * The Cholesky factor of each symmetric positive-definite matrix of a [..., n, n] float array, as
 * `torch.linalg.cholesky`: lower L with A = L·Lᵀ (only A's lower triangle is read), or with
 * `upper` the upper factor Lᵀ (A = Uᵀ·U).
 * @throws RangeError `cholesky: the matrix is not positive-definite: its leading minor of order 2 is not
 *   (shape [2,2])`
 * @throws ShapeError `cholesky: the matrix must be square [..., n, n], got [2,3]`
 * @example
 * ```ts
 * cholesky(array([[4, 2], [2, 2]])).toArray(); // [[2, 0], [1, 1]]
 * ```
 */
export function cholesky(a: NDArray, upper = false): NDArray {
  checkSquare('cholesky', a);
  const { l, info } = getBackend().cholesky(a);
  // a host check: a compiled plan runs it again on each replay's factorization
  hostCheck(
    'cholesky',
    (flags: NDArray) => {
      const bad = firstFailure(flags);
      if (bad === null) return;
      const where = whichMatrix(a.shape, bad.batch);
      const detail = `the matrix is not positive-definite: its leading minor of order ${bad.code} is not${where}`;
      throw new RangeError('cholesky', detail);
    },
    info,
  );
  return upper ? l.transpose(-2, -1) : l;
}

/** The options of `solveTriangular`, as torch.linalg.solve_triangular's keywords. */
export interface SolveTriangularOptions {
  /** Whether A is upper triangular (else lower); required, as in PyTorch. */
  readonly upper: boolean;
  /** Solve A·X = B (true, the default) or X·A = B. */
  readonly left?: boolean;
  /** Whether A's diagonal is all ones (then it is not read). */
  readonly unitriangular?: boolean;
}

/**
 * The shapes solveTriangular(A, B) works on (A [..., n, n] and B [..., n, k] for left, [..., k, n]
 * for right, batch dimensions broadcast) and their common float dtype.
 * @throws ShapeError `solveTriangular: A [3,3] and B [2,2] do not fit (B needs 3 rows, got 2)`
 * @example
 * ```ts
 * solveTriangularShapes(zeros([3, 3]), zeros([4, 3, 2]), true); // { a: [4, 3, 3], b: [4, 3, 2], dtype: 'float32' }
 * ```
 */
export function solveTriangularShapes(
  a: NDArray,
  b: NDArray,
  left: boolean,
): { a: readonly number[]; b: readonly number[]; dtype: DType } {
  const op = 'solveTriangular';
  checkSquare(op, a, 'A');
  if (!isFloat(b.dtype)) throw new DTypeError(op, `expected a float32 or float64 B, got ${b.dtype}`);
  if (b.ndim < 2) throw new ShapeError(op, `B must be a matrix [..., n, k], got ${fmtShape(b.shape)}`);
  const n = a.shape[a.ndim - 1]!;
  const axis = left ? b.ndim - 2 : b.ndim - 1;
  if (b.shape[axis] !== n) {
    const what = left ? 'rows' : 'columns';
    throw new ShapeError(
      op,
      `A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} do not fit (B needs ${n} ${what}, got ${b.shape[axis]})`,
    );
  }
  let batch: readonly number[];
  try {
    batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(
      op,
      `batch dimensions of A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} cannot be broadcast`,
    );
  }
  return { a: [...batch, n, n], b: [...batch, ...b.shape.slice(-2)], dtype: promoteTypes(a.dtype, b.dtype) };
}

/**
 * X with A·X = B (or X·A = B when `left` is false) for triangular A, as
 * `torch.linalg.solve_triangular`: only A's upper or lower triangle is read (not its diagonal when
 * `unitriangular`); batch dimensions broadcast. As in PyTorch, a zero on the diagonal is not
 * checked: it gives infinities or NaN.
 * @throws ShapeError `solveTriangular: B must be a matrix [..., n, k], got [3]`
 * @example
 * ```ts
 * solveTriangular(array([[2, 0], [1, 1]]), array([[2], [3]]), { upper: false }).toArray(); // [[1], [2]]
 * ```
 */
export function solveTriangular(a: NDArray, b: NDArray, options: SolveTriangularOptions): NDArray {
  const left = options.left ?? true;
  const s = solveTriangularShapes(a, b, left);
  const backend = getBackend();
  const A = (a.dtype === s.dtype ? a : backend.copy(a, s.dtype)).expand(s.a);
  const B = (b.dtype === s.dtype ? b : backend.copy(b, s.dtype)).expand(s.b);
  const unit = options.unitriangular ?? false;
  if (left) return backend.triangularSolve(A, B, options.upper, unit);
  // X·A = B ⇔ Aᵀ·Xᵀ = Bᵀ, and Aᵀ is triangular the other way
  return backend.triangularSolve(A.transpose(-2, -1), B.transpose(-2, -1), !options.upper, unit).transpose(-2, -1);
}
