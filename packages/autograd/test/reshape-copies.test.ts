import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { countCopies } from '../../../tooling/count-copies.js';
import { randn, reshape, transpose } from '../src/index.js';

describe('reshape copies a strided view once', () => {
  it('a transposed tensor: one copy, with the right values', () => {
    const x = randn([3, 4, 5], { rng: new T.Rng(1) });
    const t = transpose(x, 0, 1); // [4, 3, 5], not contiguous
    let r = t;
    expect(countCopies(() => (r = reshape(t, [12, 5])))).toBe(1);
    expect(r.shape).toEqual([12, 5]);
    const expected = t.value.contiguous().data;
    expect(Array.from(r.value.contiguous().data)).toEqual(Array.from(expected));
  });

  it('a contiguous tensor: a view, no copy', () => {
    const x = randn([3, 4, 5], { rng: new T.Rng(2) });
    expect(countCopies(() => reshape(x, [-1, 5]))).toBe(0);
  });

  it('a bad shape still fails with reshape named, copying nothing', () => {
    const t = transpose(randn([3, 4], { rng: new T.Rng(3) }), 0, 1);
    let error: unknown;
    expect(
      countCopies(() => {
        try {
          reshape(t, [5, -1]);
        } catch (e) {
          error = e;
        }
      }),
    ).toBe(0);
    expect(error).toBeInstanceOf(T.ShapeError);
    expect((error as Error).message).toMatch(/reshape: shape \[5,-1\] is invalid for 12 elements/);
  });
});
