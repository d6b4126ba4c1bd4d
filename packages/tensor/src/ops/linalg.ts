/**
 * Dense linear algebra on batches of square matrices, as torch.linalg: `luFactor`, `solve`, `inv`,
 * `det` and `slogdet`. Each validates its operands (float, [..., n, n], batch dimensions that
 * broadcast), runs the backend's LU kernel and words its report: an exactly singular matrix is a
 * RangeError naming the op, as PyTorch refuses it in inv and solve.
 */
import { type LuFactors, getBackend } from '../backend.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, RangeError, ShapeError, fmtShape } from '../errors.js';
import { hostCheck, hostKernel } from '../host-compute.js';
import { NDArray } from '../ndarray.js';
import { broadcastShapes, shapesEqual } from '../shape.js';

/** Refuses anything but a float [..., n, n] array (`what` names the operand in the message). */
export function checkSquare(op: string, a: NDArray, what = 'the matrix'): void {
  if (!isFloat(a.dtype))
    throw new DTypeError(op, `expected a float32 or float64 ${what.replace(/^the /, '')}, got ${a.dtype}`);
  const nd = a.ndim;
  if (nd < 2 || a.shape[nd - 1] !== a.shape[nd - 2]) {
    throw new ShapeError(op, `${what} must be square [..., n, n], got ${fmtShape(a.shape)}`);
  }
}

/** The index and shape of the first nonzero entry of an int32 `info` array, or null when all are 0. */
export function firstFailure(info: NDArray): { batch: number; code: number } | null {
  const d = info.data as Int32Array;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return { batch: i, code: d[i]! };
  return null;
}

/** Where in a batch a matrix sits, for messages: `` (one matrix) or ` (matrix 3 of [4,2,2])`. */
export function whichMatrix(shape: readonly number[], batch: number): string {
  return shape.length > 2 ? ` (matrix ${batch} of ${fmtShape(shape)})` : ` (shape ${fmtShape(shape)})`;
}

/** The LU factors of `a`, factored in float64 (so a float32 result is rounded once, at the end). */
function factor64(a: NDArray): LuFactors {
  const backend = getBackend();
  return backend.luFactor(a.dtype === 'float64' ? a : backend.copy(a, 'float64'));
}

/**
 * Throws the op's singular-matrix error if any LU factorization met a zero pivot (a host check: a
 * compiled plan runs it again on each replay's factors).
 */
function checkNonsingular(op: string, shape: readonly number[], f: LuFactors): void {
  hostCheck(
    op,
    (info: NDArray) => {
      const bad = firstFailure(info);
      if (bad === null) return;
      const k = bad.code - 1;
      throw new RangeError(
        op,
        `the matrix is singular: U[${k},${k}] is zero in its LU factorization${whichMatrix(shape, bad.batch)}`,
      );
    },
    f.info,
  );
}

/**
 * The LU factorization with partial pivoting of each matrix of a [..., n, n] float array, P·A = L·U,
 * as `torch.linalg.lu_factor_ex`: the packed factors, the row swaps and a per-matrix `info` (0, or
 * k + 1 for a zero pivot U[k, k]). A singular matrix is reported, not refused.
 * @throws DTypeError `luFactor: expected a float32 or float64 matrix, got int32`
 * @example
 * ```ts
 * const { lu, pivots } = luFactor(array([[0, 2], [4, 6]]));
 * lu.toArray(); // [[4, 6], [0, 2]]; pivots.toArray(): [1, 1]
 * ```
 */
export function luFactor(a: NDArray): LuFactors {
  checkSquare('luFactor', a);
  return getBackend().luFactor(a);
}

/** Whether B is a (batch of) vector(s) for A, by torch.linalg.solve's rule. */
function vectorRhs(a: NDArray, b: NDArray): boolean {
  return b.ndim === 1 || (b.ndim === a.ndim - 1 && shapesEqual(b.shape, a.shape.slice(0, -1)));
}

/**
 * The shapes solve(A, B) works on: A and B broadcast over their batch dimensions, B a matrix
 * (a vector right-hand side made a one-column matrix), and whether the result drops that column.
 * @throws ShapeError `solve: A [3,3] and B [2] do not fit (B needs 3 rows, got 2)`
 * @example
 * ```ts
 * solveShapes('solve', zeros([2, 3, 3]), zeros([3])); // { a: [2, 3, 3], b: [2, 3, 1], vector: true }
 * ```
 */
export function solveShapes(
  op: string,
  a: NDArray,
  b: NDArray,
): { a: readonly number[]; b: readonly number[]; vector: boolean } {
  checkSquare(op, a, 'A');
  if (!isFloat(b.dtype)) throw new DTypeError(op, `expected a float32 or float64 B, got ${b.dtype}`);
  if (b.ndim === 0) throw new ShapeError(op, `B must have at least 1 dimension, got ${fmtShape(b.shape)}`);
  const vector = vectorRhs(a, b);
  const n = a.shape[a.ndim - 1]!;
  const bRows = vector ? b.shape[b.ndim - 1]! : b.shape[b.ndim - 2]!;
  if (bRows !== n) {
    throw new ShapeError(
      op,
      `A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} do not fit (B needs ${n} rows, got ${bRows})`,
    );
  }
  const bBatch = b.shape.slice(0, vector ? -1 : -2);
  const k = vector ? 1 : b.shape[b.ndim - 1]!;
  let batch: readonly number[];
  try {
    batch = broadcastShapes(op, a.shape.slice(0, -2), bBatch);
  } catch {
    throw new ShapeError(
      op,
      `batch dimensions of A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} cannot be broadcast`,
    );
  }
  return { a: [...batch, n, n], b: [...batch, n, k], vector };
}

