// The TypeScript backend reduces a run of leading or middle axes of a contiguous array in place
// (no transposing copy). It must give exactly what moving those axes last and reducing each
// contiguous run gives: same values folded in the same order, same NaN and signed-zero results.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type DType, type ReduceOp } from '@chainrule/tensor';
import { filler } from './helpers.js';

function randomArray(shape: readonly number[], dtype: DType, seed: number): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const r = filler(seed, 0.05);
  const specials = [NaN, -0, 0, Infinity, -Infinity];
  const data =
    dtype === 'float64' ? new Float64Array(n) : dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    data[i] = dtype === 'int32' ? Math.round(u * 3) : u > 1.96 ? specials[i % specials.length]! : u * 1e3;
  }
  return new NDArray(data, [...shape]);
}

describe('js reduce over leading and middle axes', () => {
  it('is bit-identical to reducing the same axes moved last', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom<ReduceOp>('sum', 'prod', 'max', 'min'),
        fc.constantFrom<DType>('float32', 'float64', 'int32'),
        fc.nat(),
        (shape, from, len, op, dtype, seed) => {
          const last = shape.length - 2; // the run ends before the last axis: the in-place path
          const a0 = from % (last + 1);
          const a1 = a0 + (len % (last - a0 + 1));
          const axes = Array.from({ length: a1 - a0 + 1 }, (_, i) => a0 + i);
          if ((op === 'max' || op === 'min') && axes.some((a) => shape[a] === 0)) return;
          const x = randomArray(shape, dtype, seed);
          const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
          const moved = jsBackend.copy(x.permute([...keptAxes, ...axes]), dtype);
          const lastAxes = axes.map((_, i) => keptAxes.length + i);
          const outDtype = op === 'sum' || op === 'prod' ? (dtype === 'int32' ? 'int32' : dtype) : dtype;
          const got = jsBackend.reduce(op, x, axes, outDtype);
          const want = jsBackend.reduce(op, moved, lastAxes, outDtype);
          expect(got.shape).toEqual(want.shape);
          const g = Array.from(got.data),
            w = Array.from(want.data);
          for (let i = 0; i < w.length; i++)
            if (!Object.is(g[i], w[i])) throw new Error(`${op} ${i}: ${g[i]} vs ${w[i]}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('works on a contiguous view with an offset', () => {
    const base = randomArray([5 * 6 * 4 + 3], 'float32', 9);
    const x = new NDArray(base.data, [5, 6, 4], [24, 4, 1], 3);
    const moved = jsBackend.copy(x.permute([1, 2, 0]), 'float32');
    expect(Array.from(jsBackend.reduce('sum', x, [0], 'float32').data)).toEqual(
      Array.from(jsBackend.reduce('sum', moved, [2], 'float32').data),
    );
  });

  it('reduces any set of axes of any view (permuted, broadcast) as a fold in the moved order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom<ReduceOp>('sum', 'prod', 'max', 'min'),
        fc.constantFrom<DType>('float32', 'float64'),
        fc.nat(),
        (shape, picks, turn, op, dtype, seed) => {
          const nd = shape.length;
          // a view: the base array's axes rotated by `turn`, and axis 0 broadcast when it has size 1
          const order = shape.map((_, i) => (i + turn) % nd);
          const base = randomArray(shape, dtype, seed);
          let x = base.permute(order);
          if (x.shape[0] === 1 && nd > 1) x = x.expand([3, ...x.shape.slice(1)]);
          const axes = [...new Set(picks.map((p) => p % nd))].sort((a, b) => a - b); // as the contract says
          const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
          const got = jsBackend.reduce(op, x, axes, dtype);
          // the reference: each output folds its values row-major over `axes` as given, in float64
          const moved = x.permute([...keptAxes, ...axes]);
          const inner = axes.reduce((p, a) => p * x.shape[a]!, 1);
          const flat: number[] = [];
          const walk = (d: number, off: number): void => {
            if (d === moved.ndim) flat.push(moved.data[off]!);
            else for (let i = 0; i < moved.shape[d]!; i++) walk(d + 1, off + i * moved.strides[d]!);
          };
          walk(0, moved.offset);
          const store = dtype === 'float32' ? Math.fround : (v: number) => v;
          for (let r = 0; r * inner < Math.max(flat.length, 1) && r < got.size; r++) {
            let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
            for (const v of flat.slice(r * inner, (r + 1) * inner)) {
              if (op === 'sum') acc += v;
              else if (op === 'prod') acc *= v;
              // IEEE 754 maximum / minimum (−0 below +0), the first NaN kept
              else if (acc === acc) acc = op === 'max' ? Math.max(acc, v) : Math.min(acc, v);
            }
            const g = got.data[got.offset + r]!;
            if (!Object.is(g, store(acc))) throw new Error(`${op} over [${axes}] at ${r}: ${g} vs ${store(acc)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
