/**
 * `Backend.im2col(..., out)` and `Backend.col2im(..., out)`: written into `out` (garbage before, a
 * view at an offset of a larger buffer), the reference and the wasm backend give the bits they give
 * without `out` and return `out` itself (what a compiled plan relies on).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Backend, NDArray, Rng, convGeometry, createWasmBackend, jsBackend, randn } from '../src/index.js';

const backends: [string, Backend][] = [
  ['reference', jsBackend],
  ['wasm', createWasmBackend(jsBackend, { threads: 1 })],
];

const bits = (x: NDArray): number[] => Array.from(x.contiguous().data as ArrayLike<number>);

/** A view of `shape` at offset 3 of a buffer filled with NaN. */
function garbage(shape: number[], f64: boolean): { out: NDArray; buffer: Float32Array | Float64Array } {
  const size = shape.reduce((p, d) => p * d, 1);
  const buffer = f64 ? new Float64Array(size + 6).fill(Number.NaN) : new Float32Array(size + 6).fill(Number.NaN);
  return { out: new NDArray(buffer, shape, undefined, 3), buffer };
}

describe('im2col and col2im into out', () => {
  for (const [name, backend] of backends) {
    it(`${name}: the same bits as a new result, written into out`, () => {
      const cases = fc.record({
        n: fc.integer({ min: 1, max: 3 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 3, max: 14 }),
        w: fc.integer({ min: 3, max: 14 }),
        k: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 2 }),
        padding: fc.integer({ min: 0, max: 1 }),
        f64: fc.boolean(),
        seed: fc.integer({ min: 0, max: 1000 }),
      });
      fc.assert(
        fc.property(cases, ({ n, c, h, w, k, stride, padding, f64, seed }) => {
          const dtype = f64 ? 'float64' : 'float32';
          const x = randn([n, c, h, w], { rng: new Rng(seed), dtype });
          const g = convGeometry('test', h, w, { kernel: k, stride, padding });
          const cols = backend.im2col(x, g, -1.5);
          const a = garbage([...cols.shape], f64);
          expect(backend.im2col(x, g, -1.5, a.out)).toBe(a.out);
          expect(bits(a.out)).toEqual(bits(cols));
          const back = backend.col2im(cols, g, c, h, w);
          const b = garbage([n, c, h, w], f64);
          expect(backend.col2im(cols, g, c, h, w, b.out)).toBe(b.out);
          expect(bits(b.out)).toEqual(bits(back));
          for (const { buffer } of [a, b]) {
            expect([...buffer.subarray(0, 3), ...buffer.subarray(buffer.length - 3)].every(Number.isNaN)).toBe(true);
          }
        }),
        { numRuns: 40, seed: 5 },
      );
    });
  }
});
