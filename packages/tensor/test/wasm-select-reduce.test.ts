// The wasm argmax / argmin, where, clamp and prod kernels against the TypeScript reference backend.
// None of them may differ in a single bit: argReduce, where and clamp do no rounding at all, and
// prod multiplies in float64 in the TypeScript backend's order (several outputs side by side, each
// with its factors in order k = 0, 1, ...), rounding once. Every check is bit for bit
// (expectBitIdentical: Object.is on every element, so −0 ≠ +0), and a counting fallback shows which
// calls the wasm kernels really took.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type ArgReduceOp, type Backend } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { ARG_MIN_SIZE } from '../src/backends/wasm/arg-reduce.js';
import { CLAMP_MIN_SIZE } from '../src/backends/wasm/clamp.js';
import { WHERE_MIN_SIZE } from '../src/backends/wasm/where.js';
import { MIN_SIZE as REDUCE_MIN_SIZE } from '../src/backends/wasm/reduce.js';
import { slabLayout3 } from '../src/backends/slab-layout3.js';
import { filler, gridValues } from './helpers.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';

type FloatDType = 'float32' | 'float64';

const { backend: counting, calls } = countingFallback();
const wasm: Backend = createWasmBackend(counting, { threads: 1 });

/** Runs `f` and returns how many calls of `method` reached the TypeScript fallback. */
function fallbackCalls(method: string, f: () => void): number {
  for (const key of Object.keys(calls)) delete calls[key];
  f();
  return calls[method] ?? 0;
}

const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 1e-30, -1e-30, 1e-40, -1e-40, 5e-324, 3.4e38, -3.4e38];

/** Quarters in [-2, 2] (many exact ties, −0 included) with a fraction `special` of specials. */
const values = (n: number, dtype: FloatDType, seed: number, special: number) =>
  gridValues(n, dtype, seed, special, SPECIALS);

function array(shape: readonly number[], dtype: FloatDType, seed: number, special = 0.03): NDArray {
  return new NDArray(
    values(
      shape.reduce((p, d) => p * d, 1),
      dtype,
      seed,
      special,
    ),
    [...shape],
  );
}

const dtypes = fc.constantFrom<FloatDType>('float32', 'float64');

