// The fused Adam step (Backend.adamUpdate): on the TypeScript and WebAssembly backends, float32 and
// float64, with and without AMSGrad's running max, it must give bit for bit what the unfused kernels
// give (mul, addScaledInPlace, square, add, maximum, sqrt, div, each rounded to the dtype in the
// optimizer's order); the wasm kernel must run it itself, in parts where the arrays are long; and
// operands that do not fit get typed errors with nothing written.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type AdamConstants,
  type Backend,
  DTypeError,
  NDArray,
  ShapeError,
  adamUpdate,
  adamUpdateFits,
  jsBackend,
  residentMemory,
} from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { countingFallback, expectBitIdentical, withBackend } from './backend-helpers.js';
import { spikyValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';

const fallback = countingFallback();
const backends: [string, Backend][] = [['js', jsBackend]];
if (wasmSupported()) {
  backends.push(['wasm', createWasmBackend(fallback.backend, { threads: 1 })]);
  // parts of at most 300 elements (half of chunkElements)
  backends.push(['wasm in parts', createWasmBackend(fallback.backend, { threads: 1, chunkElements: 600 })]);
}

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-30, 1e30, 3.4e38];

function array(dtype: FloatDType, values: readonly number[], shape = [values.length]): NDArray {
  return new NDArray(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape);
}

/** A copy of x (the kernels write in place: each case keeps its inputs). */
const copy = (x: NDArray): NDArray => jsBackend.copy(x, x.dtype);

/** The optimizer's unfused step, kernel by kernel on the reference backend: new arrays p, m, v, vmax. */
function unfused(
  p: NDArray,
  g: NDArray,
  m: NDArray,
  v: NDArray,
  vmax: NDArray | undefined,
  coef: NDArray,
  c: AdamConstants,
) {
  const js = jsBackend;
  const dt = p.dtype;
  const s = (x: number): NDArray => array(dt as FloatDType, [x], []).expand(p.shape);
  const [bc, step] = [coef.data[0]!, coef.data[1]!];
  const m1 = js.binary('mul', m, s(c.beta1), dt);
  js.addScaledInPlace(m1, g, 1 - c.beta1);
  const v1 = js.binary(
    'add',
    js.binary('mul', v, s(c.beta2), dt),
    js.binary('mul', js.unary('square', g, dt), s(1 - c.beta2), dt),
    dt,
  );
  const x1 = vmax === undefined ? undefined : js.binary('maximum', vmax, v1, dt);
  const den = js.binary('add', js.binary('div', js.unary('sqrt', x1 ?? v1, dt), s(bc), dt), s(c.eps), dt);
  const p1 = js.binary('add', p, js.binary('mul', js.binary('div', m1, den, dt), s(step), dt), dt);
  return { p: p1, m: m1, v: v1, vmax: x1 };
}

const caseArb = fc.record({
  n: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 250, max: 1100 })),
  amsgrad: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  beta1: fc.double({ min: 0, max: 0.999, noNaN: true }),
  beta2: fc.double({ min: 0, max: 0.9999, noNaN: true }),
  eps: fc.constantFrom(0, 1e-8, 1e-6, 0.1),
  bc: fc.double({ min: 1e-4, max: 1, noNaN: true }),
  step: fc.double({ min: -10, max: 0, noNaN: true }),
});

