// The wasm transcendental and rounding kernels (assembly/unary-math.ts: ports of the fdlibm routines
// V8 uses for Math.*) against the TypeScript backend, which calls Math.*: bit-identical in float32
// and float64 (every element computed in float64, rounded once to float32), on random values mixed
// with the specials and the branch thresholds of each algorithm, in runs long enough for the
// two-lane SIMD paths and mixed with values that send a block to the scalar ports.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type Backend, type UnaryOp } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { WasmContext } from '../src/backends/wasm/context.js';
import { UNARY_CODES } from '../src/backends/wasm/ops.js';
import { PROBE_COUNT, mathKernelAgrees, probeAgrees, probeValues } from '../src/backends/wasm/unary-math.js';
import { SCALAR_UNARY } from '../src/scalar-ops.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';
import { filler } from './helpers.js';

type FloatDType = 'float32' | 'float64';

const MATH_OPS: UnaryOp[] = [
  'exp',
  'log',
  'log1p',
  'expm1',
  'tanh',
  'sigmoid',
  'softplus',
  'erf',
  'sin',
  'cos',
  'sign',
  'floor',
  'ceil',
  'round',
];

const { backend: counting, calls } = countingFallback();
const wasm: Backend = createWasmBackend(counting, { threads: 1 });
const ctx = new WasmContext({ threads: 1 });

function resetCalls(): void {
  for (const key of Object.keys(calls)) delete calls[key];
}

/** Whether this engine runs `op` in wasm (its Math.* is fdlibm's: every op on Node 20). */
function runsInWasm(op: UnaryOp): boolean {
  return mathKernelAgrees(ctx.heap, op);
}

const LN2 = Math.LN2;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The double with high word `hi` and low word 0. */
function fromHigh(hi: number): number {
  words[0] = 0;
  words[1] = hi;
  return bits[0]!;
}

/** The branch points of each algorithm (fdlibm's word tests) and of the SIMD paths' ranges. */
const THRESHOLDS: Record<string, number[]> = {
  exp: [
    0.5 * LN2,
    fromHigh(0x3fd62e43),
    1.5 * LN2,
    708,
    709.782712893384,
    745.1332191019411,
    2 ** -28,
    1,
    1021 * LN2,
    1022.5 * LN2,
  ],
  expm1: [
    0.5 * LN2,
    1.5 * LN2,
    56 * LN2,
    700,
    709.782712893384,
    2 ** -54,
    0.25,
    19.5 * LN2,
    20 * LN2,
    56.5 * LN2,
    1023.5 * LN2,
  ],
  // float32 fast path (f32-activations.ts): |x| < 40 (tanh), < 80 (sigmoid); k = 0 below ln2/4 (tanh)
  tanh: [22, 1, 2 ** -28, 0.25 * LN2, 0.75 * LN2, 9.75 * LN2, 10 * LN2, 28.25 * LN2, 40],
  sigmoid: [0, 708, 745.1332191019411, 2 ** -28, 0.5 * LN2, 1.5 * LN2, 36.7, 80],
  softplus: [0, 708, 745.1332191019411, 2 ** -28, 0.5 * LN2, 1.5 * LN2, 36.7, 2 ** -54],
  log: [
    1,
    2,
    2 ** -1022,
    1 + 2 ** -20,
    1 - 2 ** -20,
    Math.SQRT2,
    Math.SQRT1_2,
    fromHigh(0x3ff6147a),
    fromHigh(0x3ff6b851),
    1e300,
  ],
  log1p: [
    0,
    Math.SQRT2 - 1,
    Math.SQRT1_2 - 1,
    fromHigh(0x3fda827a),
    -fromHigh(0x3fd2bec4),
    2 ** -29,
    2 ** -54,
    1,
    2 ** 53,
    2 ** -20,
  ],
  erf: [3, 27, 2 ** -28, 0.5, 5.9],
  sin: [Math.PI / 4, (3 * Math.PI) / 4, Math.PI / 2, 2 ** 20 * (Math.PI / 2), 2 ** -27, 0.3, 0.78125, 1e22],
  cos: [Math.PI / 4, (3 * Math.PI) / 4, Math.PI / 2, 2 ** 20 * (Math.PI / 2), 2 ** -27, 0.3, 0.78125, 1e22],
  sign: [0, 1, 2 ** -149],
  floor: [0.5, 1.5, 2 ** 52, 2 ** 23, 2 ** 22 + 0.5],
  ceil: [0.5, 1.5, 2 ** 52, 2 ** 23, 2 ** 22 + 0.5],
  round: [0.5, 1.5, 2.5, 3.5, 0.49999999999999994, 2 ** 52, 2 ** 51 + 0.5, 2 ** 22 + 0.5, 2 ** 23],
};

/** The range the op's typical (SIMD-path) inputs come from. */
const TYPICAL: Record<string, [number, number]> = {
  log: [0, 10],
  log1p: [-1, 10],
  sin: [-20, 20],
  cos: [-20, 20],
  erf: [-5, 5],
};

const SPECIALS = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  -2.2250738585072014e-308,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  -2.5,
];

/** A seeded generator of uniforms in [0, 1) (helpers.ts's filler, which draws in [-2, 2)). */
function uniforms(seed: number): () => number {
  const draw = filler(seed);
  return () => (draw() + 2) / 4;
}

