import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { DTypeError, ShapeError, array, clamp, fromTypedArray, where } from '@chainrule/tensor';
import { finite, fromValues, values } from './helpers.js';

type UnaryName =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'relu'
  | 'floor'
  | 'ceil';

/** References straight from Math.* and the definitions. */
const UNARY_REF: Record<UnaryName, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0), // NaN propagates, as in PyTorch
  floor: Math.floor,
  ceil: Math.ceil,
};

/** Interesting doubles: anything finite, plus specials. */
const anyDouble = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5) },
);

function sameNumbers(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i]!;
    // -0 and 0 may differ only where the reference does not care about the sign of zero
    if (!(Object.is(g, w) || (g === 0 && w === 0) || (Number.isNaN(g) && Number.isNaN(w))))
      expect.fail(`element ${i}: got ${g}, expected ${w}`);
  });
}

describe('unary ops against Math.*', () => {
  for (const name of Object.keys(UNARY_REF) as UnaryName[]) {
    it(`${name}: float64 exactly, float32 as the float64 result rounded once`, () => {
      fc.assert(
        fc.property(fc.array(anyDouble, { maxLength: 12 }), (xs) => {
          const x64 = fromValues(xs, [xs.length], 'float64');
          const y64 = (T[name] as (x: T.NDArray) => T.NDArray)(x64);
          expect(y64.dtype).toBe('float64');
          sameNumbers(values(y64), xs.map(UNARY_REF[name]));
          const x32 = fromValues(xs, [xs.length], 'float32');
          const y32 = (x32[name] as () => T.NDArray).call(x32);
          expect(y32.dtype).toBe('float32');
          sameNumbers(
            values(y32),
            values(x32).map((v) => Math.fround(UNARY_REF[name](v))),
          );
        }),
        { numRuns: 60 },
      );
    });
  }

  it('sign: -1, 0, 1, NaN stays NaN; relu: NaN stays NaN, negatives and -0 give 0', () => {
    expect(values(T.sign(array([-3, 0, 2, NaN], 'float64')))).toEqual([-1, 0, 1, NaN]);
    expect(values(T.relu(array([-3, -0, 2, NaN], 'float64')))).toEqual([0, 0, 2, NaN]);
    expect(T.sign(array([-3, 0, 2], 'int32')).dtype).toBe('int32');
    expect(values(T.sign(array([-3, 0, 2], 'int32')))).toEqual([-1, 0, 1]);
  });

  it('work on strided views (transposed, reversed, broadcast)', () => {
    const x = fromValues([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(T.square(x.transpose()).toArray()).toEqual([
      [1, 16],
      [4, 25],
      [9, 36],
    ]);
    expect(T.neg(x.slice(1, undefined, undefined, -1)).toArray()).toEqual([
      [-3, -2, -1],
      [-6, -5, -4],
    ]);
    expect(T.abs(fromValues([-2], [1]).expand([2, 3])).toArray()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });
});

describe('erf', () => {
  // erf to 30 significant digits (mpmath), rounded to the nearest double (written as its shortest literal)
  const KNOWN: [number, number][] = [
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [3.5, 0.9999992569016276],
    [4, 0.9999999845827421],
    [5, 0.9999999999984626],
  ];
  it('matches high-precision values to 1e-15, and is odd', () => {
    const xs = KNOWN.map(([x]) => x);
    const y = values(T.erf(fromValues([...xs, ...xs.map((x) => -x)], [2 * xs.length])));
    KNOWN.forEach(([, want], i) => {
      expect(Math.abs(y[i]! - want)).toBeLessThanOrEqual(1e-15 * want);
      expect(y[i + KNOWN.length]).toBe(-y[i]!);
    });
  });
  it('tiny, huge and special inputs', () => {
    const y = values(T.erf(fromValues([0, 1e-10, 6, 30, Infinity, -Infinity, NaN], [7])));
    expect(y[0]).toBe(0);
    expect(Math.abs(y[1]! - 1.1283791670955126e-10)).toBeLessThanOrEqual(1e-25);
    expect(y.slice(2, 6)).toEqual([1, 1, 1, -1]);
    expect(Number.isNaN(y[6])).toBe(true);
  });
  it('is monotone and within [-1, 1]', () => {
    fc.assert(
      fc.property(finite(8), finite(8), (a, b) => {
        const [ea, eb] = values(T.erf(fromValues([a, b], [2])));
        expect(Math.abs(ea!)).toBeLessThanOrEqual(1);
        if (a < b) expect(ea!).toBeLessThanOrEqual(eb!);
      }),
      { numRuns: 200 },
    );
  });
});

describe('round, sigmoid, softplus', () => {
  it('round is half to even', () => {
    const xs = [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999999, 2.5000001, -3.5, 1e16, 4503599627370495.5];
    expect(values(T.round(fromValues(xs, [xs.length])))).toEqual([
      0, 2, 2, 4, -0, -2, -2, 2, 3, -4, 1e16, 4503599627370496,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -0.49, max: 0.49, noNaN: true }), (k, f) => {
        const [h, r] = values(T.round(fromValues([k + 0.5, k + f], [2])));
        expect(Math.abs(h! - (k + 0.5))).toBe(0.5);
        expect(Math.abs(h! % 2)).toBe(0);
        expect(r === k).toBe(true); // numerically (round(-0.3) is -0)
      }),
      { numRuns: 200 },
    );
  });

  it('sigmoid and softplus are stable at ±800 in both float dtypes', () => {
    for (const dt of ['float32', 'float64'] as const) {
      const x = array([-800, -30, 0, 30, 800], dt);
      const s = values(T.sigmoid(x));
      expect(s[0]).toBe(0);
      expect(s[2]).toBe(0.5);
      expect(s[4]).toBe(1);
      expect(s.every((v) => Number.isFinite(v))).toBe(true);
      const p = values(T.softplus(x));
      expect(p[0]).toBe(0);
      expect(p[2]).toBe(dt === 'float32' ? Math.fround(Math.LN2) : Math.LN2);
      expect(p[4]).toBe(800);
      expect(p[3]).toBe(
        dt === 'float32' ? Math.fround(30 + Math.log1p(Math.exp(-30))) : 30 + Math.log1p(Math.exp(-30)),
      );
    }
  });

  it('sigmoid and softplus agree with their definitions where those are safe', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (v) => {
        const [s, p] = [T.sigmoid(fromValues([v], [1])).item(), T.softplus(fromValues([v], [1])).item()];
        // a few ulps: the reference formulas themselves round 2-3 times
        expect(Math.abs(s - 1 / (1 + Math.exp(-v)))).toBeLessThanOrEqual(4 * 2 ** -53);
        const ref = Math.log1p(Math.exp(v));
        expect(Math.abs(p - ref)).toBeLessThanOrEqual(4 * 2 ** -53 * Math.max(ref, 1));
        // symmetry: σ(-x) = 1 - σ(x), softplus(x) - softplus(-x) = x
        const sNeg = T.sigmoid(fromValues([-v], [1])).item();
        expect(Math.abs(sNeg - (1 - s))).toBeLessThanOrEqual(4 * 2 ** -53);
        const pNeg = T.softplus(fromValues([-v], [1])).item();
        expect(Math.abs(p - pNeg - v)).toBeLessThanOrEqual(8 * 2 ** -53 * Math.max(Math.abs(v), p, 1));
      }),
      { numRuns: 300 },
    );
  });
});

