/**
 * The dense linear-algebra kernels of the reference backend: LU factorization with partial
 * pivoting, solves from its factors, triangular solves and the Cholesky factorization, each on a
 * batch of matrices. Every matrix is copied into float64 and factored there (the results are
 * rounded once, to the input's dtype). Nothing here throws on singular or indefinite input: the
 * kernels report it in `info`, as LAPACK does, and the frontend (ops/linalg.ts) words the error.
 */
import type { Backend, CholeskyFactor, LuFactors } from '../../backend.js';
import { allocate } from '../../dtype.js';
import { NDArray } from '../../ndarray.js';
import { copy } from './copy.js';

/** The float64 row-major values of a [..., r, c] view, and its batch count. */
function float64Matrices(x: NDArray): { data: Float64Array; batch: number; rows: number; cols: number } {
  const nd = x.ndim;
  const rows = x.shape[nd - 2]!,
    cols = x.shape[nd - 1]!;
  const c = copy(x, 'float64');
  const batch = x.shape.slice(0, nd - 2).reduce((p, d) => p * d, 1);
  return { data: c.data as Float64Array, batch, rows, cols };
}

/** An array of `shape` and `like`'s float dtype holding `values` (rounded once, for float32). */
function stored(values: Float64Array, shape: readonly number[], like: NDArray): NDArray {
  if (like.dtype === 'float64') return new NDArray(values, [...shape]);
  const out = allocate(like.dtype, values.length, 'linalg');
  out.set(values);
  return new NDArray(out, [...shape]);
}

/**
 * Doolittle LU with partial pivoting of the n×n matrix at `off` in `a`, in place (LAPACK's getrf):
 * P·A = L·U, the unit lower L below the diagonal, U on and above it. `piv[i]` is the row swapped
 * with row i at step i. Returns 0, or k + 1 for the first exact zero pivot U[k, k].
 */
