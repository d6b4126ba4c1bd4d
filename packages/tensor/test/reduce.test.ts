import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type NDArray,
  RangeError,
  ShapeError,
  argmax,
  argmin,
  array,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  variance,
  zeros,
} from '@chainrule/tensor';
import {
  F32_EPS,
  allIndices,
  arrayOf,
  at,
  expectClose,
  finite,
  fromValues,
  product,
  shapeArb,
  smallInt,
  values,
} from './helpers.js';

type Op = 'sum' | 'prod' | 'mean' | 'max' | 'min' | 'var' | 'std' | 'logsumexp';

/**
 * Naive reduction: groups the elements of x by their coordinates on the kept axes (row-major
 * iteration, so each group sees its elements in row-major order) and folds each group.
 */
function reference(
  x: NDArray,
  axes: readonly number[],
  op: Op,
  correction = 1,
): { shape: number[]; kept: number[]; out: number[] } {
  const keep = x.shape.map((_, i) => !axes.includes(i));
  const shape = x.shape.filter((_, i) => keep[i]);
  const kept = x.shape.map((d, i) => (keep[i] ? d : 1));
  const groups: number[][] = Array.from({ length: product(shape) }, () => []);
  for (const idx of allIndices(x.shape)) {
    let g = 0;
    idx.forEach((k, i) => {
      if (keep[i]) g = g * x.shape[i]! + k;
    });
    groups[g]!.push(at(x, idx));
  }
  const out = groups.map((v) => {
    const n = v.length;
    const total = v.reduce((p, e) => p + e, 0);
    switch (op) {
      case 'sum':
        return total;
      case 'prod':
        return v.reduce((p, e) => p * e, 1);
      case 'mean':
        return total / n;
      case 'max':
        return v.reduce((p, e) => (Number.isNaN(p) || Number.isNaN(e) ? NaN : Math.max(p, e)), -Infinity);
      case 'min':
        return v.reduce((p, e) => (Number.isNaN(p) || Number.isNaN(e) ? NaN : Math.min(p, e)), Infinity);
      case 'var':
      case 'std': {
        const m = total / n;
        const ss = v.reduce((p, e) => p + (e - m) * (e - m), 0);
        const r = ss / Math.max(n - correction, 0);
        return op === 'var' ? r : Math.sqrt(r);
      }
      case 'logsumexp': {
        if (n === 0) return -Infinity;
        const m = Math.max(...v);
        if (!Number.isFinite(m)) return Math.log(v.reduce((p, e) => p + Math.exp(e), 0));
        return m + Math.log(v.reduce((p, e) => p + Math.exp(e - m), 0));
      }
      default:
        throw new Error(`reference: unknown op ${op satisfies never}`);
    }
  });
  return { shape, kept, out };
}

/**
 * A shape (empty dimensions allowed when `empty`), an array of it,
 * and a random set of axes written positive or negative.
 */
function caseArb(elem: fc.Arbitrary<number>, opts: { empty?: boolean; dtype?: 'float32' | 'float64' } = {}) {
  return shapeArb({ maxRank: 4, minDim: opts.empty ? 0 : 1 }).chain((s) =>
    fc.tuple(
      arrayOf(s, elem, opts.dtype ?? 'float64'),
      fc.option(
        fc
          .subarray(s.map((_, i) => i))
          .chain((axes) =>
            fc.tuple(...axes.map((a) => fc.constantFrom(a, a - s.length))).map((written) => ({ axes, written })),
          ),
        { nil: undefined },
      ),
      fc.boolean(),
    ),
  );
}

function run(op: Op, x: NDArray, axis: number[] | undefined, keepDims: boolean, correction?: number): NDArray {
  switch (op) {
    case 'sum':
      return sum(x, axis, keepDims);
    case 'prod':
      return prod(x, axis, keepDims);
    case 'mean':
      return mean(x, axis, keepDims);
    case 'max':
      return max(x, axis, keepDims);
    case 'min':
      return min(x, axis, keepDims);
    case 'var':
      return variance(x, axis, correction === undefined ? { keepDims } : { keepDims, correction });
    case 'std':
      return std(x, axis, correction === undefined ? { keepDims } : { keepDims, correction });
    case 'logsumexp':
      return logsumexp(x, axis, keepDims);
  }
}

