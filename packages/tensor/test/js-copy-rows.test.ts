/**
 * The reference backend's copy and assign of float views whose rows are contiguous in both (outer
 * axes permuted, planes of larger arrays; the fast row path of backends/js/copy.ts, rows shorter and
 * longer than the 64 where it switches to one memcpy per row), and of float views with any inner
 * stride (transposes, reversed axes, every other element: its strided path): every element lands where an
 * element-by-element walk puts it, and nothing outside the destination view changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDArray, jsBackend } from '../src/index.js';

/** The elements of any view in row-major order, read one by one. */
function walk(x: NDArray): number[] {
  const out: number[] = [];
  const idx = new Array<number>(x.ndim).fill(0);
  for (let n = 0; n < x.size; n++) {
    out.push(x.data[x.offset + idx.reduce((p, i, d) => p + i * x.strides[d]!, 0)]!);
    for (let d = x.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** What writing src into the view dst of `buffer` element by element gives, on a copy of the buffer. */
function assigned(buffer: NDArray['data'], dst: NDArray, src: NDArray): NDArray['data'] {
  const want = buffer.slice();
  const values = walk(src);
  const idx = new Array<number>(dst.ndim).fill(0);
  for (let n = 0; n < dst.size; n++) {
    want[dst.offset + idx.reduce((p, i, d) => p + i * dst.strides[d]!, 0)] = values[n]!;
    for (let d = dst.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < dst.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return want;
}

const typed = (dtype: 'float32' | 'float64', n: number, salt: number) => {
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 12.9898 + salt) * 1e3;
  return data;
};

/** A view of `shape` with contiguous rows: a permutation of the outer axes of a plane of a larger buffer. */
const rowView = fc
  .record({
    outer: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    row: fc.constantFrom(1, 3, 63, 64, 65, 130),
    planes: fc.integer({ min: 1, max: 3 }),
    pick: fc.nat(),
    order: fc.nat(),
    dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
  })
  .map(({ outer, row, planes, pick, order, dtype }) => ({ outer, row, planes, plane: pick % planes, order, dtype }));

/** The view: buffer [planes, ...outer, row], plane `plane`, outer axes rotated by `order`. */
function make(
  v: { outer: number[]; row: number; planes: number; plane: number; order: number },
  data: NDArray['data'],
) {
  const full = [v.planes, ...v.outer, v.row];
  const base = new NDArray(data, full).select(0, v.plane);
  const k = v.outer.length;
  const perm = [...Array.from({ length: k }, (_, i) => (i + v.order) % k), k];
  return base.permute(perm);
}

describe('reference copy and assign of views with contiguous rows', () => {
  it('copy gives the element-by-element walk', () => {
    fc.assert(
      fc.property(rowView, (v) => {
        const size = v.planes * v.outer.reduce((p, d) => p * d, 1) * v.row;
        const x = make(v, typed(v.dtype, size, 1));
        const got = jsBackend.copy(x, v.dtype);
        expect(got.isContiguous).toBe(true);
        expect(Array.from(got.data)).toEqual(walk(x));
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('assign writes the view and nothing else', () => {
    fc.assert(
      fc.property(rowView, (v) => {
        const size = v.planes * v.outer.reduce((p, d) => p * d, 1) * v.row;
        const buffer = typed(v.dtype, size, 2);
        const dst = make(v, buffer);
        const src = new NDArray(typed(v.dtype, dst.size, 3), [...dst.shape]);
        const want = assigned(buffer, dst, src);
        jsBackend.assign(dst, src);
        expect(Array.from(buffer)).toEqual(Array.from(want));
      }),
      { numRuns: 150, seed: 6 },
    );
  });
});

describe('reference copy and assign of float views with any inner stride', () => {
  /** A permutation of an [a, b, c] buffer; it reversed along its last axis; or every other element of that axis. */
  const stridedView = fc.record({
    shape: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 70 })),
    perm: fc.constantFrom([2, 1, 0], [0, 2, 1], [1, 2, 0], [2, 0, 1]),
    kind: fc.constantFrom('permute', 'flip', 'step'),
    dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
  });
  type Strided = { shape: readonly number[]; perm: readonly number[]; kind: string };
  const make = (v: Strided, data: NDArray['data']) => {
    const base = new NDArray(data, [...v.shape]);
    if (v.kind === 'permute') return base.permute([...v.perm]);
    if (v.kind === 'flip') return base.permute([...v.perm]).slice(2, undefined, undefined, -1); // negative stride
    const [a, b, c] = v.shape as [number, number, number];
    return new NDArray(data, [a, b, Math.floor(c / 2)], [b * c, c, 2], 1);
  };

  it('copy gives the element-by-element walk', () => {
    fc.assert(
      fc.property(stridedView, (v) => {
        const x = make(v, typed(v.dtype, v.shape[0] * v.shape[1] * v.shape[2], 4));
        const got = jsBackend.copy(x, v.dtype);
        expect(got.isContiguous).toBe(true);
        expect(Array.from(got.data)).toEqual(walk(x));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('assign from a transposed source through a strided destination writes the view and nothing else', () => {
    fc.assert(
      fc.property(stridedView, (v) => {
        const buffer = typed(v.dtype, v.shape[0] * v.shape[1] * v.shape[2], 5);
        const dst = make(v, buffer);
        // the source strided too: a transposed view of dst's shape
        const src = new NDArray(typed(v.dtype, dst.size, 6), [...dst.shape].reverse()).permute([2, 1, 0]);
        const want = assigned(buffer, dst, src);
        jsBackend.assign(dst, src);
        expect(Array.from(buffer)).toEqual(Array.from(want));
      }),
      { numRuns: 150, seed: 8 },
    );
  });
});
