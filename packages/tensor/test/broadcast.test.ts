import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NDArray, ShapeError, add, array, broadcastShapes, mul, sub, zeros } from '@chainrule/tensor';
import { allIndices, arrayOf, at, values } from './helpers.js';

/** NumPy's rule, written from its documentation: right-align, each pair equal or one of them 1. */
function referenceBroadcast(
  a: readonly number[],
  b: readonly number[],
): number[] | { dim: number; da: number; db: number } {
  const n = Math.max(a.length, b.length);
  const pa = [...new Array<number>(n - a.length).fill(1), ...a];
  const pb = [...new Array<number>(n - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (pa[i] === pb[i]) out.push(pa[i]!);
    else if (pa[i] === 1) out.push(pb[i]!);
    else if (pb[i] === 1) out.push(pa[i]!);
    else return { dim: i, da: pa[i]!, db: pb[i]! };
  }
  return out;
}

/** The element of `x` that broadcasting sends to output index `idx`. */
function broadcastRead(x: NDArray, idx: readonly number[]): number {
  const lead = idx.length - x.ndim;
  return at(
    x,
    x.shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]!)),
  );
}

const dims = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

/** Two shapes that broadcast: suffixes of a common shape with some dimensions turned into 1. */
const compatiblePair = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }).chain((out) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([ka, kb, onesA, onesB]) => {
      const a = out.slice(out.length - ka).map((d, i) => (onesA[i] ? 1 : d));
      const b = out.slice(out.length - kb).map((d, i) => (onesB[i] ? 1 : d));
      return [a, b] as const;
    }),
);

describe('broadcasting', () => {
  it('result shape follows the reference rule, and the error names the first bad dimension', () => {
    fc.assert(
      fc.property(dims, dims, (a, b) => {
        const ref = referenceBroadcast(a, b);
        if (Array.isArray(ref)) {
          expect(broadcastShapes('add', a, b)).toEqual(ref);
          expect(add(zeros(a), zeros(b)).shape).toEqual(ref);
        } else {
          const msg =
            `add: shapes [${a.join(',')}] and [${b.join(',')}] cannot be broadcast (dimension ${ref.dim}: ` +
            `${ref.da} vs ${ref.db})`;
          expect(() => add(zeros(a), zeros(b))).toThrow(ShapeError);
          expect(() => add(zeros(a), zeros(b))).toThrow(msg);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compatible shapes: every element is a[mapped] op b[mapped], and add/mul commute', () => {
    fc.assert(
      fc.property(
        compatiblePair.chain(([sa, sb]) => fc.tuple(arrayOf(sa), arrayOf(sb))),
        ([a, b]) => {
          const ab = add(a, b),
            ba = add(b, a),
            d = sub(a, b),
            m = mul(b, a);
          const shape = referenceBroadcast(a.shape, b.shape) as number[];
          expect(ab.shape).toEqual(shape);
          expect(ba.shape).toEqual(shape);
          expect(values(ab)).toEqual(values(ba));
          for (const idx of allIndices(shape)) {
            const x = broadcastRead(a, idx),
              y = broadcastRead(b, idx);
            expect(at(ab, idx)).toBe(x + y);
            expect(at(d, idx)).toBe(x - y);
            expect(at(m, idx)).toBe(x * y);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('works on non-contiguous operands (transposed and sliced views)', () => {
    const a = array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const t = a.transpose(); // [3,2]
    const col = a.slice(1, 2, 3); // [[3],[6]]
    expect(add(t, array([10, 20], 'float64')).toArray()).toEqual([
      [11, 24],
      [12, 25],
      [13, 26],
    ]);
    expect(add(col, array([[100]], 'float64')).toArray()).toEqual([[103], [106]]);
    expect(mul(t, t.slice(0, undefined, undefined, -1)).toArray()).toEqual([
      [3, 24],
      [4, 25],
      [3, 24],
    ]);
  });

  it('the documented message', () => {
    expect(() => add(zeros([3]), zeros([4]))).toThrow(
      new ShapeError('add', 'shapes [3] and [4] cannot be broadcast (dimension 0: 3 vs 4)'),
    );
    expect(() => add(zeros([3]), zeros([4]))).toThrow(
      'add: shapes [3] and [4] cannot be broadcast (dimension 0: 3 vs 4)',
    );
  });
});