describe('adamUpdate: the unfused ops in one pass', () => {
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: p, m, v (and vmax) as the unfused kernels give them, bit for bit`, () => {
        fc.assert(
          fc.property(caseArb, ({ n, amsgrad, seed, beta1, beta2, eps, bc, step }) => {
            const values = (k: number, range: number) => array(dtype, spikyValues(n, seed + k, range, SPECIALS));
            const p = values(1, 3),
              g = values(2, 2),
              m = values(3, 1);
            // second moments are non-negative, as the optimizer keeps them (a negative one is NaN either way)
            const v = array(dtype, spikyValues(n, seed + 4, 1, [0, 1e-30, Infinity]).map(Math.abs));
            const vmax = amsgrad ? array(dtype, spikyValues(n, seed + 5, 1, [0, NaN]).map(Math.abs)) : undefined;
            const coef = array(dtype, [bc, step]);
            const c = { beta1, beta2, eps };
            const want = unfused(p, g, m, v, vmax, coef, c);
            const [p2, m2, v2, x2] = [p, m, v, vmax].map((x) => x && copy(x));
            const calls = fallback.calls.adamUpdate ?? 0;
            backend.adamUpdate(p2!, g, m2!, v2!, x2, coef, c);
            expectBitIdentical(p2!, want.p);
            expectBitIdentical(m2!, want.m);
            expectBitIdentical(v2!, want.v);
            if (x2 !== undefined) expectBitIdentical(x2, want.vmax!);
            // the wasm kernel ran the step itself from 256 elements on
            if (name !== 'js' && n >= 256) expect(fallback.calls.adamUpdate ?? 0).toBe(calls);
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe('adamUpdate: operands that do not fit', () => {
  const c = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const f32 = (n: number, v = 1) =>
    array(
      'float32',
      Array.from({ length: n }, (_, i) => v + i),
    );
  for (const [name, backend] of backends.slice(0, 2)) {
    it(`${name}: a typed error naming adamUpdate and the operand, nothing written`, () => {
      const p = f32(300),
        g = f32(300, 2),
        m = f32(300, 3),
        v = f32(300, 4);
      const coef = f32(2, 0.5);
      const before = [p, g, m, v].map(copy);
      const cases: [() => void, typeof ShapeError | typeof DTypeError, RegExp][] = [
        [
          () => adamUpdate(p, array('float64', Array(300).fill(1)), m, v, undefined, coef, c),
          DTypeError,
          /g is float64/,
        ],
        [() => adamUpdate(p, g, f32(299), v, undefined, coef, c), ShapeError, /m has shape \[299\]/],
        [() => adamUpdate(p, g, m, v, f32(10), coef, c), ShapeError, /vmax has shape \[10\]/],
        [() => adamUpdate(p, g, m, m, undefined, coef, c), ShapeError, /m and v share storage/],
        [
          () =>
            adamUpdate(
              p.reshape([20, 15]),
              g.reshape([15, 20]).transpose(),
              m.reshape([20, 15]),
              v.reshape([20, 15]),
              undefined,
              coef,
              c,
            ),
          ShapeError,
          /g must be contiguous/,
        ],
        [() => adamUpdate(p, g, m, v, undefined, f32(3), c), ShapeError, /coefficients must be 2 elements of float32/],
        [
          () => adamUpdate(array('float32', [1]).expand([300]), g, m, v, undefined, coef, c),
          ShapeError,
          /p must be contiguous/,
        ],
      ];
      withBackend(backend, () => {
        for (const [call, type, message] of cases) {
          expect(call).toThrow(type);
          expect(call).toThrow(message);
          expect(call).toThrow(/^adamUpdate: /);
        }
      });
      for (const [i, x] of [p, g, m, v].entries()) expectBitIdentical(x, before[i]!);
    });
  }
});

describe.skipIf(!wasmSupported())('adamUpdate: resident operands', () => {
  it('updates p, m, v and vmax where they are in wasm memory, with the bits of the reference', () => {
    const wasm = backends[1]![1];
    const memory = residentMemory(wasm)!;
    for (const dtype of ['float32', 'float64'] as const) {
      const n = 1000;
      const bytes = dtype === 'float32' ? 4 : 8;
      const blocks = Array.from({ length: 5 }, () => memory.allocate(n * bytes)!);
      // views made after every block is allocated (a later allocation may grow the memory)
      const resident = blocks.map((b, k) => {
        const buffer = b.buffer() as ArrayBuffer;
        const data =
          dtype === 'float32' ? new Float32Array(buffer, b.byteOffset, n) : new Float64Array(buffer, b.byteOffset, n);
        data.set(spikyValues(n, 40 + k, 2, [0, -0]).map((v) => (k >= 3 ? Math.abs(v) : v)));
        return new NDArray(data, [n]);
      });
      const [p, g, m, v, vmax] = resident as [NDArray, NDArray, NDArray, NDArray, NDArray];
      const coef = array(dtype, [0.3, -0.01]);
      const c = { beta1: 0.9, beta2: 0.99, eps: 1e-8 };
      const [p2, m2, v2, x2] = [p, m, v, vmax].map(copy) as [NDArray, NDArray, NDArray, NDArray];
      jsBackend.adamUpdate(p2, g, m2, v2, x2, coef, c);
      const calls = fallback.calls.adamUpdate ?? 0;
      wasm.adamUpdate(p, g, m, v, vmax, coef, c);
      expect(fallback.calls.adamUpdate ?? 0).toBe(calls);
      for (const [got, want] of [
        [p, p2],
        [m, m2],
        [v, v2],
        [vmax, x2],
      ] as const)
        expectBitIdentical(got, want);
      for (const b of blocks) b.free();
    }
  });

  it('adamUpdateFits says whether adamUpdate takes the operands', () => {
    const z = (shape: number[], dtype: FloatDType = 'float32') =>
      array(dtype, Array(shape[0]! * (shape[1] ?? 1)).fill(0), shape);
    expect(adamUpdateFits(z([3, 2]), z([3, 2]), z([3, 2]), z([3, 2]), undefined, z([2]))).toBe(true);
    expect(adamUpdateFits(z([3, 2]), z([3, 2]), z([3, 2]), z([3, 2]), z([3, 2]), z([2]))).toBe(true);
    expect(adamUpdateFits(z([2, 3]).transpose(), z([3, 2]), z([3, 2]), z([3, 2]), undefined, z([2]))).toBe(false);
    expect(adamUpdateFits(z([3, 2]), z([3, 2], 'float64'), z([3, 2]), z([3, 2]), undefined, z([2]))).toBe(false);
    const m = z([3, 2]);
    expect(adamUpdateFits(z([3, 2]), z([3, 2]), m, m, undefined, z([2]))).toBe(false);
    expect(adamUpdateFits(z([3, 2]), z([3, 2]), z([3, 2]), z([3, 2]), undefined, z([3]))).toBe(false);
  });
});
