// Rows of the bad-input catalogue (bad-input-catalogue.test.ts): the linear algebra (luFactor ...
// solveTriangular). A singular or indefinite matrix is a RangeError naming the op.
import {
  DTypeError,
  RangeError,
  ShapeError,
  array,
  cholesky,
  det,
  inv,
  luFactor,
  slogdet,
  solve,
  solveTriangular,
  zeros,
} from '../src/index.js';
import type { Row } from './bad-input-rows.js';

const sing = array(
  [
    [1, 2],
    [2, 4],
  ],
  'float64',
);
const indefinite = array(
  [
    [1, 2],
    [2, 1],
  ],
  'float64',
);
const m22 = array([
  [4, 1],
  [2, 3],
]);
const m23 = array([
  [1, 2, 3],
  [4, 5, 6],
]);
const v3 = array([1, 2, 3]);
const ints = array([[1]], 'int32');

export const linalgRows: Row[] = [
  ['inv of a singular matrix', () => inv(sing), RangeError, 'inv: the matrix is singular: U[1,1] is zero', [sing]],
  [
    'solve with a singular A',
    () => solve(sing, array([1, 1], 'float64')),
    RangeError,
    'solve: the matrix is singular',
    [sing],
  ],
  [
    'cholesky of an indefinite matrix',
    () => cholesky(indefinite),
    RangeError,
    'cholesky: the matrix is not positive-definite: its leading minor of order 2 is not (shape [2,2])',
    [indefinite],
  ],
  ['det of [2,3]', () => det(m23), ShapeError, 'det: the matrix must be square [..., n, n], got [2,3]', [m23]],
  [
    'slogdet of a vector',
    () => slogdet(v3),
    ShapeError,
    'slogdet: the matrix must be square [..., n, n], got [3]',
    [v3],
  ],
  [
    'luFactor of int32',
    () => luFactor(ints),
    DTypeError,
    'luFactor: expected a float32 or float64 matrix, got int32',
    [ints],
  ],
  [
    'solve with rows that differ',
    () => solve(m22, v3),
    ShapeError,
    'solve: A [2,2] and B [3] do not fit (B needs 2 rows, got 3)',
    [m22, v3],
  ],
  [
    'solve with batches that do not broadcast',
    () => solve(zeros([2, 2, 2]), zeros([3, 2, 1])),
    ShapeError,
    'solve: batch dimensions of A [2,2,2] and B [3,2,1] cannot be broadcast',
  ],
  [
    'solve with an int32 B',
    () => solve(m22, array([1, 2], 'int32')),
    DTypeError,
    'solve: expected a float32 or float64 B, got int32',
    [m22],
  ],
  [
    'solveTriangular with a vector B',
    () => solveTriangular(m22, v3, { upper: true }),
    ShapeError,
    'solveTriangular: B must be a matrix [..., n, k], got [3]',
    [m22, v3],
  ],
  [
    'solveTriangular on the right with B of the wrong width',
    () => solveTriangular(m22, zeros([2, 3]), { upper: false, left: false }),
    ShapeError,
    'solveTriangular: A [2,2] and B [2,3] do not fit (B needs 2 columns, got 3)',
    [m22],
  ],
];