describe('wasm argmax / argmin', () => {
  // The reduced axis is drawn separately, up to 90 long, so rows reach the kernel's SIMD path
  // (rows of ≥ 32 float32 / ≥ 16 float64 values); the other axes give the column path (inner > 1).
  const cases = fc.record({
    before: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 1 }),
    length: fc.integer({ min: 1, max: 90 }),
    after: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 2 }),
    dtype: dtypes,
    op: fc.constantFrom<ArgReduceOp>('argmax', 'argmin'),
    special: fc.constantFrom(0, 0.002, 0.03, 0.3),
    seed: fc.nat(),
  });

  it('is bit-identical to the js backend (ties, NaN, ±0, ±Inf) and runs in wasm from ARG_MIN_SIZE elements', () => {
    let ran = 0;
    fc.assert(
      fc.property(cases, ({ before, length, after, dtype, op, special, seed }) => {
        const shape = [...before, length, ...after];
        const x = array(shape, dtype, seed, special);
        const axis = before.length;
        let got: NDArray | undefined;
        const fell = fallbackCalls('argReduce', () => {
          got = wasm.argReduce(op, x, axis);
        });
        expectBitIdentical(got!, jsBackend.argReduce(op, x, axis));
        expect(fell).toBe(x.size < ARG_MIN_SIZE ? 1 : 0);
        if (fell === 0) ran++;
      }),
      { numRuns: 300, seed: 1 },
    );
    expect(ran).toBeGreaterThan(100); // the wasm kernel, not the fallback, answered most cases
  });

  it('takes the first of tied extremes, the first NaN, and treats −0 and +0 as equal, in long rows', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const length of [40, 64, 67, 200]) {
        const rows = 8;
        const x = array([rows, length], dtype, length, 0);
        const d = x.data;
        // row 0: equal maxima in different lanes and blocks; row 1: a NaN after the max and a second NaN;
        // row 2: −0 before +0 as the extremes; row 3: all −Inf; row 4: +Inf at the end; row 5: a NaN first
        d[0 * length + 5] = 9;
        d[0 * length + 18] = 9;
        d[0 * length + length - 1] = 9;
        d[0 * length + 6] = -9;
        d[0 * length + 33] = -9;
        d[1 * length + 3] = 9;
        d[1 * length + 21] = NaN;
        d[1 * length + length - 2] = NaN;
        for (let k = 0; k < length; k++) d[2 * length + k] = k % 2 === 0 ? -1 : -2;
        d[2 * length + 13] = -0;
        d[2 * length + 14] = 0;
        for (let k = 0; k < length; k++) d[3 * length + k] = -Infinity;
        d[4 * length + length - 1] = Infinity;
        d[5 * length] = NaN;
        for (const op of ['argmax', 'argmin'] as const) {
          let got: NDArray | undefined;
          expect(
            fallbackCalls('argReduce', () => {
              got = wasm.argReduce(op, x, 1);
            }),
          ).toBe(0);
          expectBitIdentical(got!, jsBackend.argReduce(op, x, 1));
          // and along axis 0 (the column path) of the transposed copy
          const t = x.transpose().contiguous();
          expect(
            fallbackCalls('argReduce', () => {
              got = wasm.argReduce(op, t, 0);
            }),
          ).toBe(0);
          expectBitIdentical(got!, jsBackend.argReduce(op, t, 0));
        }
        // the rule, spelled out on the rows built above (argmax)
        const am = wasm.argReduce('argmax', x, 1).data;
        expect([am[0], am[1], am[3], am[4], am[5]]).toEqual([5, 21, 0, length - 1, 0]);
        expect(am[2]).toBe(13); // the row's max is ±0 (others are −1 and −2): −0 at 13 comes first
      }
    }
  });

  it('leaves integer and non-row-major inputs to the fallback, correctly', () => {
    const t = array([30, 20], 'float32', 3).transpose();
    const i = new NDArray(
      Int32Array.from({ length: 600 }, (_, k) => (k * 7919) % 13),
      [20, 30],
    );
    for (const x of [t, i]) {
      let got: NDArray | undefined;
      expect(
        fallbackCalls('argReduce', () => {
          got = wasm.argReduce('argmax', x, 1);
        }),
      ).toBe(1);
      expectBitIdentical(got!, jsBackend.argReduce('argmax', x, 1));
    }
  });
});

