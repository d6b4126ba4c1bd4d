import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  DTypeError,
  type NDArray,
  ShapeError,
  array,
  getBackend,
  matmul,
  setBackend,
  zeros,
} from '@chainrule/tensor';
import { F32_EPS, allIndices, arrayOf, at, finite, values } from './helpers.js';

/**
 * Naive matmul with NumPy's rules written out: 1-D left is a row, 1-D right a column (both dropped
 * afterwards), batch dims broadcast. Returns the values, and Σ|a||b| per element for error bounds.
 */
function reference(a: NDArray, b: NDArray): { shape: number[]; out: number[]; mag: number[]; k: number } {
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const m = as[as.length - 2]!,
    k = as[as.length - 1]!,
    n = bs[bs.length - 1]!;
  const ba = as.slice(0, -2),
    bb = bs.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const pa = [...Array(nb - ba.length).fill(1), ...ba],
    pb = [...Array(nb - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const readA = (bi: number[], i: number, p: number): number => {
    const lead = bi.slice(nb - ba.length).map((c, j) => (ba[j] === 1 ? 0 : c));
    return a.ndim === 1 ? at(a, [p]) : at(a, [...lead, i, p]);
  };
  const readB = (bi: number[], p: number, j: number): number => {
    const lead = bi.slice(nb - bb.length).map((c, t) => (bb[t] === 1 ? 0 : c));
    return b.ndim === 1 ? at(b, [p]) : at(b, [...lead, p, j]);
  };
  const out: number[] = [],
    mag: number[] = [];
  for (const bi of allIndices(batch)) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0,
          g = 0;
        for (let p = 0; p < k; p++) {
          const t = readA(bi, i, p) * readB(bi, p, j);
          s += t;
          g += Math.abs(t);
        }
        out.push(s);
        mag.push(g);
      }
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, out, mag, k };
}

/** Checks with the standard bound for a k-term dot product: |c - ĉ| <= k·u·Σ|a||b| (any summation order). */
function expectMatmul(a: NDArray, b: NDArray, dtype: 'float32' | 'float64'): void {
  const c = matmul(a, b);
  const ref = reference(a, b);
  expect(c.shape).toEqual(ref.shape);
  expect(c.dtype).toBe(dtype);
  const u = dtype === 'float32' ? F32_EPS : 2 ** -53;
  const got = values(c);
  ref.out.forEach((e, i) => {
    // float32 results are rounded once more when stored (relative u, or 2^-149 in the subnormal range)
    const bound = (ref.k + 1) * u * ref.mag[i]! + (dtype === 'float32' ? u * Math.abs(e) + 2 ** -149 : 0);
    if (!(Math.abs(got[i]! - e) <= bound)) expect.fail(`element ${i}: got ${got[i]}, expected ${e} ± ${bound}`);
  });
}

/** Shapes for a matmul case: batch dims for each side (broadcastable), m, k, n, and 1-D flags. */
const caseArb = fc
  .record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    dropA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    dropB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    leadA: fc.integer({ min: 0, max: 2 }),
    leadB: fc.integer({ min: 0, max: 2 }),
    m: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 0, max: 7 }),
    n: fc.integer({ min: 1, max: 6 }),
    vecA: fc.boolean(),
    vecB: fc.boolean(),
    transA: fc.boolean(),
    transB: fc.boolean(),
    dtA: fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>,
    dtB: fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>,
  })
  .chain((c) => {
    const bA = c.batch.slice(c.batch.length - Math.min(c.leadA, c.batch.length)).map((d, i) => (c.dropA[i] ? 1 : d));
    const bB = c.batch.slice(c.batch.length - Math.min(c.leadB, c.batch.length)).map((d, i) => (c.dropB[i] ? 1 : d));
    // a transposed operand is built as the transpose of a contiguous [.., cols, rows] array
    const sa = c.vecA ? [c.k] : c.transA ? [...bA, c.k, c.m] : [...bA, c.m, c.k];
    const sb = c.vecB ? [c.k] : c.transB ? [...bB, c.n, c.k] : [...bB, c.k, c.n];
    return fc.tuple(fc.constant(c), arrayOf(sa, finite(4), c.dtA), arrayOf(sb, finite(4), c.dtB));
  })
  .map(([c, a0, b0]) => ({
    a: !c.vecA && c.transA ? a0.transpose(-1, -2) : a0,
    b: !c.vecB && c.transB ? b0.transpose(-1, -2) : b0,
    dtype: (c.dtA === 'float64' || c.dtB === 'float64' ? 'float64' : 'float32') as 'float32' | 'float64',
  }));

