import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NDArray, RangeError, ShapeError, arange, array, zeros } from '@chainrule/tensor';
import { allIndices, arrayOf, at, product, ravel, shapeArb, shapedArray, unravel, values } from './helpers.js';

/** Python's slice.indices: the positions a[start:stop:step] visits along an axis of length n. */
function pythonSlice(n: number, start: number | undefined, stop: number | undefined, step: number): number[] {
  let lo: number, hi: number;
  if (step > 0) {
    lo = start === undefined ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    hi = stop === undefined ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
    const out: number[] = [];
    for (let i = lo; i < hi; i += step) out.push(i);
    return out;
  }
  lo = start === undefined ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
  hi = stop === undefined ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
  const out: number[] = [];
  for (let i = lo; i > hi; i += step) out.push(i);
  return out;
}

/** Whether a strided layout is row-major over its non-trivial dimensions (size-1 axes don't matter). */
function referenceContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  if (product(shape) === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** A random element-count-preserving view for arrays of `shape`: identity, a permutation or a reversal of one axis. */
function viewOf(shape: readonly number[]): fc.Arbitrary<(x: NDArray) => NDArray> {
  const ident = fc.constant((x: NDArray) => x);
  if (shape.length === 0) return ident;
  const axes = shape.map((_, i) => i);
  return fc.oneof(
    ident,
    fc
      .shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length })
      .map((order) => (x: NDArray) => x.permute(order)),
    fc.integer({ min: 0, max: shape.length - 1 }).map((ax) => (x: NDArray) => x.slice(ax, undefined, undefined, -1)),
  );
}

/** An array with a random view applied (transpose, strided slice), to test ops on strided inputs. */
const viewedArray = shapedArray({ minRank: 1, maxRank: 4 }).chain((x) =>
  fc.oneof(
    fc.constant(x),
    fc
      .shuffledSubarray(
        x.shape.map((_, i) => i),
        { minLength: x.ndim, maxLength: x.ndim },
      )
      .map((order) => x.permute(order)),
    fc
      .tuple(
        fc.integer({ min: 0, max: x.ndim - 1 }),
        fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
      )
      .map(([ax, step]) => x.slice(ax, undefined, undefined, step)),
  ),
);

