// Random norm cases for the property tests: vector norms of every kind of order (2, 1, 0, ±∞,
// fractional, > 2, negative) over random axes, and matrix norms ('fro', ±1, ±∞) over two random axes.
//
// Values are kept off the kinks: every |x| is at least 0.3 (abs, and the pow of p < 1, have a kink at
// 0) and the magnitudes are distinct, at least 0.05 apart (max and min of |x| have kinks at ties);
// the row and column sums of the matrix norms get no ties either (magnitudes 0.3 + 0.05·2^k).
import fc from 'fast-check';
import type { TensorData } from '../helpers/arbitraries.js';
import { shapeArb, sizeOf } from '../helpers/arbitraries.js';

/** Values with distinct magnitudes ≥ 0.3 and random signs, in a random order. */
export const offKinkArb = (shape: readonly number[], spread: (i: number) => number): fc.Arbitrary<TensorData> => {
  const n = sizeOf(shape);
  return fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      fc.double({ min: 0, max: 0.01, noNaN: true }),
    )
    .map(([order, signs, jitter]) => ({
      shape: [...shape],
      values: order.map((k, i) => (signs[i] ? 1 : -1) * (0.3 + spread(k) + jitter)),
    }));
};

export interface VectorNormCase {
  readonly x: TensorData;
  readonly ord: number;
  readonly dim: number[] | undefined;
  readonly keepDim: boolean;
}

const ORDS = [2, 1, 0, 3, 0.5, 1.5, Infinity, -Infinity, -1, -2.5];

export const vectorNormCases: fc.Arbitrary<VectorNormCase> = fc
  .tuple(shapeArb(3, 3, 1), fc.constantFrom(...ORDS), fc.boolean())
  .chain(([shape, ord, keepDim]) =>
    fc.record({
      x: offKinkArb(shape, (k) => 0.05 * k),
      ord: fc.constant(ord),
      dim: fc.option(
        fc.subarray(
          shape.map((_, i) => i - (i % 2) * shape.length),
          { minLength: 1 },
        ),
        { nil: undefined },
      ),
      keepDim: fc.constant(keepDim),
    }),
  );

export interface MatrixNormCase {
  readonly x: TensorData;
  readonly ord: 'fro' | number;
  readonly dim: [number, number];
  readonly keepDim: boolean;
}

export const matrixNormCases: fc.Arbitrary<MatrixNormCase> = fc
  .tuple(
    fc.oneof(shapeArb(2, 3, 2), shapeArb(3, 2, 3)),
    fc.constantFrom<'fro' | number>('fro', 1, -1, Infinity, -Infinity),
    fc.boolean(),
  )
  .chain(([shape, ord, keepDim]) =>
    fc.record({
      // magnitudes 0.3 + 0.05·2^k (at most 9 of them): sums over distinct sets of as many differ
      x: offKinkArb(shape, (k) => 0.05 * 2 ** k),
      ord: fc.constant(ord),
      dim: fc
        .shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: 2, maxLength: 2 },
        )
        .map(([r, c]) => [r!, c! - shape.length] as [number, number]),
      keepDim: fc.constant(keepDim),
    }),
  );
