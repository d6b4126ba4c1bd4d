// The linear-algebra kernels (LU with partial pivoting, solves from its factors, triangular solves,
// Cholesky) and their frontend (luFactor, solve, inv, det, slogdet, cholesky, solveTriangular):
// each checked by reconstruction (P·A = L·U, A·X = B, L·Lᵀ = A) on random matrices in float64, on
// strided and broadcast views, at the edges (0×0, empty batches, singular, indefinite), and the
// wasm backend, which inherits the reference kernels, against the reference.
import { describe, expect, it } from 'vitest';
import {
  type NDArray,
  RangeError,
  ShapeError,
  array,
  cholesky,
  createWasmBackend,
  det,
  inv,
  jsBackend,
  luFactor,
  matmul,
  slogdet,
  solve,
  solveTriangular,
} from '@chainrule/tensor';
import { expectClose, filler, fromValues, values } from './helpers.js';

/** A random [...shape] float64 array with values in [-2, 2). */
function random(shape: number[], seed: number): NDArray {
  const r = filler(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return fromValues(
    Array.from({ length: n }, () => r()),
    shape,
  );
}

/** A random diagonally dominant [..., n, n] matrix (well-conditioned). */
function dominant(shape: number[], seed: number): NDArray {
  const a = random(shape, seed);
  const n = shape[shape.length - 1]!;
  const d = a.data as Float64Array;
  for (let i = 0; i < d.length; i++) if (Math.floor(i / n) % n === i % n) d[i] = d[i]! + (i % 3 === 0 ? -1 : 1) * 4 * n;
  return a;
}

/** L (unit lower) and U of packed LU factors, and P·A by applying the row swaps to A. */
function reconstruct(a: NDArray, lu: NDArray, pivots: NDArray): { pa: number[]; lu: number[] } {
  const n = a.shape[0]!;
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => a.get(i, j)));
  for (let i = 0; i < n; i++) {
    const p = pivots.get(i);
    [rows[i], rows[p]] = [rows[p]!, rows[i]!];
  }
  const L = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : j < i ? lu.get(i, j) : 0)),
  );
  const U = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j >= i ? lu.get(i, j) : 0)));
  return { pa: rows.flat(), lu: values(matmul(array(L, 'float64'), array(U, 'float64'))) };
}

describe('luFactor', () => {
  it('P·A = L·U with |L| ≤ 1 (partial pivoting), for random matrices', () => {
    for (const n of [1, 2, 3, 5, 8]) {
      const a = random([n, n], n);
      const f = luFactor(a);
      const r = reconstruct(a, f.lu, f.pivots);
      expectClose(r.lu, r.pa, 1e-13, 1e-13);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(f.lu.get(i, j))).toBeLessThanOrEqual(1);
      expect(f.info.item()).toBe(0);
    }
  });
  it('reports the first zero pivot in info (k + 1), per matrix of a batch', () => {
    const f = luFactor(
      array(
        [
          [
            [1, 2],
            [2, 4],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
        'float64',
      ),
    );
    expect(Array.from(f.info.data)).toEqual([2, 0]);
  });
});

describe('solve, inv, det and slogdet', () => {
  it('A·X = B on a transposed A and a broadcast B (strided views, no copies asked for)', () => {
    const a = dominant([2, 4, 4], 7).transpose(1, 2);
    const b = random([4, 3], 8);
    const x = solve(a, b);
    expect(x.shape).toEqual([2, 4, 3]);
    expectClose(values(matmul(a, x)), values(b.expand([2, 4, 3])), 1e-13, 1e-13);
  });
  it('inv: A·A⁻¹ = I; det and slogdet agree (det = sign·exp(logabsdet))', () => {
    const a = dominant([3, 5, 5], 9);
    const eye = Array.from({ length: 3 }, () =>
      Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 1 : 0))),
    );
    expectClose(values(matmul(a, inv(a))), eye.flat(2), 1e-13, 1e-13);
    const { sign, logabsdet } = slogdet(a);
    const d = values(det(a));
    for (const [i, v] of d.entries()) {
      expect(Math.abs(v - sign.data[i]! * Math.exp(logabsdet.data[i]!))).toBeLessThan(1e-13 * Math.abs(v));
    }
    for (const v of values(sign)) expect([-1, 1]).toContain(v);
  });
  it('float32 in, float32 out (factored in float64)', () => {
    const a = array([
      [4, 1],
      [2, 3],
    ]);
    expect([inv(a).dtype, det(a).dtype, solve(a, array([1, 2])).dtype, cholesky(array([[4]])).dtype]).toEqual([
      'float32',
      'float32',
      'float32',
      'float32',
    ]);
  });
  it('0×0 matrices and empty batches', () => {
    expect(det(array([], 'float64').reshape([0, 0])).item()).toBe(1);
    expect(inv(array([], 'float64').reshape([0, 0])).shape).toEqual([0, 0]);
    expect(det(array([], 'float64').reshape([0, 2, 2])).shape).toEqual([0]);
  });
  it('singular: inv and solve refuse it, det is 0, slogdet (0, −∞)', () => {
    const s = array(
      [
        [1, 2],
        [2, 4],
      ],
      'float64',
    );
    expect(() => inv(s)).toThrow(
      new RangeError('inv', 'the matrix is singular: U[1,1] is zero in its LU factorization (shape [2,2])'),
    );
    expect(() => solve(s, array([1, 1], 'float64'))).toThrow(RangeError);
    expect(det(s).item()).toBe(0);
    expect([slogdet(s).sign.item(), slogdet(s).logabsdet.item()]).toEqual([0, -Infinity]);
  });
  it('non-square input is a ShapeError naming the op', () => {
    expect(() => det(array([[1, 2, 3]]))).toThrow(
      new ShapeError('det', 'the matrix must be square [..., n, n], got [1,3]'),
    );
  });
});

