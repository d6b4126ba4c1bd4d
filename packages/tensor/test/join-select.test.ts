import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  RangeError,
  ShapeError,
  array,
  concat,
  gather,
  indexSelect,
  oneHot,
  scatterAdd,
  split,
  stack,
  zeros,
} from '@chainrule/tensor';
import { allIndices, arrayOf, at, fromValues, shapeArb, shapedArray, smallInt, values } from './helpers.js';

const int32 = (v: number[], shape = [v.length]) => fromValues(v, shape, 'int32');

describe('concat, stack, split', () => {
  it('concat places each input at its offset along the axis; split undoes it (as views)', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
          fc
            .tuple(
              fc.integer({ min: -s.length, max: s.length - 1 }),
              fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
            )
            .chain(([axis, lens]) => {
              const ax = axis < 0 ? axis + s.length : axis;
              return fc.tuple(
                fc.constant(ax),
                fc.constant(axis),
                fc.tuple(...lens.map((l) => arrayOf(s.map((d, i) => (i === ax ? l : d))))),
              );
            }),
        ),
        ([ax, axis, parts]) => {
          const c = concat(parts, axis);
          const lens = parts.map((p) => p.shape[ax]!);
          const total = lens.reduce((p, l) => p + l, 0);
          expect(c.shape).toEqual(parts[0]!.shape.map((d, i) => (i === ax ? total : d)));
          let off = 0;
          for (const p of parts) {
            for (const idx of allIndices(p.shape)) {
              const dst = [...idx];
              dst[ax]! += off;
              expect(at(c, dst)).toBe(at(p, idx));
            }
            off += p.shape[ax]!;
          }
          const back = split(c, lens, axis);
          expect(back.length).toBe(parts.length);
          back.forEach((b, i) => {
            expect(b.data).toBe(c.data);
            expect(b.shape).toEqual(parts[i]!.shape);
            expect(values(b)).toEqual(values(parts[i]!));
          });
        },
      ),
      { numRuns: 120 },
    );
  });

  it('split by chunk size: equal chunks, the last smaller', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 5 }), (n, k) => {
        const x = fromValues(
          Array.from({ length: n }, (_, i) => i),
          [n],
        );
        const parts = split(x, k);
        const sizes = parts.map((p) => p.size);
        expect(sizes.reduce((p, s) => p + s, 0)).toBe(n);
        expect(sizes.slice(0, -1).every((s) => s === k)).toBe(true);
        expect(sizes[sizes.length - 1]).toBeLessThanOrEqual(k);
        expect(parts.flatMap((p) => values(p))).toEqual(values(x));
      }),
      { numRuns: 100 },
    );
  });

  it('stack adds a new axis: stack(xs, axis).select(axis, i) is xs[i]', () => {
    fc.assert(
      fc.property(
        shapeArb({ maxRank: 3 }).chain((s) =>
          fc.tuple(
            fc.array(arrayOf(s), { minLength: 1, maxLength: 4 }),
            fc.integer({ min: -(s.length + 1), max: s.length }),
          ),
        ),
        ([xs, axis]) => {
          const st = stack(xs, axis);
          const ax = axis < 0 ? axis + xs[0]!.ndim + 1 : axis;
          expect(st.shape).toEqual([...xs[0]!.shape.slice(0, ax), xs.length, ...xs[0]!.shape.slice(ax)]);
          xs.forEach((x, i) => {
            expect(values(st.select(ax, i))).toEqual(values(x));
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('errors', () => {
    expect(() => concat([])).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow('concat: array 1 has shape [2,4], expected [*,3]');
    expect(() => concat([zeros([2]), zeros([2, 1])])).toThrow(ShapeError);
    expect(() => concat([zeros([2])], 1)).toThrow(RangeError);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow('stack: array 1 has shape [3], expected [2]');
    expect(() => split(zeros([5]), [2, 2])).toThrow(ShapeError);
    expect(() => split(zeros([5]), 0)).toThrow(ShapeError);
  });
});

describe('indexSelect, gather, scatterAdd, oneHot', () => {
  it('indexSelect picks whole slices along an axis (repeats allowed)', () => {
    fc.assert(
      fc.property(
        shapedArray({ minRank: 1, maxRank: 3 }).chain((x) =>
          fc
            .integer({ min: 0, max: x.ndim - 1 })
            .chain((ax) =>
              fc.tuple(
                fc.constant(x),
                fc.constant(ax),
                fc.array(fc.integer({ min: 0, max: x.shape[ax]! - 1 }), { maxLength: 5 }),
              ),
            ),
        ),
        ([x, ax, idx]) => {
          const y = indexSelect(x, ax - x.ndim, int32(idx));
          expect(y.shape).toEqual(x.shape.map((d, i) => (i === ax ? idx.length : d)));
          for (const o of allIndices(y.shape)) {
            const src = [...o];
            src[ax] = idx[o[ax]!]!;
            expect(at(y, o)).toBe(at(x, src));
          }
          // on a transposed view too
          const t = x.transpose();
          const tax = x.ndim - 1 - ax;
          const yt = indexSelect(t, tax, int32(idx));
          for (const o of allIndices(yt.shape)) {
            const src = [...o];
            src[tax] = idx[o[tax]!]!;
            expect(at(yt, o)).toBe(at(t, src));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gather reads x at index along the axis; scatterAdd is its adjoint (<gather(x), s> = <x, scatterAdd(s)>)', () => {
    fc.assert(
      fc.property(
        shapedArray({ minRank: 1, maxRank: 3 }).chain((x) =>
          fc.integer({ min: 0, max: x.ndim - 1 }).chain((ax) => {
            const ishape = x.shape.map((d, i) => (i === ax ? d + 1 : d)); // index may be longer on the axis
            return fc.tuple(
              fc.constant(x),
              fc.constant(ax),
              fc.tuple(...ishape.map((d) => fc.integer({ min: 1, max: d }))).chain((s) =>
                fc.tuple(
                  fc
                    .array(fc.integer({ min: 0, max: x.shape[ax]! - 1 }), {
                      minLength: s.reduce((p, d) => p * d, 1),
                      maxLength: s.reduce((p, d) => p * d, 1),
                    })
                    .map((v) => int32(v, s)),
                  arrayOf(s, smallInt),
                ),
              ),
            );
          }),
        ),
        ([x, ax, [index, src]]) => {
          const g = gather(x, ax, index);
          expect(g.shape).toEqual(index.shape);
          for (const o of allIndices(index.shape)) {
            const s = [...o];
            s[ax] = at(index, o);
            expect(at(g, o)).toBe(at(x, s));
          }
          const sc = scatterAdd(x.shape, ax, index, src);
          expect(sc.shape).toEqual(x.shape);
          // naive scatter
          const want = new Map<string, number>();
          for (const o of allIndices(index.shape)) {
            const s = [...o];
            s[ax] = at(index, o);
            want.set(s.join(), (want.get(s.join()) ?? 0) + at(src, o));
          }
          for (const o of allIndices(x.shape)) expect(at(sc, o)).toBe(want.get(o.join()) ?? 0);
          const lhs = values(g).reduce((p, v, i) => p + v * values(src)[i]!, 0);
          const rhs = values(x).reduce((p, v, i) => p + v * values(sc)[i]!, 0);
          expect(lhs).toBe(rhs); // small integers: exact
        },
      ),
      { numRuns: 100 },
    );
  });

  it('oneHot puts a 1 at each label', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) => fc.tuple(fc.constant(k), fc.array(fc.integer({ min: 0, max: k - 1 }), { maxLength: 6 }))),
        ([k, labels]) => {
          const h = oneHot(int32(labels, [labels.length]), k);
          expect(h.shape).toEqual([labels.length, k]);
          expect(h.dtype).toBe('float32');
          labels.forEach((l, i) => {
            for (let c = 0; c < k; c++) expect(h.get(i, c)).toBe(c === l ? 1 : 0);
          });
        },
      ),
      { numRuns: 60 },
    );
    expect(oneHot(array([[0, 2]], 'int32'), 3, 'float64').toArray()).toEqual([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
    ]);
  });

  it('range and dtype errors', () => {
    const x = zeros([3, 4]);
    expect(() => indexSelect(x, 0, int32([0, 3]))).toThrow(RangeError);
    expect(() => indexSelect(x, 0, int32([0, 3]))).toThrow('indexSelect: index 3 is out of range for axis 0 of size 3');
    expect(() => indexSelect(x, 1, int32([-1]))).toThrow(RangeError);
    expect(() => indexSelect(x, 0, array([0]))).toThrow(DTypeError);
    expect(() => indexSelect(x, 2, int32([0]))).toThrow('indexSelect: axis 2 is out of range for a tensor of rank 2');
    expect(() => gather(x, 1, int32([4], [1, 1]))).toThrow(RangeError);
    expect(() => gather(x, 1, int32([0], [1]))).toThrow(ShapeError);
    expect(() => gather(x, 1, int32([0, 0, 0, 0], [4, 1]))).toThrow(ShapeError);
    expect(() => scatterAdd([3, 4], 0, int32([3], [1, 1]), zeros([1, 1]))).toThrow(RangeError);
    expect(() => scatterAdd([3, 4], 0, int32([0], [1, 1]), zeros([1, 2]))).toThrow(ShapeError);
    expect(() => oneHot(int32([0, 3]), 3)).toThrow(RangeError);
    expect(() => oneHot(int32([0, 3]), 3)).toThrow('oneHot: label 3 is out of range for 3 classes');
    expect(() => oneHot(int32([0]), 0)).toThrow(ShapeError);
    expect(() => oneHot(int32([0]), 0)).toThrow(ShapeError);
    // our RangeError is also the built-in one
    expect(() => oneHot(int32([-1]), 3)).toThrow(globalThis.RangeError);
  });
});
