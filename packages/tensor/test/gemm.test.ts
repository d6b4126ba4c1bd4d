import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm, type GemmOperand } from '../src/backends/js/gemm.js';
import type { FloatArray } from '../src/dtype.js';
import { filler } from './helpers.js';

type Kind = 'float32' | 'float64';

interface OperandSpec {
  readonly transposed: boolean;
  readonly padRow: number;
  readonly padCol: number;
  readonly offset: number;
}

function alloc(kind: Kind, n: number): FloatArray {
  return kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * A rows×cols operand laid out per `spec`: transposed means column-major storage
 * (colStride = leading dimension), paddings make the leading dimension larger than needed.
 */
function makeOperand(kind: Kind, rows: number, cols: number, spec: OperandSpec, rand: () => number): GemmOperand {
  const rowStride = spec.transposed ? 1 : cols + spec.padRow;
  const colStride = spec.transposed ? rows + spec.padCol : 1;
  const span = rows === 0 || cols === 0 ? 0 : (rows - 1) * rowStride + (cols - 1) * colStride + 1;
  const data = alloc(kind, spec.offset + span + 3);
  for (let i = 0; i < data.length; i++) data[i] = rand();
  return { data, offset: spec.offset, rowStride, colStride };
}

/** The reference: a plain triple loop summing p = 0..k-1 in float64, rounded once on store. */
function naive(m: number, n: number, k: number, a: GemmOperand, b: GemmOperand, c: FloatArray, cOffset: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s +=
          a.data[a.offset + i * a.rowStride + p * a.colStride]! * b.data[b.offset + p * b.rowStride + j * b.colStride]!;
      }
      c[cOffset + i * n + j] = s;
    }
  }
}

function check(
  kind: Kind,
  m: number,
  n: number,
  k: number,
  sa: OperandSpec,
  sb: OperandSpec,
  cOffset: number,
  seed: number,
): void {
  const rand = filler(seed);
  const a = makeOperand(kind, m, k, sa, rand);
  const b = makeOperand(kind, k, n, sb, rand);
  const got = alloc(kind, cOffset + m * n + 2);
  const want = alloc(kind, cOffset + m * n + 2);
  // Sentinels around the output must survive, and stale output must be overwritten.
  got.fill(7.5);
  want.fill(7.5);
  gemm(m, n, k, a, b, got, cOffset);
  naive(m, n, k, a, b, want, cOffset);
  // The summation order is the same, so the results are bit-identical (toEqual treats NaN as equal to NaN).
  expect(Array.from(got)).toEqual(Array.from(want));
}

const specArb: fc.Arbitrary<OperandSpec> = fc.record({
  transposed: fc.boolean(),
  padRow: fc.nat(3),
  padCol: fc.nat(3),
  offset: fc.nat(5),
});

const dimArb = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 3 },
  { arbitrary: fc.integer({ min: 120, max: 140 }), weight: 1 }, // crosses MC = 128
);

describe('gemm (pure TypeScript)', () => {
  for (const kind of ['float32', 'float64'] as const) {
    it(`matches a naive triple loop bit for bit on random shapes, strides and offsets (${kind})`, () => {
      fc.assert(
        fc.property(dimArb, dimArb, dimArb, specArb, specArb, fc.nat(4), fc.nat(), (m, n, k, sa, sb, cOffset, seed) => {
          check(kind, m, n, k, sa, sb, cOffset, seed);
        }),
        { numRuns: 150 },
      );
    });

    it(`handles sizes that cross every cache block (k > 256, n > 1024, m > 128) (${kind})`, () => {
      const plain = { transposed: false, padRow: 1, padCol: 0, offset: 2 };
      const trans = { transposed: true, padRow: 0, padCol: 2, offset: 1 };
      check(kind, 3, 1030, 261, plain, trans, 1, 11);
      check(kind, 133, 9, 517, trans, plain, 0, 12);
      check(kind, 130, 67, 300, trans, trans, 3, 13);
    });
  }

  it('propagates NaN and Infinity (no skipping of zero terms)', () => {
    const m = 9,
      n = 7,
      k = 600;
    for (const kind of ['float32', 'float64'] as const) {
      const rand = filler(5);
      const spec = { transposed: false, padRow: 0, padCol: 0, offset: 0 };
      const a = makeOperand(kind, m, k, spec, rand);
      const b = makeOperand(kind, k, n, spec, rand);
      a.data.fill(0, 0, k); // row 0 of A is all zero ...
      b.data[300 * n + 2] = NaN; // ... yet 0·NaN must poison column 2
      b.data[10 * n + 4] = Infinity; // ... and 0·Inf column 4
      a.data[5 * k + 10] = Infinity; // row 5 gets ±Inf or NaN everywhere it meets b[10, :]
      const got = alloc(kind, m * n);
      const want = alloc(kind, m * n);
      gemm(m, n, k, a, b, got, 0);
      naive(m, n, k, a, b, want, 0);
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(got[2]).toBeNaN();
      expect(got[4]).toBeNaN();
      expect(Number.isFinite(got[5 * n + 0]!)).toBe(false);
    }
  });

  it('writes float32-rounded float64 sums into Float32Array outputs', () => {
    // 1 + 2^-30 is not a float32; the sum must be formed in float64 and rounded once.
    const a: GemmOperand = { data: new Float32Array([1, 2 ** -15, 2 ** -15]), offset: 0, rowStride: 3, colStride: 1 };
    const b: GemmOperand = { data: new Float32Array([1, 2 ** -15, -1]), offset: 0, rowStride: 1, colStride: 1 };
    const c = new Float32Array(1);
    gemm(1, 1, 3, a, b, c, 0);
    expect(c[0]).toBe(Math.fround(1 + 2 ** -30 - 2 ** -15));
  });
});
