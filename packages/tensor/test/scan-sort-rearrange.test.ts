// The scan kernels (cumsum, cumprod, logcumsumexp), the stable argsort kernel and the
// rearrangements built on views (flip, roll, tril, triu, diagonal, diag): values against plain
// loops, stability, NaN order, and the wasm backend (which inherits these kernels) bit for bit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NDArray,
  RangeError,
  ShapeError,
  argsort,
  array,
  cumprod,
  cumsum,
  diag,
  diagonal,
  flip,
  jsBackend,
  logcumsumexp,
  roll,
  sort,
  topk,
  tril,
  triu,
} from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { expectBitIdentical, withBackend } from './backend-helpers.js';

const f64 = (values: number[], shape: number[]): NDArray => new NDArray(Float64Array.from(values), shape);

describe('scan kernels', () => {
  it('cumprod multiplies along an axis, in either direction and on strided views', () => {
    const x = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(cumprod(x, 1).toArray()).toEqual([
      [1, 2, 6],
      [4, 20, 120],
    ]);
    expect(cumprod(x.transpose(), 0).toArray()).toEqual([
      [1, 4],
      [2, 20],
      [6, 120],
    ]);
    expect(jsBackend.scan('prod', x, 1, true, 'float32').toArray()).toEqual([
      [6, 6, 3],
      [120, 30, 6],
    ]);
    expect(cumprod(array([true, true, false], 'bool'), 0).dtype).toBe('int32');
  });

  it('logcumsumexp is stable for large and infinite inputs, as PyTorch', () => {
    const big = logcumsumexp(array([1000, 1000, -1000], 'float64'), 0).toArray() as number[];
    expect(big[0]).toBe(1000);
    expect(big[1]).toBeCloseTo(1000 + Math.LN2, 12);
    expect(big[2]).toBe(big[1]);
    expect(logcumsumexp(array([-Infinity, -Infinity, 0], 'float64'), 0).toArray()).toEqual([-Infinity, -Infinity, 0]);
    expect(logcumsumexp(array([Infinity, Infinity, 1], 'float64'), 0).toArray()).toEqual([
      Infinity,
      Infinity,
      Infinity,
    ]);
    expect(Number.isNaN((logcumsumexp(array([1, Number.NaN, 2], 'float64'), 0).toArray() as number[])[2])).toBe(true);
    expect(logcumsumexp(array([1, 2], 'int32'), 0).dtype).toBe('float32');
  });

  it('agree with the naive definitions on random arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 12 }), (v) => {
        const x = f64(v, [v.length]);
        let s = 0,
          p = 1;
        const lse = logcumsumexp(x, 0).data;
        const cs = cumsum(x, 0).data,
          cp = cumprod(x, 0).data;
        v.forEach((xi, i) => {
          s += xi;
          p *= xi;
          expect(cs[i]).toBe(s);
          expect(cp[i]).toBe(p);
          const naive = Math.log(v.slice(0, i + 1).reduce((a, y) => a + Math.exp(y), 0));
          expect(Math.abs(lse[i]! - naive)).toBeLessThan(1e-12 * Math.max(1, Math.abs(naive)));
        });
      }),
    );
  });
});

describe('argsort, sort and topk', () => {
  it('sort stably in both directions, NaN counting as the largest value', () => {
    const x = array([2, 1, Number.NaN, 2, 1], 'float64');
    expect(argsort(x).toArray()).toEqual([1, 4, 0, 3, 2]);
    expect(argsort(x, 0, true).toArray()).toEqual([2, 0, 3, 1, 4]);
    const { values, indices } = sort(
      array([
        [3, -1, 2],
        [0, 0, -5],
      ]),
      1,
      true,
    );
    expect(values.toArray()).toEqual([
      [3, 2, -1],
      [0, 0, -5],
    ]);
    expect(indices.toArray()).toEqual([
      [0, 2, 1],
      [0, 1, 2],
    ]);
    expect(
      sort(
        array([
          [3, 1],
          [2, 4],
        ]),
        0,
      ).indices.toArray(),
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(sort(array(5)).values.item()).toBe(5);
  });

  it('topk picks the k largest or smallest, sorted or in their original order', () => {
    const x = array([1, 5, 3, 4, 2]);
    expect(topk(x, 3).values.toArray()).toEqual([5, 4, 3]);
    expect(topk(x, 3).indices.toArray()).toEqual([1, 3, 2]);
    expect(topk(x, 2, 0, false).values.toArray()).toEqual([1, 2]);
    expect(topk(x, 3, 0, true, false).indices.toArray()).toEqual([1, 2, 3]);
    expect(topk(x, 0).values.shape).toEqual([0]);
    expect(() => topk(x, 6)).toThrow(RangeError);
    expect(() => topk(x, 6)).toThrow(/topk: k = 6 is out of range for axis 0 of size 5/);
  });

  it('matches a comparison sort on random rows with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (v, d) => {
        const want = v
          .map((x, i) => [x, i] as const)
          .sort((a, b) => (d ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1])
          .map(([, i]) => i);
        expect(argsort(f64(v, [v.length]), 0, d).toArray()).toEqual(want);
      }),
    );
  });
});

describe('rearrangements', () => {
  const m = array([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it('flip and roll', () => {
    expect(flip(m, [0, 1]).toArray()).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(roll(m, 1).toArray()).toEqual([
      [6, 1, 2],
      [3, 4, 5],
    ]);
    expect(roll(m, [-1, 4], [1, 0]).toArray()).toEqual([
      [2, 3, 1],
      [5, 6, 4],
    ]);
    expect(() => roll(m, [1, 2], [0])).toThrow(ShapeError);
  });

  it('tril, triu, diagonal and diag', () => {
    expect(tril(m, -1).toArray()).toEqual([
      [0, 0, 0],
      [4, 0, 0],
    ]);
    expect(triu(m, 1).toArray()).toEqual([
      [0, 2, 3],
      [0, 0, 6],
    ]);
    expect(diagonal(m, -1).toArray()).toEqual([4]);
    expect(diagonal(m, 5).shape).toEqual([0]);
    expect(diag(array([1, 2]), 1).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ]);
    expect(diag(m, 1).toArray()).toEqual([2, 6]);
    expect(() => tril(array([1, 2]))).toThrow(/tril: expected a matrix/);
    expect(() => diag(array(1))).toThrow(ShapeError);
  });
});

describe('the wasm backend inherits these kernels bit for bit', () => {
  const wasm = createWasmBackend(jsBackend, { threads: 1 });
  it('scan and argsort', () => {
    const x = f64(
      Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 3),
      [2, 3, 4],
    );
    for (const op of ['sum', 'prod', 'logsumexp'] as const)
      for (const axis of [0, 1, 2])
        expectBitIdentical(
          withBackend(wasm, () => wasm.scan(op, x, axis, axis === 1, 'float64')),
          jsBackend.scan(op, x, axis, axis === 1, 'float64'),
        );
    for (const axis of [0, 1, 2])
      expectBitIdentical(
        withBackend(wasm, () => sort(x, axis, true).values),
        sort(x, axis, true).values,
      );
  });
});