describe('wasm where', () => {
  const cases = fc.record({
    shape: fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 4 }),
    bc: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    ba: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    bb: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    transposeA: fc.integer({ min: 0, max: 3 }).map((k) => k === 0),
    dtype: dtypes,
    seed: fc.nat(),
  });

  it(
    'is bit-identical to the js backend with broadcasting in all three operands, ' +
      'and runs in wasm where the layout allows',
    () => {
      let ran = 0;
      fc.assert(
        fc.property(cases, ({ shape, bc, ba, bb, transposeA, dtype, seed }) => {
          const n = shape.reduce((p, d) => p * d, 1);
          const r = filler(seed);
          const cshape = shape.map((d, i) => (bc[i] ? 1 : d));
          const cond = new NDArray(
            Uint8Array.from({ length: cshape.reduce((p, d) => p * d, 1) }, () => (r() > 0 ? 1 : 0)),
            cshape,
          ).expand(shape);
          let a = array(
            shape.map((d, i) => (ba[i] ? 1 : d)),
            dtype,
            seed + 1,
            0.2,
          ).expand(shape);
          // a reversed-axes copy seen through a transpose: same values, strides that are not row-major
          if (transposeA) a = a.contiguous().transpose().contiguous().transpose();
          const b = array(
            shape.map((d, i) => (bb[i] ? 1 : d)),
            dtype,
            seed + 2,
            0.2,
          ).expand(shape);
          let got: NDArray | undefined;
          const fell = fallbackCalls('where', () => {
            got = wasm.where(cond, a, b, dtype);
          });
          expectBitIdentical(got!, jsBackend.where(cond, a, b, dtype));
          const handled = n >= WHERE_MIN_SIZE && slabLayout3(cond, a, b) !== undefined;
          expect(fell).toBe(handled ? 0 : 1);
          if (handled) ran++;
        }),
        { numRuns: 400, seed: 2 },
      );
      expect(ran).toBeGreaterThan(50); // the wasm kernel, not the fallback, answered many cases
    },
  );

  it('runs in wasm for relu-like masks, scalar branches and a broadcast condition, any row length', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const cols of [16, 33, 256, 259]) {
        const x = array([17, cols], dtype, cols, 0.1);
        const mask = jsBackend.compare(
          'gt',
          x,
          new NDArray(dtype === 'float32' ? new Float32Array(1) : new Float64Array(1), []).expand([17, cols]),
        );
        const zero = array([], dtype, 1, 0).expand([17, cols]);
        const rowCond = new NDArray(
          Uint8Array.from({ length: 17 }, (_, k) => (k % 3) & 1),
          [17, 1],
        ).expand([17, cols]);
        const colCond = new NDArray(
          Uint8Array.from({ length: cols }, (_, k) => ((k * 5) % 7 > 2 ? 1 : 0)),
          [cols],
        ).expand([17, cols]);
        const other = array([17, cols], dtype, cols + 1, 0.1);
        for (const [c, a, b] of [
          [mask, x, zero],
          [mask, zero, x],
          [rowCond, x, other],
          [rowCond, zero, x],
          [colCond, x, other],
          [mask, zero, zero],
        ] as const) {
          let got: NDArray | undefined;
          expect(
            fallbackCalls('where', () => {
              got = wasm.where(c, a, b, dtype);
            }),
          ).toBe(0);
          expectBitIdentical(got!, jsBackend.where(c, a, b, dtype));
        }
      }
    }
  });

  it('leaves integer branches to the fallback, correctly', () => {
    const c = new NDArray(
      Uint8Array.from({ length: 600 }, (_, k) => k & 1),
      [600],
    );
    const i = new NDArray(
      Int32Array.from({ length: 600 }, (_, k) => k),
      [600],
    );
    let got: NDArray | undefined;
    expect(
      fallbackCalls('where', () => {
        got = wasm.where(c, i, i, 'int32');
      }),
    ).toBe(1);
    expectBitIdentical(got!, jsBackend.where(c, i, i, 'int32'));
  });
});

describe('wasm clamp', () => {
  // Bounds float32 cannot hold (0.1, 1/3, 1e39, tiny ones that round to ±0), signed zeros,
  // infinities, NaN, and lo > hi (everything becomes hi).
  const BOUNDS = [
    0,
    -0,
    0.1,
    -0.1,
    1 / 3,
    -1 / 3,
    0.25,
    -1.75,
    1e-300,
    -1e-300,
    1e-45,
    7e-46,
    1e39,
    -1e39,
    Infinity,
    -Infinity,
    NaN,
    3.4028235677973366e38,
  ];

  it('is bit-identical to the js backend for any bounds (rounded once to float32 or not) and runs in wasm', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...BOUNDS),
        fc.constantFrom(...BOUNDS),
        dtypes,
        fc.nat(),
        (shape, lo, hi, dtype, seed) => {
          const x = array(shape, dtype, seed, 0.2);
          let got: NDArray | undefined;
          const fell = fallbackCalls('clamp', () => {
            got = wasm.clamp(x, lo, hi, dtype);
          });
          expectBitIdentical(got!, jsBackend.clamp(x, lo, hi, dtype));
          expect(fell).toBe(x.size < CLAMP_MIN_SIZE ? 1 : 0);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('gives +0 for clamp(−0, 0, 1), as Math.max(−0, 0) does, and −0 for clamp(+0, −1, −0)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const negZeros = new NDArray(
        dtype === 'float32' ? new Float32Array(300).fill(-0) : new Float64Array(300).fill(-0),
        [300],
      );
      const zeros = new NDArray(dtype === 'float32' ? new Float32Array(300) : new Float64Array(300), [300]);
      for (const [x, lo, hi, want] of [
        [negZeros, 0, 1, 0],
        [zeros, -1, -0, -0],
      ] as const) {
        let got: NDArray | undefined;
        expect(
          fallbackCalls('clamp', () => {
            got = wasm.clamp(x, lo, hi, dtype);
          }),
        ).toBe(0);
        expectBitIdentical(got!, jsBackend.clamp(x, lo, hi, dtype));
        expect(Object.is(got!.data[299], want)).toBe(true);
      }
    }
  });

  it('leaves converting and non-contiguous inputs to the fallback, correctly', () => {
    const i = new NDArray(
      Int32Array.from({ length: 600 }, (_, k) => k - 300),
      [600],
    );
    const t = array([20, 30], 'float64', 5).transpose();
    for (const [x, dtype] of [
      [i, 'float32'],
      [i, 'int32'],
      [t, 'float64'],
    ] as const) {
      let got: NDArray | undefined;
      expect(
        fallbackCalls('clamp', () => {
          got = wasm.clamp(x, -2.5, 100.5, dtype);
        }),
      ).toBe(1);
      expectBitIdentical(got!, jsBackend.clamp(x, -2.5, 100.5, dtype));
    }
  });
});

