// Random shapes and values for the property tests, as plain data (so fast-check prints a failing
// case readably), and the float64 tensors built from them.
//
// Values are kept away from kinks, where finite differences cannot agree with any one-sided
// convention: |x| >= 0.2 for relu/abs/sign/reciprocal, x >= 0.3 for log/sqrt, operands of
// maximum/minimum at least 0.25 apart, distinct elements for max/min reductions. The central
// difference step is 1e-6, so a margin of 0.1 is ample.
import fc from 'fast-check';
import { fromTypedArray } from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';

/** A tensor as data: its shape and row-major values. */
export interface TensorData {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Shapes of rank 0..maxRank with dimensions 1..maxDim. */
export const shapeArb = (maxRank = 3, maxDim = 3, minRank = 0): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** A shape that broadcasts to `full`: each dimension kept or made 1, and maybe leading dimensions dropped. */
export const operandShapeArb = (full: readonly number[]): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      fc.integer({ min: 0, max: full.length }),
    )
    .map(([ones, drop]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop));

/** Two shapes that broadcast together (both derived from one full shape). */
export const broadcastPairArb = (maxRank = 3, maxDim = 3): fc.Arbitrary<[number[], number[]]> =>
  shapeArb(maxRank, maxDim).chain((full) => fc.tuple(operandShapeArb(full), operandShapeArb(full)));

/** Value generators, each mapping a count to that many numbers. */
export type ValueKind = (n: number) => fc.Arbitrary<number[]>;

const list = (n: number, arb: fc.Arbitrary<number>): fc.Arbitrary<number[]> =>
  fc.array(arb, { minLength: n, maxLength: n });
const real = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** Any value in [-2, 2] (smooth ops). */
export const smooth: ValueKind = (n) => list(n, real(-2, 2));
/** Values in [0.3, 3] (log, sqrt, pow's base). */
export const positive: ValueKind = (n) => list(n, real(0.3, 3));
/** Values with 0.2 <= |x| <= 2 (relu, abs, reciprocal, divisors). */
export const awayFromZero: ValueKind = (n) =>
  list(
    n,
    fc.tuple(real(0.2, 2), fc.boolean()).map(([m, s]) => (s ? m : -m)),
  );
/**
 * k/2 + offset + jitter, jitter in [-0.1, 0.1]: with offsets 0 and 0.25 two such values never come closer than 0.05.
 */
export const grid =
  (offset: number): ValueKind =>
  (n) =>
    list(
      n,
      fc.tuple(fc.integer({ min: -4, max: 4 }), real(-0.1, 0.1)).map(([k, j]) => k / 2 + offset + j),
    );
/** Pairwise distinct values (at least 1e-3 apart): k/2 plus a position-dependent shift. */
export const distinct: ValueKind = (n) =>
  list(n, fc.integer({ min: -4, max: 4 })).map((ks) => ks.map((k, i) => k / 2 + (i + 1) * 1e-3));

/** A tensor's data with the given shape and value kind. */
export const dataArb = (shape: readonly number[], kind: ValueKind): fc.Arbitrary<TensorData> =>
  kind(sizeOf(shape)).map((values) => ({ shape: [...shape], values }));

/** A float64 leaf that requires grad. */
export function leaf(d: TensorData): Tensor {
  return tensor(fromTypedArray(Float64Array.from(d.values), [...d.shape]), { requiresGrad: true });
}

/** A float64 constant (no grad). */
export function constant(d: TensorData): Tensor {
  return tensor(fromTypedArray(Float64Array.from(d.values), [...d.shape]));
}

/** An int32 index tensor. */
export function indexTensor(shape: readonly number[], values: readonly number[]): Tensor {
  return tensor(fromTypedArray(Int32Array.from(values), [...shape]));
}

/** A bool mask tensor. */
export function maskTensor(shape: readonly number[], values: readonly boolean[]): Tensor {
  return tensor(fromTypedArray(Uint8Array.from(values.map((b) => (b ? 1 : 0))), [...shape]));
}

/** A sorted subset of the axes of a rank-n shape, or undefined (all). */
export const axesArb = (ndim: number): fc.Arbitrary<number[] | undefined> =>
  fc.option(fc.subarray(Array.from({ length: ndim }, (_, i) => i)), { nil: undefined });

/** A permutation of 0..n-1. */
export const permutationArb = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: n, maxLength: n },
  );