describe('cholesky and solveTriangular', () => {
  it('L·Lᵀ = A, reading only the lower triangle', () => {
    const x = random([3, 4, 4], 11);
    const a = matmul(x, x.transpose(1, 2));
    const d = a.data as Float64Array;
    for (let i = 0; i < d.length; i++) if (Math.floor(i / 4) % 4 === i % 4) d[i] = d[i]! + 1; // + I
    const l = cholesky(a);
    expectClose(values(matmul(l, l.transpose(1, 2))), values(a), 1e-13, 1e-13);
    const garbage = a.contiguous();
    (garbage.data as Float64Array)[1] = 1e6; // above the diagonal: not read
    expect(values(cholesky(garbage))).toEqual(values(l));
    expect(values(cholesky(a, true))).toEqual(values(l.transpose(1, 2)));
  });
  it('refuses an indefinite matrix, naming the minor', () => {
    expect(() =>
      cholesky(
        array(
          [
            [
              [1, 0],
              [0, 1],
            ],
            [
              [1, 2],
              [2, 1],
            ],
          ],
          'float64',
        ),
      ),
    ).toThrow(
      new RangeError(
        'cholesky',
        'the matrix is not positive-definite: its leading minor of order 2 is not (matrix 1 of [2,2,2])',
      ),
    );
  });
  it('solves with the chosen triangle, left and right, unit diagonal', () => {
    const a = dominant([4, 4], 12);
    const b = random([4, 2], 13);
    for (const upper of [false, true]) {
      for (const unitriangular of [false, true]) {
        const t = values(a).map((v, i) => {
          const r = Math.floor(i / 4),
            c = i % 4;
          return r === c ? (unitriangular ? 1 : v) : (upper ? c > r : c < r) ? v : 0;
        });
        const tri = fromValues(t, [4, 4]);
        const x = solveTriangular(a, b, { upper, unitriangular });
        expectClose(values(matmul(tri, x)), values(b), 1e-13, 1e-13);
        const y = solveTriangular(a, b.transpose(), { upper, unitriangular, left: false });
        expectClose(values(matmul(y, tri)), values(b.transpose()), 1e-13, 1e-13);
      }
    }
  });
});

describe('the wasm backend', () => {
  it('inherits the reference kernels: the same bits', () => {
    const wasm = createWasmBackend(jsBackend, { threads: 1 });
    const a = dominant([2, 3, 3], 14);
    expect(values(wasm.luFactor(a).lu)).toEqual(values(jsBackend.luFactor(a).lu));
    expect(values(wasm.cholesky(matmul(a, a.transpose(1, 2))).l)).toEqual(
      values(jsBackend.cholesky(matmul(a, a.transpose(1, 2))).l),
    );
  });
});

describe('float32 results are the float64 ones rounded once', () => {
  it('inv, solve and det of a float32 matrix agree with float64 to float32 rounding', () => {
    const a = array(values(dominant([3, 4, 4], 15)), 'float32').reshape([3, 4, 4]);
    const exact = array(values(a), 'float64').reshape([3, 4, 4]); // the float32 values, exactly
    for (const [got, want] of [
      [inv(a), inv(exact)],
      [det(a), det(exact)],
      [solve(a, array([1, 2, 3, 4])), solve(exact, array([1, 2, 3, 4], 'float64'))],
    ] as const) {
      expect(got.dtype).toBe('float32');
      expect(values(got)).toEqual(values(want).map(Math.fround));
    }
  });
});
