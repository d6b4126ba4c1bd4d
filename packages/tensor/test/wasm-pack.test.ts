// The wasm matmul packs B differently by layout (contiguous rows, contiguous columns as in a
// transposed weight, or general strides), and A likewise (contiguous rows by 4×4 transposes,
// contiguous columns by vector copies, or general strides); the packed panels, and so the products,
// must not depend on which path ran: a view and a contiguous copy of it give bit-identical results.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, Rng, jsBackend } from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';

const wasm = wasmSupported() ? createWasmBackend(jsBackend, { threads: 1 }) : undefined;

function random(shape: number[], dtype: 'float32' | 'float64', seed: number): NDArray {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform() * 2 - 1;
  return new NDArray(data, shape);
}

describe.runIf(wasm !== undefined)('wasm matmul: packing B by layout', () => {
  it('a transposed, reversed or strided B gives the same bits as its contiguous copy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.constantFrom('transposed', 'reversed', 'strided'),
        fc.nat(1000),
        (m, k, n, dtype, layout, seed) => {
          const a = random([m, 64 + k], dtype, seed); // k ≥ 65, so that m·n·k passes the wasm threshold more often
          const kk = 64 + k;
          const base = random([n, layout === 'strided' ? 2 * kk : kk], dtype, seed + 1);
          let b: NDArray = base.transpose(); // [kk or 2kk, n], columns contiguous
          if (layout === 'reversed') b = b.slice(0, undefined, undefined, -1);
          if (layout === 'strided') b = b.slice(0, undefined, undefined, 2);
          const got = wasm!.matmul(a, b, dtype);
          const want = wasm!.matmul(a, b.contiguous(), dtype);
          expect(Array.from(got.contiguous().data)).toEqual(Array.from(want.contiguous().data));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a transposed, reversed or strided A gives the same bits as its contiguous copy, for any row count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.constantFrom('transposed', 'reversed', 'strided'),
        fc.nat(1000),
        (m, k, n, dtype, layout, seed) => {
          const kk = 64 + k;
          const base = random(layout === 'transposed' ? [kk, m] : [m, layout === 'strided' ? 2 * kk : kk], dtype, seed);
          let a: NDArray = base;
          if (layout === 'transposed') a = base.transpose(); // [m, kk], columns contiguous
          if (layout === 'reversed') a = base.slice(0, undefined, undefined, -1);
          if (layout === 'strided') a = base.slice(1, undefined, undefined, 2);
          const b = random([kk, n], dtype, seed + 1);
          const got = wasm!.matmul(a, b, dtype);
          const want = wasm!.matmul(a.contiguous(), b, dtype);
          expect(Array.from(got.contiguous().data)).toEqual(Array.from(want.contiguous().data));
        },
      ),
      { numRuns: 120 },
    );
  });
});
