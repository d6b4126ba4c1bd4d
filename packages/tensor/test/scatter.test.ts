// The scatter kernel (torch.scatter and scatter_reduce) against a reference written position by
// position, on random shapes, axes, strided inputs and every reduction; and its errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, RangeError, ShapeError, type ScatterReduce, array, scatter } from '@chainrule/tensor';
import { allIndices, at, fromValues, ravel, shapeArb, values } from './helpers.js';

/** scatter written from its definition: each index position in row-major order lands at x[..index..]. */
function reference(
  x: number[],
  shape: readonly number[],
  axis: number,
  indexShape: readonly number[],
  index: readonly number[],
  src: readonly number[],
  reduce: ScatterReduce,
  includeSelf: boolean,
): number[] {
  const out = [...x];
  const landed: number[][] = x.map(() => []);
  allIndices(indexShape).forEach((pos, i) => {
    const target = [...pos];
    target[axis] = index[i]!;
    landed[ravel(target, shape)]!.push(src[i]!);
  });
  landed.forEach((vs, t) => {
    if (vs.length === 0) return;
    const all = includeSelf || reduce === 'none' ? [x[t]!, ...vs] : vs;
    if (reduce === 'none') out[t] = vs[vs.length - 1]!;
    else if (reduce === 'sum') out[t] = all.reduce((a, b) => a + b, 0);
    else if (reduce === 'mean') out[t] = all.reduce((a, b) => a + b, 0) / all.length;
    else if (reduce === 'amax') out[t] = Math.max(...all);
    else out[t] = Math.min(...all);
  });
  return out;
}

describe('scatter', () => {
  it('agrees with the position-by-position reference for every reduction (x transposed or not)', () => {
    const cases = shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.integer({ min: 0, max: s.length - 1 }),
        fc.constantFrom<ScatterReduce>('none', 'sum', 'mean', 'amax', 'amin'),
        fc.boolean(),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(cases, ([s, axis, reduce, includeSelf, transposed]) => {
        if (s.some((d) => d === 0)) return;
        const is = s.map((d, i) => (i === axis ? d + 1 : Math.max(1, d - 1)));
        const n = is.reduce((p, d) => p * d, 1);
        const index = Array.from({ length: n }, (_, i) => (i * 7 + 3) % s[axis]!);
        const src = Array.from({ length: n }, (_, i) => ((i * 5) % 11) - 5);
        const xv = allIndices(s).map((_, i) => ((i * 3) % 7) - 3.5);
        let x = fromValues(xv, s);
        if (transposed) x = fromValues(xv, [...s].reverse()).permute(s.map((_, i) => s.length - 1 - i));
        const xs = allIndices(s).map((p) => at(x, p));
        const before = values(x);
        const out = scatter(x, axis, fromValues(index, is, 'int32'), fromValues(src, is), reduce, includeSelf);
        expect(values(out)).toEqual(reference(xs, s, axis, is, index, src, reduce, includeSelf));
        expect(values(x)).toEqual(before); // x is not written
      }),
      { numRuns: 60 },
    );
  });

  it('refuses bad arguments, naming scatter', () => {
    const x = array([
      [1, 2],
      [3, 4],
    ]);
    const i = array([[0], [1]], 'int32');
    expect(() => scatter(x, 1, i, array([[1], [2]]), 'prod' as ScatterReduce)).toThrow(RangeError);
    expect(() => scatter(x, 1, array([[2]], 'int32'), array([[1]]))).toThrow(/index 2 is out of range for axis 1/);
    expect(() => scatter(x, 1, i, array([[1, 2]]))).toThrow(ShapeError);
    expect(() => scatter(x, 1, i, array([[1], [2]], 'float64'))).toThrow(DTypeError);
    expect(() => scatter(x, 2, i, array([[1], [2]]))).toThrow(RangeError);
  });
});