function luInPlace(a: Float64Array, off: number, n: number, piv: Int32Array, pivOff: number): number {
  let info = 0;
  for (let k = 0; k < n; k++) {
    let p = k,
      best = Math.abs(a[off + k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[off + i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[pivOff + k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[off + k * n + j]!;
        a[off + k * n + j] = a[off + p * n + j]!;
        a[off + p * n + j] = t;
      }
    }
    const pivot = a[off + k * n + k]!;
    if (pivot === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    const rk = off + k * n;
    for (let i = k + 1; i < n; i++) {
      const ri = off + i * n;
      const l = a[ri + k]! / pivot;
      a[ri + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) a[ri + j] = a[ri + j]! - l * a[rk + j]!;
    }
  }
  return info;
}

/** The LU factors of every matrix of a [..., n, n] float array (see `LuFactors`). */
export function luFactor(a: NDArray): LuFactors {
  const { data, batch, rows: n } = float64Matrices(a);
  const piv = new Int32Array(batch * n);
  const info = new Int32Array(batch);
  for (let b = 0; b < batch; b++) info[b] = luInPlace(data, b * n * n, n, piv, b * n);
  const batchShape = a.shape.slice(0, -2);
  return {
    lu: stored(data, a.shape, a),
    pivots: new NDArray(piv, [...batchShape, n]),
    info: new NDArray(info, [...batchShape]),
  };
}

/**
 * Solves L·y = b (unit lower) then U·x = y in place for the n×k right-hand side at `xo` in `x`,
 * with the factors at `fo` in `f` (row swaps already applied to x).
 */
function luSubstitute(f: Float64Array, fo: number, n: number, x: Float64Array, xo: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const xi = xo + i * k;
    for (let p = 0; p < i; p++) {
      const l = f[fo + i * n + p]!;
      const xp = xo + p * k;
      if (l !== 0) for (let j = 0; j < k; j++) x[xi + j] = x[xi + j]! - l * x[xp + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const xi = xo + i * k;
    for (let p = i + 1; p < n; p++) {
      const u = f[fo + i * n + p]!;
      const xp = xo + p * k;
      if (u !== 0) for (let j = 0; j < k; j++) x[xi + j] = x[xi + j]! - u * x[xp + j]!;
    }
    const d = f[fo + i * n + i]!;
    for (let j = 0; j < k; j++) x[xi + j] = x[xi + j]! / d;
  }
}

/** X with A·X = B from `luFactor`'s `lu` and `pivots`; b is [..., n, k] with lu's batch shape. */
export function luSolve(lu: NDArray, pivots: NDArray, b: NDArray): NDArray {
  const f = float64Matrices(lu);
  const x = float64Matrices(b);
  const n = f.rows,
    k = x.cols;
  const piv = copy(pivots, 'int32').data as Int32Array;
  for (let bi = 0; bi < f.batch; bi++) {
    const xo = bi * n * k;
    for (let i = 0; i < n; i++) {
      const p = piv[bi * n + i]!;
      if (p === i) continue;
      for (let j = 0; j < k; j++) {
        const t = x.data[xo + i * k + j]!;
        x.data[xo + i * k + j] = x.data[xo + p * k + j]!;
        x.data[xo + p * k + j] = t;
      }
    }
    luSubstitute(f.data, bi * n * n, n, x.data, xo, k);
  }
  return stored(x.data, b.shape, b);
}

/**
 * X with A·X = B for each triangular A [..., n, n] (only its `upper` or lower triangle is read, and
 * not its diagonal when `unitDiagonal`); b is [..., n, k] with a's batch shape. A zero on the
 * diagonal gives infinities, as the division does (the frontend checks for it first).
 */
export function triangularSolve(a: NDArray, b: NDArray, upper: boolean, unitDiagonal: boolean): NDArray {
  const A = float64Matrices(a);
  const X = float64Matrices(b);
  const n = A.rows,
    k = X.cols;
  const x = X.data,
    t = A.data;
  for (let bi = 0; bi < A.batch; bi++) {
    const ao = bi * n * n,
      xo = bi * n * k;
    for (let s = 0; s < n; s++) {
      const i = upper ? n - 1 - s : s;
      const from = upper ? i + 1 : 0,
        to = upper ? n : i;
      for (let p = from; p < to; p++) {
        const c = t[ao + i * n + p]!;
        if (c !== 0) for (let j = 0; j < k; j++) x[xo + i * k + j] = x[xo + i * k + j]! - c * x[xo + p * k + j]!;
      }
      if (!unitDiagonal) {
        const d = t[ao + i * n + i]!;
        for (let j = 0; j < k; j++) x[xo + i * k + j] = x[xo + i * k + j]! / d;
      }
    }
  }
  return stored(x, b.shape, b);
}

/**
 * The lower Cholesky factor L (A = L·Lᵀ, zeros above the diagonal) of each [..., n, n] matrix,
 * reading only A's lower triangle (LAPACK's potrf). `info` is 0, or k + 1 where the leading k+1
 * minor is not positive-definite (that matrix's L is then partial).
 */
export function cholesky(a: NDArray): CholeskyFactor {
  const { data, batch, rows: n } = float64Matrices(a);
  const out = new Float64Array(batch * n * n);
  const info = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    for (let j = 0; j < n && info[b] === 0; j++) {
      let d = data[o + j * n + j]!;
      for (let p = 0; p < j; p++) d -= out[o + j * n + p]! * out[o + j * n + p]!;
      if (!(d > 0)) {
        info[b] = j + 1;
        break;
      }
      const ljj = Math.sqrt(d);
      out[o + j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = data[o + i * n + j]!;
        for (let p = 0; p < j; p++) s -= out[o + i * n + p]! * out[o + j * n + p]!;
        out[o + i * n + j] = s / ljj;
      }
    }
  }
  return { l: stored(out, a.shape, a), info: new NDArray(info, a.shape.slice(0, -2)) };
}

/** The linear-algebra kernels of the reference backend. */
export const linalgFamily = { luFactor, luSolve, triangularSolve, cholesky } satisfies Partial<Backend>;