/** x moved by `ulps` units in the last place (through its bits; finite x). */
function nudge(x: number, ulps: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  bits[0] = x;
  const lo = words[0]! + ulps;
  words[1] = words[1]! + Math.floor(lo / 2 ** 32);
  words[0] = ((lo % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return bits[0]!;
}

/**
 * `n` values for `op`, in runs of one kind (so that whole SIMD blocks are typical, and others mix
 * in a special): typical values, thresholds ± a few ulps, log-uniform magnitudes 2^-80 … 2^80,
 * any magnitude 2^-1074 … 2^1023, specials.
 */
function mathValues(op: UnaryOp, n: number, seed: number): number[] {
  const u = uniforms(seed);
  const [lo, hi] = TYPICAL[op] ?? [-8, 8];
  const th = THRESHOLDS[op]!;
  const out: number[] = [];
  while (out.length < n) {
    const kind = u();
    const run = 1 + Math.floor(u() * 24);
    for (let r = 0; r < run && out.length < n; r++) {
      const sign = u() < 0.5 ? -1 : 1;
      let v: number;
      if (kind < 0.45) v = lo + (hi - lo) * u();
      else if (kind < 0.7) v = nudge(sign * th[Math.floor(u() * th.length)]!, Math.floor(u() * 9) - 4);
      else if (kind < 0.85) v = sign * 2 ** (-80 + 160 * u()) * (1 + u());
      else if (kind < 0.95) v = sign * 2 ** (-1074 + 2097 * u());
      else v = SPECIALS[Math.floor(u() * SPECIALS.length)]!;
      out.push(v);
    }
  }
  return out;
}

function arrayOf(values: readonly number[], shape: readonly number[], dtype: FloatDType): NDArray {
  const data = dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
  return new NDArray(data, [...shape]);
}

/** Checks wasm against js on x, and that the wasm kernel (not the fallback) ran where this engine allows it. */
function checkOp(op: UnaryOp, x: NDArray, dtype: FloatDType): void {
  resetCalls();
  expectBitIdentical(wasm.unary(op, x, dtype), jsBackend.unary(op, x, dtype));
  expect(calls.unary ?? 0).toBe(runsInWasm(op) ? 0 : 1);
}

describe('wasm transcendental and rounding kernels', () => {
  it('agree with Math.* on every probe value on this engine (V8 11 / Node 20: fdlibm for all of them)', () => {
    const major = Number(process.versions.node.split('.')[0]);
    for (const op of MATH_OPS) {
      // V8 builds with its glibc-derived sin/cos (Node 22+) keep those two in TypeScript
      if (major !== 20 && (op === 'sin' || op === 'cos')) continue;
      expect([op, probeAgrees(ctx.heap, UNARY_CODES[op]!, SCALAR_UNARY[op])]).toEqual([op, true]);
      expect([op, runsInWasm(op)]).toEqual([op, true]);
    }
  });

  it('are refused by the probe when the reference differs on a single probe value', () => {
    const xs = probeValues();
    expect(xs.length).toBe(PROBE_COUNT);
    for (const op of ['exp', 'tanh', 'log', 'sin'] as const) {
      const ref = SCALAR_UNARY[op];
      expect(probeAgrees(ctx.heap, UNARY_CODES[op]!, ref)).toBe(true);
      // one ulp off on one value, found by the probe among the thousands
      const target = 0.5;
      expect(xs.includes(target)).toBe(true);
      const off = (x: number): number => (Object.is(x, target) ? nudge(ref(x), 1) : ref(x));
      expect(probeAgrees(ctx.heap, UNARY_CODES[op]!, off)).toBe(false);
    }
  });

  for (const dtype of ['float32', 'float64'] as const) {
    for (const op of MATH_OPS) {
      it(`${op} is bit-identical to the js backend on random shapes and values (${dtype})`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 8, max: 20 }),
            fc.integer({ min: 8, max: 16 }),
            fc.integer({ min: 8, max: 15 }),
            fc.nat(),
            (a, b, c, seed) => {
              const shape = [a, b, c]; // 512 … 4800 elements: above MIN_SIZE, any length mod 8
              checkOp(op, arrayOf(mathValues(op, a * b * c, seed), shape, dtype), dtype);
            },
          ),
          { numRuns: 20 },
        );
      });
    }

    it(`every op is bit-identical on an array of only specials and thresholds ± 4 ulps (${dtype})`, () => {
      for (const op of MATH_OPS) {
        const values: number[] = [...SPECIALS];
        for (const t of THRESHOLDS[op]!) for (let k = -4; k <= 4; k++) values.push(nudge(t, k), -nudge(t, k));
        while (values.length < 600) values.push(...values.slice(0, 600 - values.length));
        checkOp(op, arrayOf(values, [values.length], dtype), dtype);
      }
    });

    it(`writes into \`out\`, in place too, and falls back for views it cannot stage (${dtype})`, () => {
      for (const op of ['exp', 'tanh', 'sin', 'round'] as const) {
        const x = arrayOf(mathValues(op, 40 * 30, 7), [40, 30], dtype);
        const want = jsBackend.unary(op, x, dtype);
        const out = arrayOf(new Array<number>(1200).fill(0), [40, 30], dtype);
        expect(wasm.unary(op, x, dtype, out)).toBe(out);
        expectBitIdentical(out, want);
        const y = arrayOf(Array.from(x.data), [40, 30], dtype);
        wasm.unary(op, y, dtype, y);
        expectBitIdentical(y, want);
        const t = x.transpose();
        resetCalls();
        expectBitIdentical(wasm.unary(op, t, dtype), jsBackend.unary(op, t, dtype));
        expect(calls.unary).toBe(1);
      }
    });
  }
});
