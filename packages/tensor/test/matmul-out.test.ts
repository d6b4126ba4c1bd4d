/**
 * `Backend.matmul(a, b, outDtype, out)`: written into `out` (garbage before, a view at an offset of
 * a larger buffer), every backend gives the bits it gives without `out` and returns `out` itself:
 * the reference, the wasm backend (one thread and split across threads), and a native BLAS where
 * one loads (else that case reports itself skipped with the reason).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBlas } from '../src/backends/native/blas.js';
import { blasMatmul } from '../src/backends/native/matmul.js';
import { type Backend, NDArray, Rng, createWasmBackend, jsBackend, randn } from '../src/index.js';

const loaded = loadBlas(process.env.CHAINRULE_BLAS_TEST, process.platform);
const blas = 'reason' in loaded ? null : loaded;

const backends: [string, Backend['matmul'] | null][] = [
  ['reference', jsBackend.matmul.bind(jsBackend)],
  ['wasm', createWasmBackend(jsBackend, { threads: 1 }).matmul],
  ['wasm, 2 threads', createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1 }).matmul],
  [
    `native BLAS${blas === null ? ` (skipped: ${(loaded as { reason: string }).reason})` : ''}`,
    blas === null ? null : blasMatmul(blas, jsBackend.matmul.bind(jsBackend)),
  ],
];

const bits = (x: NDArray): number[] => Array.from(x.contiguous().data as ArrayLike<number>);

describe('matmul into out', () => {
  for (const [name, matmul] of backends) {
    it.skipIf(matmul === null)(`${name}: the same bits as a new result, written into out`, () => {
      const shape = fc.record({
        batch: fc.integer({ min: 1, max: 3 }),
        m: fc.integer({ min: 1, max: 70 }),
        k: fc.integer({ min: 1, max: 70 }),
        n: fc.integer({ min: 1, max: 70 }),
        transA: fc.boolean(),
        transB: fc.boolean(),
        f64: fc.boolean(),
        seed: fc.integer({ min: 0, max: 1000 }),
      });
      fc.assert(
        fc.property(shape, ({ batch, m, k, n, transA, transB, f64, seed }) => {
          const rng = new Rng(seed);
          const dtype = f64 ? 'float64' : 'float32';
          const a = transA
            ? randn([batch, k, m], { rng, dtype }).transpose(1, 2)
            : randn([batch, m, k], { rng, dtype });
          const b = transB
            ? randn([batch, n, k], { rng, dtype }).transpose(1, 2)
            : randn([batch, k, n], { rng, dtype });
          const want = matmul!(a, b, dtype);
          const size = batch * m * n;
          const buffer = f64
            ? new Float64Array(size + 7).fill(Number.NaN)
            : new Float32Array(size + 7).fill(Number.NaN);
          const out = new NDArray(buffer, [batch, m, n], undefined, 5);
          const got = matmul!(a, b, dtype, out);
          expect(got).toBe(out);
          expect(bits(out)).toEqual(bits(want));
          expect([...buffer.subarray(0, 5), ...buffer.subarray(5 + size)].every(Number.isNaN)).toBe(true);
        }),
        { numRuns: 40, seed: 3 },
      );
    });
  }
});
