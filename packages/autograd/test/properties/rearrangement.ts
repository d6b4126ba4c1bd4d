// Property tests of the scans (cumprod, logcumsumexp), sorting (argsort), the rearrangements
// (flip, roll) and matrix structure (tril, triu, diagonal, diag): random shapes, axes, offsets
// and shifts, float64, first and second order. cumprod's values stay away from 0 here (its
// division path); zeros are tested apart, in ops-rearrange.test.ts.
import fc from 'fast-check';
import * as A from '@chainrule/autograd';
import { awayFromZero, dataArb, distinct, leaf, shapeArb, smooth } from '../helpers/arbitraries.js';
import { type NonDifferentiableProperty, type OpProperty, nonDifferentiable, property } from '../helpers/properties.js';

/** A shape of rank ≥ minRank and one of its axes (negative half the time); rank 0 has axes 0 and -1. */
export const shapeAndAxis = (minRank = 0, maxRank = 3): fc.Arbitrary<[number[], number]> =>
  shapeArb(maxRank, 3, minRank).chain((s) =>
    fc.tuple(fc.constant(s), fc.integer({ min: -Math.max(s.length, 1), max: Math.max(s.length, 1) - 1 })),
  );

/** A shape of rank ≥ 1 and a non-empty set of distinct axes of it. */
const shapeAndAxes = shapeArb(3, 3, 1).chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.subarray(
      s.map((_, i) => i),
      { minLength: 1 },
    ),
  ),
);

/** A batch of matrices (rank 2 to 4, sides 1 to 4) and a diagonal offset that may miss the matrix. */
const matrices = fc.tuple(shapeArb(2, 2, 0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }));
const matrixCase = matrices.chain(([batch, m, n]) =>
  fc.tuple(dataArb([...batch, m, n], smooth), fc.integer({ min: -4, max: 4 })),
);

export const REARRANGEMENT_PROPERTIES: readonly OpProperty[] = [
  property({
    op: 'cumprod',
    cases: shapeAndAxis(0, 3).chain(([s, axis]) => fc.tuple(dataArb(s, awayFromZero), fc.constant(axis))),
    build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.cumprod(x, axis) }),
    secondOrder: true,
  }),
  property({
    op: 'logcumsumexp',
    cases: shapeAndAxis(0, 3).chain(([s, axis]) => fc.tuple(dataArb(s, smooth), fc.constant(axis))),
    build: ([d, axis]) => ({ inputs: [leaf(d)], f: (x) => A.logcumsumexp(x, axis) }),
    secondOrder: true,
  }),
  property({
    op: 'flip',
    cases: shapeAndAxes.chain(([s, axes]) => fc.tuple(dataArb(s, smooth), fc.constant(axes))),
    build: ([d, axes]) => ({ inputs: [leaf(d)], f: (x) => A.flip(x, axes) }),
    secondOrder: true,
  }),
  // shifts of any sign and size (larger than the axis too), on some axes, or on the flattened tensor
  property({
    op: 'roll',
    cases: shapeAndAxes.chain(([s, axes]) =>
      fc.tuple(
        dataArb(s, smooth),
        fc.option(fc.constant(axes), { nil: undefined }),
        fc.array(fc.integer({ min: -7, max: 7 }), { minLength: axes.length, maxLength: axes.length }),
      ),
    ),
    build: ([d, axes, shifts]) => ({
      inputs: [leaf(d)],
      f: (x) => (axes === undefined ? A.roll(x, shifts[0]!) : A.roll(x, shifts, axes)),
    }),
    secondOrder: true,
  }),
  property({
    op: 'tril',
    cases: matrixCase,
    build: ([d, k]) => ({ inputs: [leaf(d)], f: (x) => A.tril(x, k) }),
    secondOrder: true,
  }),
  property({
    op: 'triu',
    cases: matrixCase,
    build: ([d, k]) => ({ inputs: [leaf(d)], f: (x) => A.triu(x, k) }),
    secondOrder: true,
  }),
  // any two distinct axes of a rank 2..4 tensor (diagonal of length 0 included)
  property({
    op: 'diagonal',
    cases: matrixCase.chain(([d, k]) =>
      fc
        .tuple(
          fc.integer({ min: -d.shape.length, max: d.shape.length - 1 }),
          fc.integer({ min: -d.shape.length, max: d.shape.length - 1 }),
        )
        .filter(([a, b]) => (a + d.shape.length) % d.shape.length !== (b + d.shape.length) % d.shape.length)
        .map(([a, b]) => [d, k, a, b] as const),
    ),
    build: ([d, k, a, b]) => ({ inputs: [leaf(d)], f: (x) => A.diagonal(x, k, a, b) }),
    secondOrder: true,
  }),
  // torch.diag of a vector: the vector written on a diagonal of a square of zeros
  property({
    op: 'diagonalBackward',
    cases: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -3, max: 3 }))
      .chain(([n, k]) => fc.tuple(dataArb([n], smooth), fc.constant(k))),
    build: ([d, k]) => ({ inputs: [leaf(d)], f: (x) => A.diag(x, k) }),
    secondOrder: true,
  }),
];

export const REARRANGEMENT_NON_DIFFERENTIABLE: readonly NonDifferentiableProperty[] = [
  // the sorting permutation is a constant: gathering with it gives each value its own gradient back
  nonDifferentiable({
    op: 'argsort',
    cases: shapeAndAxis(1, 3).chain(([s, axis]) => fc.tuple(dataArb(s, distinct), fc.constant(axis), fc.boolean())),
    build: ([d, axis, descending]) => ({
      inputs: [leaf(d)],
      direct: (x) => A.argsort(x, axis, descending),
      f: (x) => A.gather(x, axis, A.argsort(x, axis, descending)).mul(x),
    }),
  }),
];