/** `x` as `dtype` (a copy only where it differs). */
function asDtype(x: NDArray, dtype: DType): NDArray {
  return x.dtype === dtype ? x : getBackend().copy(x, dtype);
}

/**
 * X with A·X = B, as `torch.linalg.solve`: A [..., n, n], B [..., n, k] or a vector [..., n] (when
 * B is 1-D or has A's shape less its last dimension), batch dimensions broadcast. LU with partial
 * pivoting, float64 inside. float32 and float64 operands promote.
 * @throws RangeError `solve: the matrix is singular: U[1,1] is zero in its LU factorization (shape [2,2])`
 * @throws ShapeError `solve: A must be square [..., n, n], got [2,3]`
 * @example
 * ```ts
 * solve(array([[2, 0], [0, 4]]), array([2, 2])).toArray(); // [1, 0.5]
 * ```
 */
export function solve(a: NDArray, b: NDArray): NDArray {
  const s = solveShapes('solve', a, b);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const A = asDtype(a, dtype).expand(s.a);
  const B = asDtype(s.vector ? b.unsqueeze(b.ndim) : b, dtype).expand(s.b);
  const f = factor64(A);
  checkNonsingular('solve', A.shape, f);
  const x = getBackend().luSolve(f.lu, f.pivots, B);
  return s.vector ? x.squeeze(x.ndim - 1) : x;
}

/** An identity matrix for each batch element of `shape` ([..., n, n]) as `dtype`. */
function identities(shape: readonly number[], dtype: DType): NDArray {
  const n = shape[shape.length - 1]!;
  // the ones are written before any kernel sees the array (a compiled plan replays kernels only)
  const ones = new Float64Array(n * n);
  for (let i = 0; i < n; i++) ones[i * n + i] = 1;
  return getBackend()
    .copy(new NDArray(ones, [n, n]), dtype)
    .expand(shape);
}

/**
 * The inverse of each matrix of a [..., n, n] float array, as `torch.linalg.inv`.
 * @throws RangeError `inv: the matrix is singular: U[1,1] is zero in its LU factorization (shape [2,2])`
 * @throws ShapeError `inv: the matrix must be square [..., n, n], got [2,3]`
 * @example
 * ```ts
 * inv(array([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function inv(a: NDArray): NDArray {
  checkSquare('inv', a);
  const f = factor64(a);
  checkNonsingular('inv', a.shape, f);
  return getBackend().luSolve(f.lu, f.pivots, identities(a.shape, a.dtype));
}

/**
 * Per matrix of `a`, from its LU factors: det, its sign (±1, 0 when singular) and log|det| (−∞ when
 * singular), as planes 0, 1 and 2 of a float64 [3, ...batch] array. The factorization is a kernel;
 * the walk over U's diagonal is a host kernel, so a compiled plan computes it again on each replay.
 */
function signAndLog(a: NDArray): NDArray {
  const f = factor64(a);
  const n = a.shape[a.ndim - 1]!;
  const batch = a.shape.slice(0, -2);
  return hostKernel(
    'slogdet',
    (luArray: NDArray, pivots: NDArray) => diagonalWalk(luArray, pivots, n, batch),
    f.lu,
    f.pivots,
  );
}

function diagonalWalk(luArray: NDArray, pivots: NDArray, n: number, batch: readonly number[]): NDArray {
  const count = batch.reduce((p, d) => p * d, 1);
  const lu = luArray.contiguous().data,
    piv = pivots.contiguous().data as Int32Array;
  const out = new Float64Array(3 * count);
  for (let b = 0; b < count; b++) {
    let s = 1,
      l = 0,
      p = 1;
    for (let i = 0; i < n; i++) {
      const u = lu[b * n * n + i * n + i]!;
      if (piv[b * n + i] !== i) s = -s;
      if (u < 0) s = -s;
      l += Math.log(Math.abs(u));
      p *= u;
    }
    out[b] = l === -Infinity ? 0 : s * Math.abs(p);
    out[count + b] = l === -Infinity ? 0 : s;
    out[2 * count + b] = l;
  }
  return new NDArray(out, [3, ...batch]);
}

/** A plane of the float64 host result as a new array of `dtype`, with storage of its own. */
function typed(x: NDArray, dtype: DType): NDArray {
  return getBackend().copy(x, dtype);
}

/**
 * The determinant of each matrix of a [..., n, n] float array, as `torch.linalg.det` (0 for a
 * singular matrix): the product of U's diagonal and the sign of the row swaps.
 * @throws ShapeError `det: the matrix must be square [..., n, n], got [3]`
 * @example
 * ```ts
 * det(array([[1, 2], [3, 4]])).item(); // -2
 * ```
 */
export function det(a: NDArray): NDArray {
  checkSquare('det', a);
  return typed(signAndLog(a).select(0, 0), a.dtype);
}

/**
 * The sign and the log of the absolute value of each matrix's determinant, as
 * `torch.linalg.slogdet`: det = sign·exp(logabsdet), with sign 0 and logabsdet −∞ when singular.
 * @throws ShapeError `slogdet: the matrix must be square [..., n, n], got [2,3]`
 * @example
 * ```ts
 * const { sign, logabsdet } = slogdet(array([[1, 2], [3, 4]]));
 * sign.item(); // -1; logabsdet.item(): Math.log(2)
 * ```
 */
export function slogdet(a: NDArray): { sign: NDArray; logabsdet: NDArray } {
  checkSquare('slogdet', a);
  const planes = signAndLog(a);
  return { sign: typed(planes.select(0, 1), a.dtype), logabsdet: typed(planes.select(0, 2), a.dtype) };
}