function check(
  op: Op,
  elem: fc.Arbitrary<number>,
  rtol: number,
  atol: number,
  opts: { empty?: boolean; dtype?: 'float32' | 'float64' } = {},
  numRuns = 120,
): void {
  fc.assert(
    fc.property(caseArb(elem, opts), fc.constantFrom(0, 1, 2), ([x, ax, keepDims], correction) => {
      const axes = ax === undefined ? x.shape.map((_, i) => i) : ax.axes;
      const ref = reference(x, axes, op, correction);
      const emptyGroup = axes.some((a) => x.shape[a] === 0);
      if ((op === 'max' || op === 'min') && emptyGroup) {
        expect(() => run(op, x, ax?.written, keepDims)).toThrow(ShapeError);
        return;
      }
      const y = run(op, x, ax?.written, keepDims, op === 'var' || op === 'std' ? correction : undefined);
      expect(y.shape).toEqual(keepDims ? ref.kept : ref.shape);
      expect(y.dtype).toBe(x.dtype);
      const expected = x.dtype === 'float32' ? ref.out.map(Math.fround) : ref.out;
      expectClose(values(y), expected, rtol, atol);
    }),
    { numRuns },
  );
}

describe('reductions against a naive reference (random axes, negative axes, keepDims)', () => {
  // small integers: sums, products and maxima are exact in float64
  it('sum', () => check('sum', smallInt, 0, 0, { empty: true }));
  it('prod', () => check('prod', fc.integer({ min: -3, max: 3 }), 0, 0, { empty: true }));
  it('max', () => check('max', smallInt, 0, 0, { empty: true }));
  it('min', () => check('min', smallInt, 0, 0, { empty: true }));
  // divisions and square roots: correctly rounded steps in float64, so a few ulps
  it('mean', () => check('mean', finite(100), 1e-14, 1e-13, { empty: true }));
  it('variance with correction 0, 1, 2', () => check('var', finite(100), 1e-12, 1e-10, { empty: true }));
  it('std with correction 0, 1, 2', () => check('std', finite(100), 1e-12, 1e-10, { empty: true }));
  it('logsumexp', () => check('logsumexp', finite(50), 1e-14, 1e-13, { empty: true }));
  it('float32 sums are the float64 sum rounded once', () =>
    check('sum', finite(100), F32_EPS, 1e-30, { dtype: 'float32' }));
  it('float32 max of random floats is exact', () => check('max', finite(100), 0, 0, { dtype: 'float32' }));
  it('float32 mean is within float32 rounding', () =>
    check('mean', finite(100), 2 * F32_EPS, 1e-30, { dtype: 'float32' }));

  it('whole-tensor reductions give 0-d arrays (or all-ones shapes with keepDims)', () => {
    const x = fromValues([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(21);
    expect(sum(x, undefined, true).shape).toEqual([1, 1]);
    expect(prod(x).item()).toBe(720);
    expect(mean(x).item()).toBe(3.5);
    expect(max(x).item()).toBe(6);
    expect(min(x, undefined, true).shape).toEqual([1, 1]);
    expect(variance(x).item()).toBeCloseTo(3.5, 14);
    expect(variance(x, undefined, { correction: 0 }).item()).toBeCloseTo(17.5 / 6, 14);
    expect(x.sum(-1).toArray()).toEqual([6, 15]);
    expect(x.mean(0, true).toArray()).toEqual([[2.5, 3.5, 4.5]]);
  });
});

describe('argmax and argmin', () => {
  it('give the first index of the extreme along an axis, or in the flattened array', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 4 }).chain((s) =>
          fc.tuple(
            arrayOf(s, fc.integer({ min: -3, max: 3 })),
            fc.integer({ min: -s.length, max: s.length - 1 }),
            fc.boolean(),
          ),
        ),
        ([x, axis, keepDims]) => {
          const ax = axis < 0 ? axis + x.ndim : axis;
          for (const [fn, better] of [
            [argmax, (a: number, b: number) => a > b],
            [argmin, (a: number, b: number) => a < b],
          ] as const) {
            const y = fn(x, axis, keepDims);
            expect(y.dtype).toBe('int32');
            const outShape = x.shape.filter((_, i) => i !== ax);
            expect(y.shape).toEqual(keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : outShape);
            const got = values(y);
            allIndices(outShape).forEach((o, g) => {
              let best = 0;
              for (let k = 1; k < x.shape[ax]!; k++) {
                const src = [...o.slice(0, ax), k, ...o.slice(ax)];
                const cur = [...o.slice(0, ax), best, ...o.slice(ax)];
                if (better(at(x, src), at(x, cur))) best = k;
              }
              expect(got[g]).toBe(best);
            });
            // flattened
            const flat = values(x);
            let best = 0;
            flat.forEach((v, i) => {
              if (better(v, flat[best]!)) best = i;
            });
            expect(fn(x).item()).toBe(best);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('treat NaN as the extreme (the first NaN wins), like PyTorch', () => {
    const x = array([1, NaN, 5, NaN], 'float64');
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(1);
    expect(argmax(array([NaN, 7], 'float64')).item()).toBe(0);
  });
});

describe('NaN, infinities and empty inputs', () => {
  it('NaN propagates through max/min/sum', () => {
    const x = array(
      [
        [1, NaN],
        [3, 4],
      ],
      'float64',
    );
    expect(values(max(x, 1))).toEqual([NaN, 4]);
    expect(values(min(x, 0))).toEqual([1, NaN]);
    expect(Number.isNaN(sum(x).item())).toBe(true);
  });

  it('empty reductions follow NumPy: sum 0, prod 1, mean NaN, max/argmax throw', () => {
    const e = zeros([0]);
    expect(sum(e).item()).toBe(0);
    expect(prod(e).item()).toBe(1);
    expect(Number.isNaN(mean(e).item())).toBe(true);
    expect(() => max(e)).toThrow(ShapeError);
    expect(() => min(zeros([2, 0]), 1)).toThrow(ShapeError);
    expect(() => argmax(e)).toThrow(ShapeError);
    expect(values(sum(zeros([2, 0]), 1))).toEqual([0, 0]);
    expect(max(zeros([0, 3]), 1).shape).toEqual([0]); // reducing a non-empty axis of an empty array is fine
    expect(logsumexp(e).item()).toBe(-Infinity);
  });

  it('logsumexp is stable: large, -inf and +inf inputs', () => {
    expect(logsumexp(array([1000, 1000], 'float64')).item()).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logsumexp(array([1000, 1000])).item()).toBeCloseTo(1000.6931, 3);
    expect(logsumexp(array([-1000, -1000], 'float64')).item()).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logsumexp(array([-Infinity, -Infinity], 'float64')).item()).toBe(-Infinity);
    expect(logsumexp(array([Infinity, 0], 'float64')).item()).toBe(Infinity);
    expect(
      values(
        logsumexp(
          array(
            [
              [0, -Infinity],
              [1e4, 1e4],
            ],
            'float64',
          ),
          1,
        ),
      ),
    ).toEqual([0, 1e4 + Math.LN2]);
  });

  it('integer and bool inputs: sums stay int32, means become float32', () => {
    const i = array(
      [
        [1, 2],
        [3, 4],
      ],
      'int32',
    );
    expect(sum(i).dtype).toBe('int32');
    expect(sum(i).item()).toBe(10);
    expect(mean(i).dtype).toBe('float32');
    expect(mean(i).item()).toBe(2.5);
    expect(sum(array([true, true, false])).dtype).toBe('int32');
    expect(sum(array([true, true, false])).item()).toBe(2);
    expect(max(i, 0).dtype).toBe('int32');
    expect(variance(i).dtype).toBe('float32');
  });
});

describe('axis errors', () => {
  it('name the axis and the rank', () => {
    const x = zeros([2, 3]);
    expect(() => sum(x, 2)).toThrow(RangeError);
    expect(() => sum(x, 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => mean(x, -3)).toThrow('mean: axis -3 is out of range for a tensor of rank 2');
    expect(() => argmax(x, 5)).toThrow(RangeError);
    expect(() => sum(x, [0, -2])).toThrow(ShapeError); // the same axis twice
    expect(() => sum(x, 2)).toThrow(globalThis.RangeError);
  });
});
