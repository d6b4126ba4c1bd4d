import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { randn, reshape, transpose } from '../src/index.js';

/** How many times `run` calls the backend's copy kernel (the copies a reshape of a strided view makes). */
function copiesIn(run: () => void): number {
  const backend = T.getBackend();
  const copy = backend.copy;
  let count = 0;
  backend.copy = (...args: Parameters<typeof copy>) => {
    count++;
    return copy.apply(backend, args);
  };
  try {
    run();
  } finally {
    backend.copy = copy;
  }
  return count;
}

describe('reshape copies a strided view once', () => {
  it('a transposed tensor: one copy, with the right values', () => {
    const x = randn([3, 4, 5], { rng: new T.Rng(1) });
    const t = transpose(x, 0, 1); // [4, 3, 5], not contiguous
    let r = t;
    expect(copiesIn(() => (r = reshape(t, [12, 5])))).toBe(1);
    expect(r.shape).toEqual([12, 5]);
    const expected = t.value.contiguous().data;
    expect(Array.from(r.value.contiguous().data)).toEqual(Array.from(expected));
  });

  it('a contiguous tensor: a view, no copy', () => {
    const x = randn([3, 4, 5], { rng: new T.Rng(2) });
    expect(copiesIn(() => reshape(x, [-1, 5]))).toBe(0);
  });

  it('a bad shape still fails with reshape named, copying nothing', () => {
    const t = transpose(randn([3, 4], { rng: new T.Rng(3) }), 0, 1);
    let error: unknown;
    expect(
      copiesIn(() => {
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
