// activationGrad (g·f′ of sigmoid, tanh and relu in one pass) must give bit for bit what the
// unfused ops give (sigmoid g·(y·(1−y)), tanh g·(1−y²), relu g·cast(x>0)), each rounded to the
// dtype, on the TypeScript and WebAssembly backends, for any size (SIMD bodies and tails), layout
// and value, NaN, ±0 and ±Inf included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type ActivationGradOp,
  type Backend,
  DTypeError,
  NDArray,
  ShapeError,
  activationGrad,
  jsBackend,
} from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { composedActivationGrad } from '../src/backends/compose.js';
import { withBackend } from './backend-helpers.js';
import { spikyValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';

/** Counts the fallback's activationGrad calls, to see which sizes the wasm kernel takes. */
let fallbackCalls = 0;
const counting: Backend = {
  ...jsBackend,
  activationGrad: (op, g, s) => {
    fallbackCalls++;
    return jsBackend.activationGrad(op, g, s);
  },
};

const backends: [string, Backend][] = [['js', jsBackend]];
if (wasmSupported()) backends.push(['wasm', createWasmBackend(counting, { threads: 1 })]);

const OPS: readonly ActivationGradOp[] = ['sigmoid', 'tanh', 'relu'];
const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1, -1, 1e-30, -1e-30, 1e30, -1e30, 0.5, 3.4e38, 1e-45, 2 ** -126];

/** Values in [-2, 2) (the range of activations and their gradients), a tenth of them special. */
const values = (n: number, seed: number): number[] => spikyValues(n, seed, 2, SPECIALS);

function filled(dtype: FloatDType, v: readonly number[], shape: number[]): NDArray {
  return new NDArray(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape);
}

/** Element values in row-major order, with -0 and NaN as they are (toEqual tells -0 from 0 and NaN equals NaN). */
function elements(x: NDArray): number[] {
  const c = x.contiguous();
  return Array.from((c.data as Float32Array | Float64Array).subarray(c.offset, c.offset + c.size));
}

describe('activationGrad', () => {
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: equals the unfused ops bit for bit, any size, layout and value`, () => {
        fc.assert(
          fc.property(
            fc.constantFrom(...OPS),
            fc.integer({ min: 1, max: 40 }),
            fc.integer({ min: 1, max: 45 }),
            fc.constantFrom('contiguous', 'offset', 'transposed-g', 'transposed-saved'),
            fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            (op, rows, cols, layout, seed) => {
              const n = rows * cols;
              const gv = values(n, seed),
                sv = values(n, seed ^ 0x5bd1e995);
              let g = filled(dtype, gv, [rows, cols]),
                saved = filled(dtype, sv, [rows, cols]);
              if (layout === 'offset') {
                // contiguous views that start inside their buffers
                g = filled(dtype, [7, ...gv], [n + 1])
                  .slice(0, 1)
                  .reshape([rows, cols]);
                saved = filled(dtype, [9, 9, ...sv], [n + 2])
                  .slice(0, 2)
                  .reshape([rows, cols]);
              } else if (layout === 'transposed-g') g = filled(dtype, gv, [cols, rows]).transpose();
              else if (layout === 'transposed-saved') saved = filled(dtype, sv, [cols, rows]).transpose();
              const expected = elements(composedActivationGrad(jsBackend, op, g, saved));
              const got = withBackend(backend, () => activationGrad(op, g, saved));
              expect(got.dtype).toBe(dtype);
              expect(got.shape).toEqual([rows, cols]);
              expect(elements(got)).toEqual(expected);
            },
          ),
          { numRuns: 120 },
        );
      });

      it(`${name} ${dtype}: every special value against every other, through the SIMD body and the tail`, () => {
        // 15 × 15 pairs, repeated to 675 elements (above the wasm kernel's minimum size, not a multiple of 4)
        const gv: number[] = [],
          sv: number[] = [];
        for (let r = 0; r < 3; r++)
          for (const a of SPECIALS)
            for (const b of SPECIALS) {
              gv.push(a);
              sv.push(b);
            }
        const g = filled(dtype, gv, [gv.length]),
          saved = filled(dtype, sv, [sv.length]);
        for (const op of OPS) {
          const expected = elements(composedActivationGrad(jsBackend, op, g, saved));
          expect(elements(withBackend(backend, () => activationGrad(op, g, saved)))).toEqual(expected);
        }
      });
    }
  }

  it('takes the documented values: sigmoid g·y(1−y), tanh g(1−y²), relu g·[x>0] with 0 at 0', () => {
    const g = filled('float64', [2, 2, 2, -3], [4]);
    expect(elements(activationGrad('sigmoid', g, filled('float64', [0.5, 0.25, 0, 1], [4])))).toEqual([
      0.5, 0.375, 0, -0,
    ]);
    expect(elements(activationGrad('tanh', g, filled('float64', [0.5, -0.5, 0, 1], [4])))).toEqual([1.5, 1.5, 2, -0]);
    expect(elements(activationGrad('relu', g, filled('float64', [1, -1, 0, NaN], [4])))).toEqual([2, 0, 0, -0]);
  });

  if (wasmSupported()) {
    it('wasm runs the kernel for contiguous operands of 512 elements or more, the fallback otherwise', () => {
      const [, wasm] = backends[1]!;
      const big = filled('float32', values(600, 1), [600]);
      fallbackCalls = 0;
      withBackend(wasm, () => activationGrad('tanh', big, big));
      expect(fallbackCalls).toBe(0);
      withBackend(wasm, () => activationGrad('tanh', big.slice(0, 0, 100), big.slice(0, 0, 100)));
      withBackend(wasm, () => activationGrad('tanh', big.reshape([20, 30]).transpose(), big.reshape([30, 20])));
      expect(fallbackCalls).toBe(2);
    });
  }

  it('refuses mismatched shapes, dtypes and non-float operands', () => {
    const a = filled('float32', [1, 2], [2]);
    expect(() => activationGrad('relu', a, filled('float32', [1, 2, 3], [3]))).toThrow(ShapeError);
    expect(() => activationGrad('relu', a, filled('float64', [1, 2], [2]))).toThrow(DTypeError);
    expect(() =>
      activationGrad('relu', new NDArray(Int32Array.from([1, 2]), [2]), new NDArray(Int32Array.from([1, 2]), [2])),
    ).toThrow(DTypeError);
  });
});
