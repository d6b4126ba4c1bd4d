/** Bad inputs to the linear algebra, einsum and norms (solve ... norm, issue #14). */
import { DTypeError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, ints, leaf } from './types.js';

/** A singular 2×2 leaf. */
const singular = () =>
  leaf([
    [1, 2],
    [2, 4],
  ]);
/** A well-conditioned 2×2 leaf. */
const square = () =>
  leaf([
    [4, 1],
    [2, 3],
  ]);

/** A case on one fresh leaf. */
const on = (
  name: string,
  error: Case['error'],
  op: string,
  message: string | RegExp,
  make: () => A.Tensor,
  call: (x: A.Tensor) => unknown,
) =>
  bad(name, error, op, message, () => {
    const x = make();
    return { watch: [x], call: () => call(x) };
  });

export const linalgCases: Case[] = [
  on('inv of a singular matrix', RangeError, 'inv', 'the matrix is singular', singular, (x) => A.inv(x)),
  on('solve with a singular A', RangeError, 'solve', 'the matrix is singular', singular, (x) =>
    A.solve(x, A.ones([2], { dtype: 'float64' })),
  ),
  on(
    'det of a non-square matrix',
    ShapeError,
    'det',
    'must be square [..., n, n], got [1,2]',
    () => leaf([[1, 2]]),
    (x) => A.det(x),
  ),
  on(
    'slogdet of a vector',
    ShapeError,
    'slogdet',
    'must be square [..., n, n], got [2]',
    () => leaf([1, 2]),
    (x) => A.slogdet(x),
  ),
  on(
    'inv of an int matrix',
    DTypeError,
    'inv',
    'expected a float32 or float64 matrix, got int32',
    () => ints([[1]]),
    (x) => A.inv(x),
  ),
  on('cholesky of an indefinite matrix', RangeError, 'cholesky', 'not positive-definite', singular, (x) =>
    A.cholesky(x.add(A.eye(2, undefined, { dtype: 'float64' }).mul(-1))),
  ),
  on('solve with B of the wrong length', ShapeError, 'solve', 'B needs 2 rows, got 3', square, (x) =>
    A.solve(x, A.ones([3], { dtype: 'float64' })),
  ),
  on('solveTriangular with a vector B', ShapeError, 'solveTriangular', 'B must be a matrix', square, (x) =>
    A.solveTriangular(x, A.ones([2], { dtype: 'float64' }), { upper: true }),
  ),
  on('det backward at a singular matrix', RangeError, 'inv', 'the matrix is singular', singular, (x) =>
    A.det(x).backward(),
  ),
  on('einsum with too few operands', ShapeError, 'einsum', 'has 2 operands, got 1 tensors', square, (x) =>
    A.einsum('ij,jk', x),
  ),
  on(
    'einsum with sizes that differ',
    ShapeError,
    'einsum',
    "subscript 'j' has size 2 in operand 0 and 3",
    square,
    (x) => A.einsum('ij,jk', x, A.ones([3, 2], { dtype: 'float64' })),
  ),
  on(
    'einsum with an unknown output subscript',
    RangeError,
    'einsum',
    "output subscript 'k' appears in no operand",
    square,
    (x) => A.einsum('ij->k', x),
  ),
  on('einsum with a digit', RangeError, 'einsum', "invalid subscript '2'", square, (x) => A.einsum('i2', x)),
  on('outer of a matrix', ShapeError, 'outer', 'expected two 1-D tensors, got [2,2] and [2]', square, (x) =>
    A.outer(x, A.ones([2], { dtype: 'float64' })),
  ),
  on(
    'vectorNorm of ints',
    DTypeError,
    'vectorNorm',
    'expected a float32 or float64 input',
    () => ints([1, 2]),
    (x) => A.vectorNorm(x),
  ),
  on('vectorNorm over an axis out of range', RangeError, 'vectorNorm', 'out of range', square, (x) =>
    A.vectorNorm(x, 2, 2),
  ),
  on('matrixNorm of order 2', RangeError, 'matrixNorm', 'ord 2 is not supported', square, (x) => A.matrixNorm(x, 2)),
  on('norm with a nuclear order', RangeError, 'norm', "p must be a number or 'fro'", square, (x) =>
    A.norm(x, 'nuc' as 'fro'),
  ),
];
