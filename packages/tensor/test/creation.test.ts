import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  arange,
  array,
  eye,
  fromTypedArray,
  full,
  fullLike,
  linspace,
  ones,
  zeros,
  type NestedArray,
} from '@chainrule/tensor';
import { allIndices, at, product, shapeArb, values } from './helpers.js';

/** The nested JS array of `shape` whose row-major entries are f(0), f(1), ... */
function nested(shape: readonly number[], f: (i: number) => number, base = 0): NestedArray {
  if (shape.length === 0) return f(base);
  const inner = product(shape.slice(1));
  return Array.from({ length: shape[0]! }, (_, i) => nested(shape.slice(1), f, base + i * inner));
}

describe('array()', () => {
  it('reads nested arrays of any shape in row-major order', () => {
    fc.assert(
      fc.property(
        shapeArb({ maxRank: 4, minDim: 0 }),
        fc.constantFrom('float32', 'float64', 'int32') as fc.Arbitrary<'float32' | 'float64' | 'int32'>,
        (shape, dtype) => {
          const x = array(
            nested(shape, (i) => i * 3 - 7),
            dtype,
          );
          expect(x.dtype).toBe(dtype);
          // an empty nested array stops at its first empty level, as NumPy does
          const stop = shape.indexOf(0);
          expect(x.shape).toEqual(stop < 0 ? shape : shape.slice(0, stop + 1));
          expect(values(x)).toEqual(allIndices(x.shape).map((_, i) => i * 3 - 7));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('defaults to float32 (rounding), bool for booleans; a scalar gives a 0-d array', () => {
    expect(array([0.1, 2]).dtype).toBe('float32');
    expect(values(array([0.1, 2]))).toEqual([Math.fround(0.1), 2]);
    const b = array([
      [true, false],
      [false, true],
    ]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(array(5).shape).toEqual([]);
    expect(array(5).item()).toBe(5);
    expect(array([]).shape).toEqual([0]);
    expect(array([[], []]).shape).toEqual([2, 0]);
    expect(values(array([1, -1, 2147483647, -2147483648], 'int32'))).toEqual([1, -1, 2147483647, -2147483648]);
    // values int32 cannot hold are refused, never wrapped or truncated (bad-input-catalogue.test.ts)
    expect(() => array([1.9, -1.9, 3e9], 'int32')).toThrow('array: value 1.9 at [0] is not an integer');
    expect(values(array([2, 0, NaN, -1], 'bool'))).toEqual([1, 0, 1, 1]);
  });

  it('names the ragged position', () => {
    expect(() => array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => array([[1, 2], [3]])).toThrow('array: ragged nested array at [1]: expected length 2, got length 1');
    expect(() =>
      array([
        [[1], [2]],
        [[3], [4, 5]],
      ]),
    ).toThrow('array: ragged nested array at [1,1]: expected length 1, got length 2');
    expect(() => array([[1, 2], 3] as NestedArray)).toThrow(
      'array: ragged nested array at [1]: expected length 2, got a number',
    );
    expect(() =>
      array([
        [1, 2],
        [3, [4]],
      ] as NestedArray),
    ).toThrow('array: ragged nested array at [1,1]: expected a number, got an array');
    expect(() => array([[], [1]])).toThrow('array: ragged nested array at [1]: expected length 0, got length 1');
    expect(() => array([1, 'x'] as unknown as NestedArray)).toThrow(DTypeError);
  });

  // its speed belongs in bench/, never in a timed unit test
  it('builds a 10000x784 array', () => {
    const rows: number[][] = [];
    for (let i = 0; i < 10000; i++) {
      const row = new Array<number>(784);
      for (let j = 0; j < 784; j++) row[j] = (i * 31 + j) % 255;
      rows.push(row);
    }
    const x = array(rows);
    expect(x.shape).toEqual([10000, 784]);
    expect(x.get(9999, 783)).toBe((9999 * 31 + 783) % 255);
    expect(x.get(1234, 5)).toBe((1234 * 31 + 5) % 255);
  });
});

describe('fromTypedArray and fills', () => {
  it('wraps without copying; the typed array gives the dtype', () => {
    const d = new Float64Array([1, 2, 3, 4, 5, 6]);
    const x = fromTypedArray(d, [2, 3]);
    expect(x.data).toBe(d);
    expect(x.dtype).toBe('float64');
    expect(x.get(1, 0)).toBe(4);
    expect(fromTypedArray(new Int32Array(3)).shape).toEqual([3]);
    expect(fromTypedArray(new Uint8Array(2)).dtype).toBe('bool');
    expect(fromTypedArray(new Float32Array(2)).dtype).toBe('float32');
    expect(() => fromTypedArray(d, [4])).toThrow(ShapeError);
    expect(() => fromTypedArray(d, [-2, -3])).toThrow(ShapeError);
  });

  it('zeros, ones, full, fullLike', () => {
    fc.assert(
      fc.property(
        shapeArb({ minDim: 0 }),
        fc.constantFrom('float32', 'float64', 'int32', 'bool') as fc.Arbitrary<
          'float32' | 'float64' | 'int32' | 'bool'
        >,
        fc.double({ min: -5, max: 5, noNaN: true }),
        (shape, dtype, v) => {
          if (dtype === 'int32' && !Number.isInteger(v)) {
            expect(() => full(shape, v, dtype)).toThrow('full: value');
            v = Math.trunc(v);
          }
          const store =
            dtype === 'float32' ? Math.fround(v) : dtype === 'int32' ? v | 0 : dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
          for (const [x, want] of [
            [zeros(shape, dtype), 0],
            [ones(shape, dtype), 1],
            [full(shape, v, dtype), store],
          ] as const) {
            expect(x.shape).toEqual(shape);
            expect(x.dtype).toBe(dtype);
            expect(x.size).toBe(product(shape));
            expect(values(x).every((e) => Object.is(e, want) || e === want)).toBe(true);
          }
          const l = fullLike(zeros(shape, dtype), 1);
          expect(l.dtype).toBe(dtype);
          expect(l.shape).toEqual(shape);
        },
      ),
      { numRuns: 60 },
    );
    expect(zeros([2, 3]).dtype).toBe('float32');
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => ones([1.5])).toThrow(ShapeError);
  });
});

describe('arange, linspace, eye', () => {
  it('arange follows NumPy: ceil((stop - start) / step) values start + i·step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0),
        (a, b, step) => {
          const x = arange(a, b, step);
          const want: number[] = [];
          if (step > 0) for (let v = a; v < b; v += step) want.push(v);
          else for (let v = a; v > b; v += step) want.push(v);
          expect(x.dtype).toBe('int32');
          expect(values(x)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
    expect(values(arange(4))).toEqual([0, 1, 2, 3]);
    expect(values(arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1, 0.25).dtype).toBe('float32');
    expect(arange(0, 2.5).dtype).toBe('float32'); // a fractional bound gives floats, as in NumPy
    expect(values(arange(0, 2.5))).toEqual([0, 1, 2]);
    expect(arange(5, 1).shape).toEqual([0]);
    expect(arange(3, undefined, 1, 'float64').dtype).toBe('float64');
    expect(() => arange(0, 3, 0)).toThrow(ShapeError);
    expect(() => arange(0, Infinity)).toThrow(ShapeError);
  });

  it('linspace includes both ends and is evenly spaced', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        (a, b, n) => {
          const x = values(linspace(a, b, n, 'float64'));
          expect(x.length).toBe(n);
          if (n >= 1) expect(x[0]).toBe(a);
          if (n >= 2) {
            expect(x[n - 1]).toBe(b);
            const step = (b - a) / (n - 1);
            x.forEach((v, i) => {
              expect(Math.abs(v - (a + i * step))).toBeLessThanOrEqual(1e-12 * (Math.abs(a) + Math.abs(b) + 1));
            });
          }
        },
      ),
      { numRuns: 100 },
    );
    expect(() => linspace(0, 1, -1)).toThrow(ShapeError);
  });

  it('eye is 1 on the diagonal, 0 elsewhere, any n×m', () => {
    for (const [n, m] of [
      [0, 0],
      [1, 1],
      [3, 3],
      [2, 4],
      [4, 2],
    ] as const) {
      const e = eye(n, m, 'float64');
      expect(e.shape).toEqual([n, m]);
      for (const idx of allIndices([n, m])) expect(at(e, idx)).toBe(idx[0] === idx[1] ? 1 : 0);
    }
    expect(eye(3).dtype).toBe('float32');
    expect(eye(2, 2, 'bool').toArray()).toEqual([
      [true, false],
      [false, true],
    ]);
  });
});
