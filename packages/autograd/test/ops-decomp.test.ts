// The dense linear-algebra ops (solve, inv, det, slogdet, cholesky, solveTriangular): gradients of
// first and second order on random batched matrices (properties/decomp.ts), and their errors.
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';
import { type Tensor, tensor } from '@chainrule/autograd';
import { DTypeError, RangeError, ShapeError } from '@chainrule/tensor';
import { runProperty } from './helpers/properties.js';
import { DECOMP_PROPERTIES } from './properties/decomp.js';

describe('linear algebra: gradcheck and gradgradcheck (batched, broadcast, float64)', () => {
  for (const p of DECOMP_PROPERTIES) it(p.op, () => runProperty(p));
});

const f64 = (values: number[][] | number[][][], requiresGrad = false): Tensor =>
  tensor(values, { dtype: 'float64', requiresGrad });

/** Every element of t within 1e-14 of `want` (same shape). */
function expectNear(t: Tensor, want: number[] | number[][]): void {
  expect(t.shape).toEqual(tensor(want).shape);
  const w = tensor(want, { dtype: 'float64' });
  expect(t.sub(w).abs().max().item()).toBeLessThan(1e-14);
}

describe('linear algebra: values and shapes', () => {
  const a = f64([
    [4, 1],
    [2, 3],
  ]);
  it('solve: a vector, a matrix and broadcast batches', () => {
    const x = A.solve(a, tensor([1, 2], { dtype: 'float64' }));
    expect(x.shape).toEqual([2]);
    expectNear(A.matmul(a, x), [1, 2]);
    const b = A.randn([3, 1, 2, 4], { dtype: 'float64' });
    const batch = A.randn([2, 2, 2], { dtype: 'float64' }).add(A.eye(2, undefined, { dtype: 'float64' }).mul(5));
    const xs = A.solve(batch, b);
    expect(xs.shape).toEqual([3, 2, 2, 4]);
    expect(A.matmul(batch, xs).sub(b).abs().max().item()).toBeLessThan(1e-12);
  });
  it('inv, det and slogdet of a batch; the sign is a constant', () => {
    expectNear(A.matmul(a, A.inv(a)), [
      [1, 0],
      [0, 1],
    ]);
    const batch = f64([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 0],
        [0, 3],
      ],
    ]);
    expect(A.det(batch).toArray()).toEqual([-2, 6]);
    expect(batch.det().toArray()).toEqual([-2, 6]);
    const { sign, logabsdet } = A.slogdet(tensor(batch.value, { requiresGrad: true }));
    expect(sign.toArray()).toEqual([-1, 1]);
    expect(sign.requiresGrad).toBe(false);
    expect(logabsdet.requiresGrad).toBe(true);
    for (const [i, v] of (logabsdet.toArray() as number[]).entries()) expect(v).toBeCloseTo(Math.log([2, 6][i]!), 14);
  });
  it('slogdet and det of a singular matrix: sign 0, −∞, det 0', () => {
    const s = f64([
      [1, 2],
      [2, 4],
    ]);
    expect(A.det(s).item()).toBe(0);
    const { sign, logabsdet } = A.slogdet(s);
    expect([sign.item(), logabsdet.item()]).toEqual([0, -Infinity]);
  });
  it('cholesky: lower, upper, and L·Lᵀ = A', () => {
    const spd = f64([
      [4, 2],
      [2, 2],
    ]);
    expect(A.cholesky(spd).toArray()).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(A.cholesky(spd, true).toArray()).toEqual([
      [2, 1],
      [0, 1],
    ]);
  });
  it('float32 stays float32; float32 and float64 operands promote', () => {
    const a32 = tensor([
      [4, 1],
      [2, 3],
    ]);
    expect(A.inv(a32).dtype).toBe('float32');
    expect(A.det(a32).dtype).toBe('float32');
    expect(A.solve(a32, tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('linear algebra: bad input is a typed error naming the op, and records nothing', () => {
  const singular = f64([
    [1, 2],
    [2, 4],
  ]);
  it.each([
    ['inv of a singular matrix', () => A.inv(singular), RangeError, 'inv: the matrix is singular: U[1,1] is zero'],
    ['solve with a singular A', () => A.solve(singular, f64([[1], [1]])), RangeError, 'solve: the matrix is singular'],
    [
      'a singular matrix in a batch',
      () =>
        A.inv(
          tensor(
            [
              [
                [1, 0],
                [0, 1],
              ],
              [
                [1, 2],
                [2, 4],
              ],
            ],
            { dtype: 'float64' },
          ),
        ),
      RangeError,
      'inv: the matrix is singular: U[1,1] is zero in its LU factorization (matrix 1 of [2,2,2])',
    ],
    [
      'cholesky of an indefinite matrix',
      () =>
        A.cholesky(
          f64([
            [1, 2],
            [2, 1],
          ]),
        ),
      RangeError,
      'cholesky: the matrix is not positive-definite: its leading minor of order 2 is not (shape [2,2])',
    ],
    [
      'a non-square matrix',
      () => A.det(f64([[1, 2, 3]])),
      ShapeError,
      'det: the matrix must be square [..., n, n], got [1,3]',
    ],
    ['a vector', () => A.inv(tensor([1, 2])), ShapeError, 'inv: the matrix must be square [..., n, n], got [2]'],
    [
      'an int matrix',
      () => A.det(tensor([[1]], { dtype: 'int32' })),
      DTypeError,
      'det: expected a float32 or float64 matrix',
    ],
    [
      'rows that do not fit',
      () => A.solve(singular, tensor([1, 2, 3])),
      ShapeError,
      'solve: A [2,2] and B [3] do not fit',
    ],
    [
      'batches that do not broadcast',
      () =>
        A.solve(
          tensor([
            [
              [1, 0],
              [0, 1],
            ],
            [
              [1, 0],
              [0, 1],
            ],
          ]),
          A.ones([3, 2, 1]),
        ),
      ShapeError,
      'solve: batch dimensions of A [2,2,2] and B [3,2,1] cannot be broadcast',
    ],
    [
      'a vector B for solveTriangular',
      () => A.solveTriangular(singular, tensor([1, 2]), { upper: true }),
      ShapeError,
      'solveTriangular: B must be a matrix',
    ],
    [
      'an NDArray',
      () => A.inv(singular.value as unknown as Tensor),
      DTypeError,
      'inv: expected a Tensor as the matrix, got NDArray',
    ],
  ])('%s', (_, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message as string);
  });

  it('a failed call leaves its operands unrecorded and unchanged', () => {
    const x = f64(
      [
        [1, 2],
        [2, 4],
      ],
      true,
    );
    expect(() => A.inv(x)).toThrow(RangeError);
    expect(x.grad).toBe(null);
    expect(x.toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });

  it("det's gradient at a singular matrix is inv's singular-matrix error (not supported)", () => {
    const x = f64(
      [
        [1, 2],
        [2, 4],
      ],
      true,
    );
    expect(() => A.det(x).backward()).toThrow('inv: the matrix is singular');
  });
});
