// Property tests of the dense linear-algebra records: solve, inv, det, slogdet, cholesky and
// solveTriangular, batched (broadcast batches for the two solves), float64, first and second order.
//
// Matrices are kept well-conditioned: a square matrix is diagonally dominant (each diagonal entry
// shifted by ±(2n + 1) while the others stay in [-2, 2]), so it is far from singular and its
// determinant takes both signs; cholesky gets X·Xᵀ + I (symmetric positive-definite, eigenvalues
// at least 1); a triangular A has its diagonal in ±[1, 2].
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import type { Tensor } from '@chainrule/autograd';
import { type TensorData, broadcastPairArb, dataArb, leaf, shapeArb, smooth } from '../helpers/arbitraries.js';
import { type OpProperty, property } from '../helpers/properties.js';

const dim = fc.integer({ min: 1, max: 3 });

/** A [...batch, n, n] matrix's data, diagonally dominant with random signs on the diagonal. */
export const dominantArb = (batch: readonly number[], n: number): fc.Arbitrary<TensorData> =>
  fc
    .tuple(dataArb([...batch, n, n], smooth), fc.array(fc.boolean(), { minLength: n, maxLength: n }))
    .map(([d, signs]) => ({
      shape: d.shape,
      values: d.values.map((v, i) => {
        const r = Math.floor(i / n) % n;
        return r === i % n ? v + (signs[r] ? 1 : -1) * (2 * n + 1) : v;
      }),
    }));

/** Batch shapes of rank 0..2 with dimensions 1..2. */
const batchArb = shapeArb(2, 2);

/** A square operand alone. */
const squareCases = fc.tuple(batchArb, dim).chain(([b, n]) => dominantArb(b, n));

/** solve's operands: broadcast batches, B a matrix [..., n, k] or a vector [n]. */
const solveCases = fc
  .tuple(broadcastPairArb(2, 2), dim, dim, fc.boolean())
  .chain(([[ba, bb], n, k, vector]) => fc.tuple(dominantArb(ba, n), dataArb(vector ? [n] : [...bb, n, k], smooth)));

/** cholesky's operand: X [..., n, n], factored as X·Xᵀ + I. */
const choleskyCases = fc
  .tuple(batchArb, dim, fc.boolean())
  .chain(([b, n, upper]) => fc.record({ x: dataArb([...b, n, n], smooth), upper: fc.constant(upper) }));

/** X·Xᵀ + I: symmetric positive-definite. */
const spd = (x: Tensor): Tensor =>
  A.matmul(x, A.mT(x)).add(A.eye(x.shape[x.ndim - 1]!, undefined, { dtype: 'float64' }));

interface TriangularCase {
  readonly a: TensorData;
  readonly b: TensorData;
  readonly upper: boolean;
  readonly left: boolean;
  readonly unitriangular: boolean;
}

/** A triangular solve: A with its diagonal in ±[1, 2] (the other triangle is not read), B broadcast. */
const triangularCases: fc.Arbitrary<TriangularCase> = fc
  .tuple(broadcastPairArb(2, 2), dim, dim, fc.boolean(), fc.boolean(), fc.boolean())
  .chain(([[ba, bb], n, k, upper, left, unitriangular]) =>
    fc.record({
      a: dominantArb(ba, n).map((d) => ({
        shape: d.shape,
        values: d.values.map((v, i) => (Math.floor(i / n) % n === i % n ? Math.sign(v) * (1 + (Math.abs(v) % 1)) : v)),
      })),
      b: dataArb(left ? [...bb, n, k] : [...bb, k, n], smooth),
      upper: fc.constant(upper),
      left: fc.constant(left),
      unitriangular: fc.constant(unitriangular),
    }),
  );

export const DECOMP_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'solve',
    cases: solveCases,
    build: ([a, b]: [TensorData, TensorData]) => ({ inputs: [leaf(a), leaf(b)], f: (x, y) => A.solve(x!, y!) }),
    secondOrder: true,
    numRuns: 25,
  }),
  property({
    op: 'inv',
    cases: squareCases,
    build: (a: TensorData) => ({ inputs: [leaf(a)], f: (x) => A.inv(x!) }),
    secondOrder: true,
  }),
  property({
    op: 'det',
    cases: squareCases,
    build: (a: TensorData) => ({ inputs: [leaf(a)], f: (x) => A.det(x!) }),
    secondOrder: true,
  }),
  property({
    op: 'slogdet',
    cases: squareCases,
    build: (a: TensorData) => ({ inputs: [leaf(a)], f: (x) => A.slogdet(x!).logabsdet }),
    secondOrder: true,
  }),
  property({
    op: 'cholesky',
    cases: choleskyCases,
    build: (c: { x: TensorData; upper: boolean }) => ({
      inputs: [leaf(c.x)],
      f: (x) => A.cholesky(spd(x!), c.upper),
    }),
    secondOrder: true,
  }),
  property({
    op: 'solveTriangular',
    cases: triangularCases,
    build: (c: TriangularCase) => ({
      inputs: [leaf(c.a), leaf(c.b)],
      f: (a, b) => A.solveTriangular(a!, b!, { upper: c.upper, left: c.left, unitriangular: c.unitriangular }),
    }),
    secondOrder: true,
    numRuns: 25,
  }),
];