describe('matmul', () => {
  let saved: Backend | undefined;
  afterEach(() => {
    if (saved) setBackend(saved);
    saved = undefined;
  });

  it('matches a naive triple loop: 1-D operands, broadcast batch dims, transposed views, float32/float64', () => {
    fc.assert(
      fc.property(caseArb, ({ a, b, dtype }) => expectMatmul(a, b, dtype)),
      { numRuns: 200 },
    );
  });

  it('passes transposed views to the kernel without copying them', () => {
    saved = getBackend();
    const inner = saved;
    const seen: NDArray[] = [];
    setBackend({
      ...inner,
      name: 'spy',
      matmul: (x, y, d) => {
        seen.push(x, y);
        return inner.matmul(x, y, d);
      },
    });
    const a = array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'float64',
    );
    const b = array(
      [
        [1, 0],
        [0, 1],
        [1, 1],
        [2, 2],
      ],
      'float64',
    );
    const c = matmul(a.transpose(), b.transpose()); // [3,2] @ [2,4]
    expect(seen[0]!.data).toBe(a.data);
    expect(seen[1]!.data).toBe(b.data);
    expect(c.toArray()).toEqual([
      [1, 4, 5, 10],
      [2, 5, 7, 14],
      [3, 6, 9, 18],
    ]);
  });

  it('(2,0) @ (0,3) gives zeros; empty m or n give empty results', () => {
    const c = matmul(zeros([2, 0]), zeros([0, 3]));
    expect(c.shape).toEqual([2, 3]);
    expect(values(c)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(matmul(zeros([0, 4]), zeros([4, 3])).shape).toEqual([0, 3]);
    expect(matmul(zeros([2, 4, 0]), zeros([0, 3])).shape).toEqual([2, 4, 3]);
    expect(matmul(zeros([0]), zeros([0])).item()).toBe(0);
  });

  it('1-D @ 1-D is the dot product (a 0-d array); matrix @ vector drops the axis', () => {
    const v = array([1, 2, 3], 'float64');
    expect(matmul(v, v).shape).toEqual([]);
    expect(matmul(v, v).item()).toBe(14);
    expect(
      matmul(
        array([
          [1, 2],
          [3, 4],
        ]),
        array([5, 6]),
      ).toArray(),
    ).toEqual([17, 39]);
    expect(
      matmul(
        array([5, 6]),
        array([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([23, 34]);
    expect(
      array([
        [1, 2],
        [3, 4],
      ])
        .matmul(array([[1], [1]]))
        .toArray(),
    ).toEqual([[3], [7]]);
  });

  it('NaN and Infinity propagate', () => {
    const c = matmul(
      array(
        [
          [NaN, 1],
          [1, 1],
        ],
        'float64',
      ),
      array(
        [
          [0, 0],
          [0, Infinity],
        ],
        'float64',
      ),
    );
    expect(Number.isNaN(c.get(0, 0))).toBe(true);
    expect(c.get(1, 1)).toBe(Infinity);
    expect(Number.isNaN(c.get(0, 1))).toBe(true); // NaN·0 + 1·inf
  });

  it('errors name the shapes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)',
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: shapes [3] and [4] cannot be multiplied (3 != 4)');
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4]))).toThrow(
      'matmul: batch dimensions of shapes [2,2,3] and [3,3,4] cannot be broadcast (dimension 0: 2 vs 3)',
    );
    expect(() => matmul(zeros([]), zeros([2]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 2], 'int32'), zeros([2, 2]))).toThrow(DTypeError);
    expect(() => matmul(zeros([2, 2], 'bool'), zeros([2, 2], 'bool'))).toThrow(DTypeError);
  });
});
