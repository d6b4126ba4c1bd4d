// The WebAssembly backend's reductions against the TypeScript reference backend, through the
// Backend interface only, on random shapes and values (split from backend-agreement.test.ts).
//
// Tolerances (u32 = 2^-24 is the unit roundoff):
// - sum: both accumulate in float64 in different orders: |wasm − js| ≤ 2·u32·|js| + r·2^-50·Σ|x|
//   for float32 (one float32 rounding may go the other way), r·2^-50·Σ|x| for float64.
// - max/min: the same bits (−0 ranks below +0 in both, NaN wins).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type DType, NDArray, type ReduceOp, jsBackend } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { countingFallback, randomArray } from './backend-helpers.js';
import { filler } from './helpers.js';

const one = countingFallback();
const wasm1 = createWasmBackend(one.backend, { threads: 1 });

function resetCalls(): void {
  for (const key of Object.keys(one.calls)) delete one.calls[key];
}

describe('reductions', () => {
  function checkReduce(op: ReduceOp, x: NDArray, axes: readonly number[], dtype: DType): void {
    const want = jsBackend.reduce(op, x, axes, dtype);
    const got = wasm1.reduce(op, x, axes, dtype);
    expect(got.shape).toEqual(want.shape);
    expect(got.dtype).toBe(want.dtype);
    if (op !== 'sum') {
      // the same bits (Object.is: −0 differs from +0; NaN matches NaN)
      for (let i = 0; i < want.size; i++) expect(Object.is(got.data[i], want.data[i])).toBe(true);
      return;
    }
    const absSum = jsBackend.reduce('sum', jsBackend.unary('abs', x, 'float64'), axes, 'float64').data;
    const r = axes.reduce((p, a) => p * x.shape[a]!, 1);
    for (let i = 0; i < want.size; i++) {
      const w = want.data[i]!,
        g = got.data[i]!;
      const tol = (dtype === 'float32' ? 2 ** -23 * Math.abs(w) : 0) + r * 2 ** -50 * absSum[i]!;
      if (!(Math.abs(g - w) <= tol)) throw new Error(`${op} element ${i}: wasm ${g} vs js ${w} (tol ${tol})`);
    }
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`sum/max/min over a run of axes agree with the js backend (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 4 }),
          fc.nat(),
          fc.nat(),
          fc.constantFrom<ReduceOp>('sum', 'max', 'min'),
          fc.nat(),
          (shape, from, len, op, seed) => {
            const a0 = from % shape.length;
            const a1 = a0 + (len % (shape.length - a0));
            const axes = Array.from({ length: a1 - a0 + 1 }, (_, i) => a0 + i);
            checkReduce(op, randomArray(shape, dtype, seed), axes, dtype);
          },
        ),
        { numRuns: 120 },
      );
    });

    it(`max ranks −0 below +0 and min +0 above −0, in both backends and on every path (${dtype})`, () => {
      // rows and columns of −0 and +0 in random order (and a few ±1): the last axis, the first, both;
      // at least 512 elements, so the wasm kernels take them (asserted below)
      fc.assert(
        fc.property(
          fc.integer({ min: 64, max: 120 }),
          fc.integer({ min: 8, max: 12 }),
          fc.nat(),
          (rows, cols, seed) => {
            const rng = filler(seed, 0);
            const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
            for (let i = 0; i < data.length; i++) data[i] = rng() < 0 ? -0 : rng() < 0.9 ? 0 : rng() < 0 ? -1 : 1;
            const x = new NDArray(data, [rows, cols]);
            for (const op of ['max', 'min'] as const) {
              for (const axes of [[1], [0], [0, 1]]) {
                const want = jsBackend.reduce(op, x, axes, dtype);
                resetCalls();
                checkReduce(op, x, axes, dtype);
                expect(one.calls.reduce ?? 0).toBe(0);
                // IEEE 754 maximum / minimum, folded over the reduced values
                const [n, m] = axes.length === 2 ? [1, rows * cols] : axes[0] === 1 ? [rows, cols] : [cols, rows];
                for (let o = 0; o < n; o++) {
                  let acc = op === 'max' ? -Infinity : Infinity;
                  for (let k = 0; k < m; k++) {
                    const v = axes.length === 2 ? data[k]! : axes[0] === 1 ? data[o * cols + k]! : data[k * cols + o]!;
                    acc = op === 'max' ? Math.max(acc, v) : Math.min(acc, v);
                  }
                  expect(Object.is(want.data[o], acc)).toBe(true);
                }
              }
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it(`row sums, column sums (bias gradients) and NaN run in wasm (${dtype})`, () => {
      const x = randomArray([128, 100], dtype, 51);
      for (const op of ['sum', 'max', 'min'] as const) {
        for (const axes of [[1], [0], [0, 1]]) {
          resetCalls();
          checkReduce(op, x, axes, dtype);
          expect(one.calls.reduce ?? 0).toBe(0);
        }
      }
      const big = randomArray([1 << 16], dtype, 52);
      checkReduce('sum', big, [0], dtype);
      big.data[777] = NaN;
      checkReduce('max', big, [0], dtype);
      checkReduce('min', big.reshape([256, 256]), [0], dtype);
      // non-contiguous input falls back
      checkReduce('sum', x.transpose(), [1], dtype);
    });

    it(`sums over a leading and a trailing run of axes (a conv bias gradient) run in wasm (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 3, maxLength: 5 }),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          (shape, lead, kept, seed) => {
            const nd = shape.length;
            const a = 1 + (lead % (nd - 2)); // axes 0 .. a−1, then the kept ones, then the rest
            const b = a + 1 + (kept % (nd - a - 1));
            const axes = [
              ...Array.from({ length: a }, (_, i) => i),
              ...Array.from({ length: nd - b }, (_, i) => b + i),
            ];
            const x = randomArray(shape, dtype, seed);
            resetCalls();
            checkReduce('sum', x, axes, dtype);
            expect(one.calls.reduce ?? 0).toBe(x.size < 512 ? 1 : 0);
          },
        ),
        { numRuns: 150 },
      );
      resetCalls();
      checkReduce('sum', randomArray([32, 8, 24, 24], dtype, 54), [0, 2, 3], dtype);
      checkReduce('sum', randomArray([8, 9, 10], dtype, 53), [0, 2], dtype);
      expect(one.calls.reduce ?? 0).toBe(0);
    });
  }
});
