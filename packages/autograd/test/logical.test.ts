// logicalOr and logicalAnd read any tensor as truth values the way PyTorch does: any non-zero
// value, NaN and ±∞ included, is true (issue 16). Random values of every dtype, broadcast shapes.
import * as T from '@chainrule/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Tensor, logicalAnd, logicalOr, tensor } from '../src/index.js';

const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;

/** Values that matter for truth: zeros of both signs, fractions that truncate to 0, NaN, infinities. */
const SPECIAL = [0, -0, 0.5, -0.25, 1e-30, NaN, Infinity, -Infinity, 1, -3];

const value = fc.oneof(fc.constantFrom(...SPECIAL), fc.double({ noNaN: true, min: -4, max: 4 }));

/** Pairs of shapes that broadcast: each axis of `a` and `b` is the common size or 1. */
const shapes = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 })
  .chain((common) =>
    fc.tuple(
      fc.constant(common),
      fc.array(fc.boolean(), { minLength: common.length, maxLength: common.length }),
      fc.array(fc.boolean(), { minLength: common.length, maxLength: common.length }),
    ),
  )
  .map(([common, oneA, oneB]) => [common.map((d, i) => (oneA[i] ? 1 : d)), common.map((d, i) => (oneB[i] ? 1 : d))]);

/** A tensor of `shape` and `dtype` holding `values` as that dtype stores them (truth is read from what is stored). */
function make(values: number[], shape: number[], dtype: (typeof DTYPES)[number]): { t: Tensor; stored: number[] } {
  const n = shape.reduce((p, d) => p * d, 1);
  const raw = values.slice(0, n);
  while (raw.length < n) raw.push(0);
  const arr = T.array(raw, 'float64').reshape(shape);
  // a float's int32 form is its truncation; a bool's, whether it was non-zero (NaN counts)
  const cast =
    dtype === 'int32'
      ? T.array(
          raw.map((v) => (Number.isFinite(v) ? Math.trunc(v) : 7)),
          'int32',
        ).reshape(shape)
      : dtype === 'bool'
        ? T.array(
            raw.map((v) => v !== 0),
            'bool',
          ).reshape(shape)
        : T.cast(arr, dtype);
  const t = tensor(cast);
  return { t, stored: (cast.reshape([-1]).toArray() as (number | boolean)[]).map(Number) };
}

/** The expected mask: elementwise over the broadcast shape, with JavaScript's `x !== 0` as the truth. */
function reference(a: number[], sa: number[], b: number[], sb: number[], op: 'or' | 'and'): boolean[] {
  const shape = T.broadcastShapes('reference', sa, sb);
  const n = shape.reduce((p, d) => p * d, 1);
  const at = (vals: number[], s: number[], flat: number): number => {
    let rest = flat,
      idx = 0,
      stride = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const coord = rest % shape[i]!;
      rest = Math.floor(rest / shape[i]!);
      const j = i - (shape.length - s.length);
      if (j >= 0) {
        idx += (s[j] === 1 ? 0 : coord) * stride;
        stride *= s[j]!;
      }
    }
    return vals[idx]!;
  };
  return Array.from({ length: n }, (_, f) => {
    const [x, y] = [at(a, sa, f) !== 0, at(b, sb, f) !== 0];
    return op === 'or' ? x || y : x && y;
  });
}

describe('logicalOr and logicalAnd', () => {
  it('read NaN and any non-zero float as true (the values PyTorch 2.13 gives)', () => {
    const x = tensor([0.5, NaN, 0, -0, -1e-30, Infinity]);
    expect(logicalOr(x, tensor([0, 0, 0, 0, 0, 0])).toArray()).toEqual([true, true, false, false, true, true]);
    expect(logicalAnd(x, tensor([1, 1, 1, 1, 1, 1])).toArray()).toEqual([true, true, false, false, true, true]);
    expect(logicalAnd(x, tensor([0.25, 0.25, 0.25, 0.25, 0.25, 0]).cast('float64')).toArray()).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('agree with x !== 0 elementwise, over every pair of dtypes and broadcast shapes', () => {
    fc.assert(
      fc.property(
        shapes,
        fc.constantFrom(...DTYPES),
        fc.constantFrom(...DTYPES),
        fc.array(value, { minLength: 27, maxLength: 27 }),
        fc.array(value, { minLength: 27, maxLength: 27 }),
        ([sa, sb], da, db, va, vb) => {
          const A = make(va, sa!, da);
          const B = make(vb, sb!, db);
          const or = logicalOr(A.t, B.t);
          const and = logicalAnd(A.t, B.t);
          expect(or.dtype).toBe('bool');
          expect(and.dtype).toBe('bool');
          expect(or.shape).toEqual(T.broadcastShapes('logicalOr', sa!, sb!));
          const flat = (t: Tensor) => t.value.reshape([-1]).toArray();
          expect(flat(or)).toEqual(reference(A.stored, sa!, B.stored, sb!, 'or'));
          expect(flat(and)).toEqual(reference(A.stored, sa!, B.stored, sb!, 'and'));
        },
      ),
      { numRuns: 200, seed: 16 },
    );
  });

  it('leave their operands unchanged and record no gradient', () => {
    const a = tensor([0.5, 0, NaN], { requiresGrad: true });
    const b = tensor([0, 0, 0]);
    const out = logicalOr(a, b);
    expect(out.requiresGrad).toBe(false);
    expect(a.toArray()).toEqual([0.5, 0, NaN]);
    expect(a.dtype).toBe('float32');
  });

  it('refuse an operand that is not a tensor, naming the op', () => {
    expect(() => logicalOr(tensor([1]), [1] as never)).toThrow(T.DTypeError);
    expect(() => logicalOr(tensor([1]), [1] as never)).toThrow(
      'logicalOr: expected a Tensor as the second operand, got array',
    );
    expect(() => logicalAnd(null as never, tensor([1]))).toThrow(
      'logicalAnd: expected a Tensor as the first operand, got null',
    );
  });

  it('refuse shapes that do not broadcast with a ShapeError', () => {
    expect(() => logicalAnd(tensor([1, 0]), tensor([1, 0, 1]))).toThrow(T.ShapeError);
  });
});