describe('reshape', () => {
  it('keeps row-major order, and is a view of contiguous input', () => {
    fc.assert(
      fc.property(
        reshapePair.chain(([from, to]) => fc.tuple(arrayOf(from), fc.constant(to))),
        ([x, target]) => {
          const n = x.size;
          const y = x.reshape(target);
          expect(y.shape).toEqual(target);
          expect(values(y)).toEqual(values(x));
          expect(y.data).toBe(x.data); // contiguous input: no copy
          if (target.length > 0) {
            const withInfer = [...target];
            withInfer[0] = -1;
            if (n > 0) expect(x.reshape(withInfer).shape).toEqual(target);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('of a non-contiguous view gives the same elements, a view where strides allow it', () => {
    fc.assert(
      fc.property(
        reshapePair.chain(([from, to]) => fc.tuple(arrayOf(from), fc.constant(to), viewOf(from))),
        ([x0, target, view]) => {
          const x = view(x0);
          const y = x.reshape(target);
          expect(values(y)).toEqual(values(x));
          // whenever some strides can show the elements in the new shape, reshape must not copy
          if (viewPossible(x, target)) expect(y.data).toBe(x.data);
          if (y.data === x.data) {
            // a view: writing through it must show in x at the same row-major position
            if (y.size > 0) {
              const f = y.size - 1;
              const idx = unravel(f, y.shape);
              const old = at(y, idx);
              y.set(old + 1000, ...idx);
              expect(at(x, unravel(f, x.shape))).toBe(old + 1000);
              y.set(old, ...idx);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('views without a copy in the cases the strides allow', () => {
    const x = arange(24, undefined, 1, 'float64').reshape([2, 3, 4]);
    const t = x.permute([1, 0, 2]); // [3,2,4], last axis still contiguous
    expect(t.reshape([3, 2, 2, 2]).data).toBe(x.data); // splitting the contiguous axis
    expect(x.slice(2, 0, 2).reshape([2, 3, 2, 1]).data).toBe(x.data); // a sliced tail, kept as is
    expect(x.unsqueeze(1).reshape([6, 4]).data).toBe(x.data);
    expect(x.transpose().reshape([24]).data).not.toBe(x.data); // needs a copy
    expect(values(x.transpose().reshape([24]))).toEqual(values(x.transpose()));
  });

  it('rejects element counts that do not match', () => {
    expect(() => zeros([2, 3]).reshape([4])).toThrow(ShapeError);
    expect(() => zeros([2, 3]).reshape([4])).toThrow('reshape: shape [4] is invalid for 6 elements');
    expect(() => zeros([2, 3]).reshape([-1, 4])).toThrow('reshape: shape [-1,4] is invalid for 6 elements');
    expect(() => zeros([2, 3]).reshape([-1, -1])).toThrow(ShapeError);
    expect(() => zeros([2, 3]).reshape([2.5, 2])).toThrow(ShapeError);
  });
});

/**
 * Brute force: whether some strides show x's elements (in row-major order) in `target` shape. The
 * only candidate stride of an axis is the buffer distance between elements 0 and 1 along it.
 */
function viewPossible(x: NDArray, target: readonly number[]): boolean {
  const n = product(target);
  if (n <= 1) return true;
  const pos = allIndices(x.shape).map((idx) => x.offset + idx.reduce((p, k, d) => p + k * x.strides[d]!, 0));
  const strides = target.map((d, i) => {
    if (d === 1) return 0;
    const unit = target.map((_, j) => (j === i ? 1 : 0));
    return pos[ravel(unit, target)]! - pos[0]!;
  });
  return allIndices(target).every((idx, f) => pos[f] === pos[0]! + idx.reduce((p, k, d) => p + k * strides[d]!, 0));
}

/** Groups a factor list into dimensions: a new dimension starts where `cuts` says so. */
function group(factors: readonly number[], cuts: readonly boolean[]): number[] {
  const out: number[] = [];
  factors.forEach((f, i) => {
    if (i === 0 || cuts[i]) out.push(f);
    else out[out.length - 1]! *= f;
  });
  return out;
}

/** Two shapes with the same element count: two groupings of one factor list, the second shuffled. */
const reshapePair = fc
  .array(
    fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(0) }),
    { maxLength: 6 },
  )
  .chain((f) =>
    fc.tuple(
      fc.constant(f),
      fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length }),
      fc.array(fc.boolean(), { minLength: f.length, maxLength: f.length }),
      fc.array(fc.boolean(), { minLength: f.length, maxLength: f.length }),
    ),
  )
  .map(([f, g, ca, cb]) => [group(f, ca), group(g, cb)] as const);

describe('transpose and permute', () => {
  it('permute moves axes, shares the buffer, and round-trips with the inverse order', () => {
    fc.assert(
      fc.property(
        shapedArray({ minRank: 0, maxRank: 4 }).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray(
              x.shape.map((_, i) => i),
              { minLength: x.ndim, maxLength: x.ndim },
            ),
          ),
        ),
        ([x, order]) => {
          const y = x.permute(order);
          expect(y.data).toBe(x.data);
          expect(y.shape).toEqual(order.map((a) => x.shape[a]));
          for (const idx of allIndices(y.shape)) {
            const src = new Array<number>(x.ndim);
            order.forEach((a, i) => {
              src[a] = idx[i]!;
            });
            expect(y.get(...idx)).toBe(at(x, src));
          }
          const inverse = new Array<number>(order.length);
          order.forEach((a, i) => {
            inverse[a] = i;
          });
          const back = y.permute(inverse);
          expect(back.shape).toEqual(x.shape);
          expect(back.strides).toEqual(x.strides);
          // negative axes name the same order
          expect(x.permute(order.map((a) => a - x.ndim)).strides).toEqual(y.strides);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('transpose() reverses the axes; transpose(i, j) swaps two', () => {
    fc.assert(
      fc.property(shapedArray({ minRank: 2, maxRank: 4 }), fc.nat(), fc.nat(), (x, i0, j0) => {
        const t = x.transpose();
        expect(t.data).toBe(x.data);
        for (const idx of allIndices(t.shape)) expect(t.get(...idx)).toBe(at(x, [...idx].reverse()));
        const i = i0 % x.ndim,
          j = j0 % x.ndim;
        const s = x.transpose(i, j - x.ndim);
        for (const idx of allIndices(s.shape)) {
          const src = [...idx];
          [src[i], src[j]] = [idx[j]!, idx[i]!];
          expect(s.get(...idx)).toBe(at(x, src));
        }
        expect(values(t.transpose())).toEqual(values(x));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects bad orders', () => {
    const x = zeros([2, 3]);
    expect(() => x.permute([0])).toThrow(ShapeError);
    expect(() => x.permute([0, 0])).toThrow('permute: order [0,0] repeats an axis');
    expect(() => x.permute([1, -1])).toThrow('permute: order [1,-1] repeats an axis'); // -1 is axis 1
    const wide = zeros(new Array<number>(40).fill(1)); // above 31 axes too
    expect(() => wide.permute([...Array.from({ length: 39 }, (_, i) => i), 0])).toThrow(/repeats an axis/);
    expect(wide.permute(Array.from({ length: 40 }, (_, i) => 39 - i)).shape).toHaveLength(40);
    expect(() => x.permute([0, 2])).toThrow(RangeError);
    expect(() => x.transpose(0, 2)).toThrow('transpose: axis 2 is out of range for a tensor of rank 2');
  });
});

describe('slice', () => {
  const bound = fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined });
  it('matches Python slicing (steps, negative indices, negative steps, clipping), as a view', () => {
    fc.assert(
      fc.property(
        shapedArray({ minRank: 1, maxRank: 3, minDim: 0, maxDim: 6 }).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.integer({ min: -x.ndim, max: x.ndim - 1 }),
            bound,
            bound,
            fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0),
          ),
        ),
        ([x, axis, start, stop, step]) => {
          const ax = axis < 0 ? axis + x.ndim : axis;
          const picks = pythonSlice(x.shape[ax]!, start, stop, step);
          const y = x.slice(axis, start, stop, step);
          expect(y.data).toBe(x.data);
          expect(y.shape).toEqual(x.shape.map((d, i) => (i === ax ? picks.length : d)));
          for (const idx of allIndices(y.shape)) {
            const src = [...idx];
            src[ax] = picks[idx[ax]!]!;
            expect(y.get(...idx)).toBe(at(x, src));
          }
          expect(y.isContiguous).toBe(referenceContiguous(y.shape, y.strides));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes through a slice land in the original', () => {
    const x = arange(10, undefined, 1, 'float64');
    const odd = x.slice(0, 1, undefined, 2);
    odd.set(-1, 0);
    odd.set(-9, -1);
    expect(x.toArray()).toEqual([0, -1, 2, 3, 4, 5, 6, 7, 8, -9]);
    expect(x.slice(0, undefined, undefined, -1).toArray()).toEqual([-9, 8, 7, 6, 5, 4, 3, 2, -1, 0]);
    expect(x.slice(0, -3).toArray()).toEqual([7, 8, -9]);
    expect(x.slice(0, 8, 2, -3).toArray()).toEqual([8, 5]);
  });

  it('rejects a zero or fractional step', () => {
    expect(() => zeros([3]).slice(0, 0, 3, 0)).toThrow(ShapeError);
    expect(() => zeros([3]).slice(0, 0, 3, 1.5)).toThrow(ShapeError);
    expect(() => zeros([3]).slice(1)).toThrow(RangeError);
  });
});

describe('expand, squeeze, unsqueeze, select', () => {
  it('expand repeats size-1 and new leading axes with stride 0 (no copy)', () => {
    fc.assert(
      fc.property(
        shapeArb({ maxRank: 3 }).chain((s) =>
          fc.tuple(
            arrayOf(s.map(() => 1).map((one, i) => (i % 2 === 0 ? one : s[i]!))),
            fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
            fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length }),
          ),
        ),
        ([x, lead, sizes]) => {
          const target = [...lead, ...x.shape.map((d, i) => (d === 1 ? sizes[i]! : d))];
          const y = x.expand(target);
          expect(y.data).toBe(x.data);
          expect(y.shape).toEqual(target);
          for (const idx of allIndices(target)) {
            const own = idx.slice(lead.length).map((k, i) => (x.shape[i] === 1 ? 0 : k));
            expect(y.get(...idx)).toBe(at(x, own));
          }
          expect(x.broadcastTo(target).strides).toEqual(y.strides);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('expand rejects incompatible targets', () => {
    expect(() => zeros([2, 3]).expand([3])).toThrow(ShapeError);
    expect(() => zeros([2, 3]).expand([4, 3])).toThrow(
      'expand: cannot expand shape [2,3] to [4,3] (dimension 0: 2 vs 4)',
    );
  });

  it('unsqueeze then squeeze round-trips; squeeze() drops every size-1 axis', () => {
    fc.assert(
      fc.property(
        shapedArray({ maxRank: 3 }).chain((x) =>
          fc.tuple(fc.constant(x), fc.integer({ min: -(x.ndim + 1), max: x.ndim })),
        ),
        ([x, axis]) => {
          const u = x.unsqueeze(axis);
          const ax = axis < 0 ? axis + x.ndim + 1 : axis;
          expect(u.data).toBe(x.data);
          expect(u.shape).toEqual([...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
          expect(u.isContiguous).toBe(true);
          expect(values(u)).toEqual(values(x));
          const back = u.squeeze(ax);
          expect(back.shape).toEqual(x.shape);
          expect(values(back)).toEqual(values(x));
          expect(u.squeeze().shape).toEqual(x.shape.filter((d) => d !== 1));
          expect(values(u.squeeze())).toEqual(values(x));
        },
      ),
      { numRuns: 100 },
    );
    expect(() => zeros([2, 1]).squeeze(0)).toThrow(ShapeError);
  });

  it('select picks one index along an axis and drops it', () => {
    fc.assert(
      fc.property(
        shapedArray({ minRank: 1, maxRank: 4 }).chain((x) =>
          fc
            .integer({ min: 0, max: x.ndim - 1 })
            .chain((ax) =>
              fc.tuple(fc.constant(x), fc.constant(ax), fc.integer({ min: -x.shape[ax]!, max: x.shape[ax]! - 1 })),
            ),
        ),
        ([x, ax, i]) => {
          const y = x.select(ax, i);
          expect(y.data).toBe(x.data);
          expect(y.shape).toEqual(x.shape.filter((_, d) => d !== ax));
          const k = i < 0 ? i + x.shape[ax]! : i;
          for (const idx of allIndices(y.shape))
            expect(y.get(...idx)).toBe(at(x, [...idx.slice(0, ax), k, ...idx.slice(ax)]));
        },
      ),
      { numRuns: 100 },
    );
    expect(() => zeros([2, 3]).select(1, 3)).toThrow(RangeError);
    expect(() => zeros([2, 3]).select(1, -4)).toThrow('select: index -4 is out of range for dimension 1 of size 3');
  });

  it('get/set read and write by multi-index, negative indices from the end', () => {
    const x = arange(6, undefined, 1, 'float64').reshape([2, 3]);
    expect(x.get(1, -1)).toBe(5);
    expect(x.get(-2, 0)).toBe(0);
    x.set(42, -1, 0);
    expect(x.get(1, 0)).toBe(42);
    expect(() => x.get(2, 0)).toThrow(RangeError);
    expect(() => x.get(0)).toThrow(ShapeError);
    expect(array(7).item()).toBe(7);
    expect(() => zeros([2]).item()).toThrow(ShapeError);
  });
});

describe('isContiguous and contiguous()', () => {
  it('agrees with a reference check on random views, and contiguous() copies only when needed', () => {
    fc.assert(
      fc.property(viewedArray, (x) => {
        expect(x.isContiguous).toBe(referenceContiguous(x.shape, x.strides));
        const c = x.contiguous();
        expect(c.isContiguous).toBe(true);
        expect(c.offset).toBe(0);
        expect(values(c)).toEqual(values(x));
        expect(c.strides.every((s, i) => x.shape[i] === 1 || s === product(x.shape.slice(i + 1)))).toBe(true);
        if (x.isContiguous && x.offset === 0 && x.data.length === x.size) expect(c).toBe(x);
        else expect(c.data).not.toBe(x.data);
        // flat position of every element agrees with the row-major numbering
        for (const idx of allIndices(x.shape)) expect(c.data[ravel(idx, x.shape)]).toBe(at(x, idx));
      }),
      { numRuns: 150 },
    );
    const m = zeros([3, 4]);
    expect(m.transpose().isContiguous).toBe(false);
    expect(m.slice(1, 0, 2).isContiguous).toBe(false);
    expect(m.slice(0, 1, 2).isContiguous).toBe(true);
    expect(m.unsqueeze(0).expand([2, 3, 4]).isContiguous).toBe(false);
    expect(zeros([1, 4]).transpose().isContiguous).toBe(true);
  });

  it('flatten of a view gives the row-major elements', () => {
    const x = arange(12, undefined, 1, 'float64').reshape([3, 4]).transpose();
    expect(x.flatten().toArray()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(x.flatten().shape).toEqual([12]);
  });
});

describe('toArray', () => {
  it('gives nested arrays of the shape, empty axes included', () => {
    fc.assert(
      fc.property(shapedArray({ minDim: 0, maxRank: 4 }), (x) => {
        const nested = x.toArray();
        const flat: number[] = [];
        const walk = (v: unknown, depth: number): void => {
          if (depth === x.ndim) {
            flat.push(v as number);
            return;
          }
          expect(Array.isArray(v)).toBe(true);
          expect((v as unknown[]).length).toBe(x.shape[depth]);
          for (const e of v as unknown[]) walk(e, depth + 1);
        };
        walk(nested, 0);
        expect(flat).toEqual(values(x));
      }),
      { numRuns: 100 },
    );
    expect(zeros([2, 0, 3]).toArray()).toEqual([[], []]);
    expect(array([true, false]).toArray()).toEqual([true, false]);
  });
});