describe('wasm prod', () => {
  /** Factors near ±1 (so long products stay finite and every multiplication rounds), some specials. */
  function factors(shape: readonly number[], dtype: FloatDType, seed: number, special: number): NDArray {
    const n = shape.reduce((p, d) => p * d, 1);
    const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    const r = filler(seed);
    const s = values(n, dtype, seed + 1, 1);
    for (let i = 0; i < n; i++) {
      const u = (r() + 2) / 4;
      data[i] = u < special ? s[i]! : (r() < -1.8 ? -1 : 1) * (1 + r() / 16);
    }
    return new NDArray(data, [...shape]);
  }

  it('is bit-identical to the js backend over any consecutive axes, and runs in wasm unless it is one chain', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 24 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.nat(),
        dtypes,
        fc.constantFrom(0, 0.01, 0.2),
        fc.nat(),
        (shape, first, count, dtype, special, seed) => {
          const a0 = first % shape.length,
            a1 = a0 + (count % (shape.length - a0));
          const axes = Array.from({ length: a1 - a0 + 1 }, (_, k) => a0 + k);
          const x = factors(shape, dtype, seed, special);
          let got: NDArray | undefined;
          const fell = fallbackCalls('reduce', () => {
            got = wasm.reduce('prod', x, axes, dtype);
          });
          expectBitIdentical(got!, jsBackend.reduce('prod', x, axes, dtype));
          const outputs = x.size / axes.reduce((p, a) => p * shape[a]!, 1);
          const handled = x.size >= REDUCE_MIN_SIZE && outputs > 1;
          expect(fell).toBe(handled ? 0 : 1);
          if (handled) ran++;
        },
      ),
      { numRuns: 400, seed: 4 },
    );
    expect(ran).toBeGreaterThan(50); // the wasm kernel, not the fallback, answered many cases
  });

  it('runs in wasm for every row-group size (8, 4, 2, 1 rows side by side) and for leading axes', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const rows of [2, 3, 5, 7, 8, 9, 15, 16, 23]) {
        // specials are the property test's: here every product is finite and rounds
        const x = factors([rows, 600], dtype, rows, 0);
        for (const axes of [[1], [0]]) {
          let got: NDArray | undefined;
          expect(
            fallbackCalls('reduce', () => {
              got = wasm.reduce('prod', x, axes, dtype);
            }),
          ).toBe(0);
          expectBitIdentical(got!, jsBackend.reduce('prod', x, axes, dtype));
        }
      }
    }
  });

  it(
    'leaves a whole-array product (one chain), ' +
      'non-consecutive axes and transposed inputs to the fallback, correctly',
    () => {
      const x = factors([8, 9, 10], 'float32', 1, 0);
      for (const [v, axes] of [
        [x, [0, 1, 2]],
        [x.reshape([720]), [0]],
        [x, [0, 2]],
        [x.transpose(), [1]],
      ] as const) {
        let got: NDArray | undefined;
        expect(
          fallbackCalls('reduce', () => {
            got = wasm.reduce('prod', v, axes, 'float32');
          }),
        ).toBe(1);
        expectBitIdentical(got!, jsBackend.reduce('prod', v, axes, 'float32'));
      }
    },
  );
});