describe('binary ops', () => {
  const REF = {
    add: (a: number, b: number) => a + b,
    sub: (a: number, b: number) => a - b,
    mul: (a: number, b: number) => a * b,
    div: (a: number, b: number) => a / b,
    pow: Math.pow,
    maximum: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
    minimum: (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  };
  for (const name of Object.keys(REF) as (keyof typeof REF)[]) {
    it(`${name} against the JS definition (NaN and infinities included), and a scalar operand on either side`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(anyDouble, anyDouble), { maxLength: 10 }), (pairs) => {
          const a = fromValues(
            pairs.map((p) => p[0]),
            [pairs.length],
          );
          const b = fromValues(
            pairs.map((p) => p[1]),
            [pairs.length],
          );
          sameNumbers(
            values(T[name](a, b)),
            pairs.map(([x, y]) => REF[name](x, y)),
          );
          if (pairs.length > 0) {
            const s = pairs[0]![1];
            sameNumbers(
              values(T[name](a, s)),
              pairs.map(([x]) => REF[name](x, s)),
            );
            sameNumbers(
              values(T[name](s, a)),
              pairs.map(([x]) => REF[name](s, x)),
            );
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('pow corner cases follow Math.pow; maximum/minimum propagate NaN from either side', () => {
    expect(values(T.pow(array([0, -8, 2, -2], 'float64'), array([0, 1 / 3, -1, 3], 'float64')))).toEqual([
      1,
      NaN,
      0.5,
      -8,
    ]);
    expect(values(T.maximum(array([NaN, 1, 2], 'float64'), array([0, NaN, 1], 'float64')))).toEqual([NaN, NaN, 2]);
    expect(values(T.minimum(array([NaN, 1, 2], 'float64'), array([0, NaN, 1], 'float64')))).toEqual([NaN, NaN, 1]);
  });

  it('int32 arithmetic wraps like int32 (as in PyTorch)', () => {
    const big = array([65536, 2147483647], 'int32');
    expect(values(T.mul(big, array([65536, 1], 'int32')))).toEqual([0, 2147483647]);
    expect(values(T.add(big, 1))).toEqual([65537, -2147483648]);
  });
});

describe('comparisons', () => {
  const REF = {
    eq: (a: number, b: number) => a === b,
    ne: (a: number, b: number) => a !== b,
    lt: (a: number, b: number) => a < b,
    le: (a: number, b: number) => a <= b,
    gt: (a: number, b: number) => a > b,
    ge: (a: number, b: number) => a >= b,
  };
  for (const name of Object.keys(REF) as (keyof typeof REF)[]) {
    it(`${name} gives bool, NaN compares false (ne true)`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(anyDouble, anyDouble), { maxLength: 10 }), (pairs) => {
          const a = fromValues(
            pairs.map((p) => p[0]),
            [pairs.length],
          );
          const b = fromValues(
            pairs.map((p) => p[1]),
            [pairs.length],
            'float32',
          );
          const c = T[name](a, b);
          expect(c.dtype).toBe('bool');
          // b was stored as float32: compare against the float32 values (promoted to float64)
          expect(values(c)).toEqual(pairs.map(([x, y]) => (REF[name](x, Math.fround(y)) ? 1 : 0)));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('broadcast and give booleans from toArray', () => {
    const c = T.gt(array([[1], [5]]), array([2, 4, 6]));
    expect(c.shape).toEqual([2, 3]);
    expect(c.toArray()).toEqual([
      [false, false, false],
      [true, true, false],
    ]);
    expect(T.eq(array([1, 2], 'int32'), 2).toArray()).toEqual([false, true]);
  });
});

describe('where and clamp', () => {
  it('where picks per element, broadcasting all three', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer(), fc.integer()), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const cond = fromTypedArray(Uint8Array.from(rows.map((r) => (r[0] ? 1 : 0))), [rows.length, 1]);
          const a = fromValues(
            rows.map((r) => r[1]),
            [rows.length, 1],
          );
          const b = fromValues(
            rows.map((r) => r[2]),
            [1, rows.length],
          );
          const w = where(cond, a, b);
          expect(w.shape).toEqual([rows.length, rows.length]);
          rows.forEach(([c, x], i) => {
            rows.forEach(([, , y], j) => {
              expect(w.get(i, j)).toBe(c ? x : y);
            });
          });
          const s = where(cond, a, -1);
          rows.forEach(([c, x], i) => {
            expect(s.get(i, 0)).toBe(c ? x : -1);
          });
        },
      ),
      { numRuns: 60 },
    );
    expect(() => where(array([1, 0]), 1, 2)).toThrow(DTypeError);
    expect(() => where(array([true, false]), array([1, 2, 3]), 0)).toThrow(ShapeError);
    expect(where(T.gt(array([-1, 2]), 0), array([-1, 2]), 0).toArray()).toEqual([0, 2]);
  });

  it('clamp limits to [min, max], keeps NaN, and gives max when min > max', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 10 }), finite(5), finite(5), (xs, lo, hi) => {
        const x = fromValues(xs, [xs.length]);
        const expected = xs.map((v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, lo), hi)));
        sameNumbers(values(clamp(x, lo, hi)), expected);
        sameNumbers(
          values(x.clamp(lo)),
          xs.map((v) => (Number.isNaN(v) ? NaN : Math.max(v, lo))),
        );
        sameNumbers(
          values(x.clamp(undefined, hi)),
          xs.map((v) => (Number.isNaN(v) ? NaN : Math.min(v, hi))),
        );
      }),
      { numRuns: 100 },
    );
    expect(clamp(array([1, 5, 9], 'int32'), 2, 6).dtype).toBe('int32');
    expect(values(clamp(array([1, 5, 9], 'int32'), 2, 6))).toEqual([2, 5, 6]);
    expect(clamp(array([1, 5, 9], 'int32'), 2.5).dtype).toBe('float32');
    expect(values(clamp(array([1, 5], 'float64'), 3, 2))).toEqual([2, 2]);
  });
});
