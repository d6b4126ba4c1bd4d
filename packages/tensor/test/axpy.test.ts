// addScaledInPlace (y ← y + α·x, the optimizers' update) must give bit for bit what the two ops
// y + (x · α) give, on the TypeScript and the WebAssembly backends, for every layout and dtype.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, ShapeError, addScaledInPlace, jsBackend, type Backend, type DType } from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { withBackend } from './backend-helpers.js';

const backends: [string, Backend][] = [['js', jsBackend]];
if (wasmSupported()) backends.push(['wasm', createWasmBackend(jsBackend, { threads: 1 })]);

/** The reference: the two ops through the TypeScript backend, each rounded to the dtype. */
function twoOps(y: NDArray, x: NDArray, alpha: number): number[] {
  const a = new NDArray(y.dtype === 'float32' ? new Float32Array([alpha]) : new Float64Array([alpha]), []);
  const scaled = jsBackend.binary('mul', x, a.expand(x.shape), y.dtype);
  return Array.from(jsBackend.binary('add', y, scaled, y.dtype).contiguous().data as Float32Array | Float64Array);
}

function filled(dtype: DType, values: readonly number[], shape: number[]): NDArray {
  return new NDArray(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape);
}

describe('addScaledInPlace', () => {
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: equals y + x·α bit for bit, contiguous or transposed, small or large`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 40 }),
            fc.integer({ min: 1, max: 40 }),
            fc.boolean(),
            fc.double({ min: -10, max: 10, noNaN: true }),
            fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            (rows, cols, transposed, alpha, seed) => {
              let s = seed;
              const rnd = (): number => {
                s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
                return (s / 2 ** 32 - 0.5) * 8;
              };
              const n = rows * cols;
              const yv = Array.from({ length: n }, rnd),
                xv = Array.from({ length: n }, rnd);
              // transposed: y is a [cols, rows] buffer seen as [rows, cols]
              const y = transposed ? filled(dtype, yv, [cols, rows]).transpose() : filled(dtype, yv, [rows, cols]);
              const x = filled(dtype, xv, [rows, cols]);
              const expected = twoOps(y, x, alpha);
              withBackend(backend, () => addScaledInPlace(y, x, alpha));
              expect(Array.from(y.contiguous().data as Float32Array | Float64Array)).toEqual(expected);
            },
          ),
          { numRuns: 60 },
        );
      });
    }
    it(`${name}: a 30×784 float32 weight (the wasm kernel's size range) matches the two ops`, () => {
      const n = 30 * 784;
      const yv = Array.from({ length: n }, (_, i) => Math.sin(i) * 0.1),
        xv = Array.from({ length: n }, (_, i) => Math.cos(i * 1.7));
      const y = filled('float32', yv, [30, 784]),
        x = filled('float32', xv, [30, 784]);
      const expected = twoOps(y, x, -3);
      withBackend(backend, () => addScaledInPlace(y, x, -3));
      expect(Array.from(y.data as Float32Array)).toEqual(expected);
    });
  }

  it('refuses x of another shape and leaves y unchanged', () => {
    const y = filled('float32', [1, 2, 3], [3]);
    expect(() => addScaledInPlace(y, filled('float32', [1, 2], [2]), 1)).toThrow(ShapeError);
    expect(Array.from(y.data as Float32Array)).toEqual([1, 2, 3]);
  });
});
