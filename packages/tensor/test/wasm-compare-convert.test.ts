// The wasm comparison and dtype-conversion kernels against the TypeScript reference backend:
// both are exact operations, so results must be bit-identical (bool bytes; converted values).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type Backend, type CompareOp, type DType } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { filler } from './helpers.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';

type FloatDType = 'float32' | 'float64';

const { backend: counting, calls } = countingFallback();
const wasm: Backend = createWasmBackend(counting, { threads: 1 });

function resetCalls(): void {
  for (const key of Object.keys(calls)) delete calls[key];
}

/** Values from a small set with many ties (so == and <= are exercised), plus the specials. */
const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 0.5, -0.5, 1, -1];

function randomArray(shape: readonly number[], dtype: FloatDType, seed: number): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const r = filler(seed, 0.02);
  for (let i = 0; i < n; i++) {
    const u = r();
    data[i] = u < -1.5 ? SPECIALS[Math.floor((u + 2) * 2 * SPECIALS.length) % SPECIALS.length]! : Math.round(u * 4) / 4;
  }
  return new NDArray(data, [...shape]);
}

const OPS: CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

describe('wasm compare', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`is bit-identical to the js backend with broadcasting, NaN and signed zeros (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
          fc.constantFrom(...OPS),
          fc.boolean(),
          fc.nat(),
          (shape, bcast, op, swap, seed) => {
            const a = randomArray(shape, dtype, seed);
            const b = randomArray(
              shape.map((d, i) => (bcast[i] ? 1 : d)),
              dtype,
              seed + 1,
            ).expand(shape);
            const [x, y] = swap ? [b, a] : [a, b];
            expectBitIdentical(wasm.compare(op, x, y), jsBackend.compare(op, x, y));
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`runs in wasm for contiguous, scalar, row and column broadcasts, any length (${dtype})`, () => {
      for (const cols of [33, 512, 515]) {
        const a = randomArray([17, cols], dtype, cols);
        const cases: [NDArray, NDArray][] = [
          [a, randomArray([17, cols], dtype, 2)],
          [a, randomArray([], dtype, 3).expand([17, cols])], // relu's x > 0
          [randomArray([1], dtype, 4).expand([17, cols]), a],
          [a, randomArray([cols], dtype, 5).expand([17, cols])],
          [a, randomArray([17, 1], dtype, 6).expand([17, cols])],
        ];
        for (const [x, y] of cases) {
          for (const op of OPS) {
            resetCalls();
            expectBitIdentical(wasm.compare(op, x, y), jsBackend.compare(op, x, y));
            expect(calls.compare ?? 0).toBe(0);
          }
        }
      }
    });
  }

  it('leaves mixed, integer and transposed inputs to the fallback, correctly', () => {
    const a = randomArray([40, 30], 'float32', 7),
      b = randomArray([40, 30], 'float64', 8);
    const i = new NDArray(
      Int32Array.from({ length: 1200 }, (_, k) => k % 7),
      [40, 30],
    );
    const t = randomArray([30, 40], 'float32', 9).transpose();
    for (const [x, y] of [
      [a, b],
      [i, i],
      [t, a],
    ] as const) {
      resetCalls();
      expectBitIdentical(wasm.compare('lt', x, y), jsBackend.compare('lt', x, y));
      expect(calls.compare).toBe(1);
    }
  });
});

describe('wasm dtype conversion (copy to another dtype)', () => {
  function source(dtype: DType, n: number, seed: number): NDArray {
    if (dtype === 'float32' || dtype === 'float64') {
      const x = randomArray([n], dtype, seed);
      // values float32 cannot hold exactly, and beyond its range
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: an input one ulp above e, not Math.E
      const extra = [0.1, 1 / 3, -2.7182818284590455, 1e39, -1e39, 3.4028235677973366e38, 1.401298464324817e-45, 7e-46];
      for (let k = 0; k < extra.length && k < n; k++) x.data[(k * 37) % n] = extra[k]!;
      return x;
    }
    if (dtype === 'int32') {
      const big = [2 ** 31 - 1, -(2 ** 31), 16777217, -16777219, 123456789];
      return new NDArray(
        Int32Array.from({ length: n }, (_, k) => (k % 9 === 0 ? big[k % big.length]! : ((k * 7919) % 2001) - 1000)),
        [n],
      );
    }
    return new NDArray(
      Uint8Array.from({ length: n }, (_, k) => ((k * 2654435761) >>> 7) & 1),
      [n],
    );
  }

  const PAIRS: [DType, DType][] = [
    ['bool', 'float32'],
    ['bool', 'float64'],
    ['float32', 'float64'],
    ['float64', 'float32'],
    ['int32', 'float32'],
    ['int32', 'float64'],
  ];
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to} is bit-identical to the js backend and runs in wasm`, () => {
      for (const n of [512, 517, 1000, 4099]) {
        // the 2-D view of 512 has 508 elements: js
        const x = source(from, n, n);
        resetCalls();
        expectBitIdentical(wasm.copy(x, to), jsBackend.copy(x, to));
        expect(calls.copy ?? 0).toBe(0);
        // a contiguous view at an offset, as a 2-D shape
        const v = new NDArray(x.data, [Math.floor((n - 3) / 4), 4], [4, 1], 3); // 508 or more elements
        resetCalls();
        expectBitIdentical(wasm.copy(v, to), jsBackend.copy(v, to));
        expect(calls.copy ?? 0).toBe(v.size >= 512 ? 0 : 1); // below 512 elements the js kernel runs
      }
    });
  }

  it('leaves same-dtype, to-int and strided copies to the fallback, correctly', () => {
    const f = source('float32', 600, 1);
    for (const [x, to] of [
      [f, 'float32'],
      [f, 'int32'],
      [f, 'bool'],
      [f.reshape([20, 30]).transpose(), 'float64'],
    ] as const) {
      resetCalls();
      expectBitIdentical(wasm.copy(x, to), jsBackend.copy(x, to));
      expect(calls.copy).toBe(1);
    }
  });
});
