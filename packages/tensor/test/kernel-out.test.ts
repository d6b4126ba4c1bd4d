/**
 * The `out` argument of reduce, activationGrad, copy, where, compare, clamp, maxPoolGrad, maxPool,
 * fusedLstmCell, fusedGruCell, gather and indexSelect: written into `out` (garbage before, a view at
 * an offset of a larger buffer), the reference and the wasm backend (whole, and in blocks) give the
 * bits they give without `out`, return `out` itself and write nothing outside it (what a compiled
 * plan relies on); an `out` of the wrong shape, dtype or layout is a typed error naming the kernel.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActivationGradOp,
  type Backend,
  type CompareOp,
  type DType,
  DTypeError,
  NDArray,
  Rng,
  ShapeError,
  convGeometry,
  createWasmBackend,
  jsBackend,
  randint,
  type ReduceOp,
} from '../src/index.js';
import { countingFallback } from './backend-helpers.js';
import { type FloatDType, type Layout, expectSameInto, garbage, operand } from './out-helpers.js';

const wasm = countingFallback();
const blocked = countingFallback();
/** Each backend, and the calls that reached its TypeScript fallback (none for the reference itself). */
const backends: [string, Backend, Record<string, number> | null][] = [
  ['reference', jsBackend, null],
  ['wasm', createWasmBackend(wasm.backend, { threads: 1 }), wasm.calls],
  // elementwise calls over more than 1500 elements run block by block, each block into a view of out
  ['wasm in blocks', createWasmBackend(blocked.backend, { threads: 1, chunkElements: 1500 }), blocked.calls],
];

/** The kernels the wasm backend computes itself (for some cases; the others are the fallback's). */
const WASM_KERNELS = new Set([
  'reduce',
  'activationGrad',
  'copy',
  'where',
  'compare',
  'clamp',
  'maxPoolGrad',
  'maxPool',
]);

/** Shapes of 1 to 3 axes: small ones (the wasm kernels decline them) and ones past the wasm thresholds and a block. */
const dims = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
  fc.tuple(fc.integer({ min: 8, max: 40 }), fc.integer({ min: 16, max: 96 })),
  fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 16, max: 64 })),
);
const layout = fc.constantFrom<Layout>('contiguous', 'transposed');
const floatDtype = fc.constantFrom<FloatDType>('float32', 'float64');
const anyDtype = fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool');
const seed = fc.integer({ min: 0, max: 10_000 });
const RUNS = { numRuns: 40, seed: 11 };

describe.each(backends)('%s: kernels write into out', (_name, be, calls) => {
  /**
   * Checks `body` on values of `arb`; on a wasm backend, also that the wasm kernel computed some of
   * the cases itself (no call of `kernel` reached the fallback).
   */
  function check<V>(kernel: string, arb: fc.Arbitrary<V>, body: (v: V) => void): void {
    let ran = 0;
    const property = fc.property(arb, (v) => {
      const before = calls?.[kernel] ?? 0;
      body(v);
      if ((calls?.[kernel] ?? 0) === before) ran++;
    });
    fc.assert(property, RUNS);
    if (calls !== null && WASM_KERNELS.has(kernel)) expect(ran).toBeGreaterThan(2);
  }

  it('reduce', () => {
    const cases = fc.record({ shape: dims, layout, dtype: floatDtype, widen: fc.boolean(), mask: seed, seed });
    const op = fc.constantFrom<ReduceOp>('sum', 'max', 'min', 'prod');
    check('reduce', fc.tuple(cases, op), ([{ shape, layout, dtype, widen, mask, seed }, op]) => {
      const x = operand(shape, dtype, new Rng(seed), layout);
      const picked = shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
      const axes = picked.length === 0 ? shape.map((_, i) => i) : picked;
      const outDtype = widen ? 'float64' : dtype;
      expectSameInto((out) => be.reduce(op, x, axes, outDtype, out));
    });
  });

  it('activationGrad', () => {
    const cases = fc.record({ shape: dims, layout, dtype: floatDtype, seed });
    const op = fc.constantFrom<ActivationGradOp>('sigmoid', 'tanh', 'relu');
    check('activationGrad', fc.tuple(cases, op), ([{ shape, layout, dtype, seed }, op]) => {
      const rng = new Rng(seed);
      const g = operand(shape, dtype, rng, layout),
        saved = operand(shape, dtype, rng);
      expectSameInto((out) => be.activationGrad(op, g, saved, out));
    });
  });

  it('copy', () => {
    const to = fc.oneof(floatDtype, anyDtype); // the wasm kernel converts to floats
    const cases = fc.record({ shape: dims, layout, from: anyDtype, to, seed });
    check('copy', cases, ({ shape, layout, from, to, seed }) => {
      const x = operand(shape, from, new Rng(seed), layout);
      expectSameInto((out) => be.copy(x, to, out));
    });
  });

  it('where', () => {
    const dtype = fc.constantFrom<DType>('float32', 'float64', 'int32');
    const cases = fc.record({ shape: dims, layout, dtype, scalarB: fc.boolean(), seed });
    check('where', cases, ({ shape, layout, dtype, scalarB, seed }) => {
      const rng = new Rng(seed);
      const cond = operand(shape, 'bool', rng, layout),
        a = operand(shape, dtype, rng);
      const b = scalarB ? operand([], dtype, rng).expand(shape) : operand(shape, dtype, rng, layout);
      expectSameInto((out) => be.where(cond, a, b, dtype, out));
    });
  });

  it('compare', () => {
    const dtype = fc.constantFrom<DType>('float32', 'float64', 'int32');
    const op = fc.constantFrom<CompareOp>('eq', 'ne', 'lt', 'le', 'gt', 'ge');
    const cases = fc.record({ shape: dims, layout, dtype, scalarB: fc.boolean(), seed });
    check('compare', fc.tuple(cases, op), ([{ shape, layout, dtype, scalarB, seed }, op]) => {
      const rng = new Rng(seed);
      const a = operand(shape, dtype, rng, layout);
      const b = scalarB ? operand([], dtype, rng).expand(shape) : operand(shape, dtype, rng);
      expectSameInto((out) => be.compare(op, a, b, out));
    });
  });

  it('clamp', () => {
    const cases = fc.record({ shape: dims, layout, dtype: floatDtype, lo: fc.double({ min: -2, max: 0 }), seed });
    check('clamp', cases, ({ shape, layout, dtype, lo, seed }) => {
      const x = operand(shape, dtype, new Rng(seed), layout);
      expectSameInto((out) => be.clamp(x, lo, lo + 1.25, dtype, out));
    });
  });

  /** Pooling windows over [n, c, h, w] inputs of either layout (padding at most half the kernel). */
  const pools = fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 3, max: 16 }),
    w: fc.integer({ min: 3, max: 16 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 1 }),
    layout,
    dtype: floatDtype,
    seed,
  });

  it('maxPoolGrad', () => {
    check('maxPoolGrad', pools, ({ n, c, h, w, k, stride, padding, layout, dtype, seed }) => {
      const rng = new Rng(seed);
      const x = operand([n, c, h, w], dtype, rng, layout);
      const geo = convGeometry('test', h, w, { kernel: k, stride, padding: Math.min(padding, k >> 1) });
      const [oh, ow] = geo.output;
      const cols = jsBackend.im2col(x, geo, -Infinity).reshape([n, c, geo.kernel[0] * geo.kernel[1], oh * ow]);
      const maxima = jsBackend.reduce('max', cols, [2], dtype).reshape([n, c, oh, ow]);
      const g = operand([n, c, oh, ow], dtype, rng);
      expectSameInto((into) => be.maxPoolGrad(x, maxima, g, geo, into));
    });
  });

  it('maxPool', () => {
    check('maxPool', pools, ({ n, c, h, w, k, stride, padding, layout, dtype, seed }) => {
      const x = operand([n, c, h, w], dtype, new Rng(seed), layout);
      const geo = convGeometry('test', h, w, { kernel: k, stride, padding: Math.min(padding, k >> 1) });
      expectSameInto((out) => be.maxPool(x, geo, out));
    });
  });

  const cell = fc.record({
    lead: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }),
    hidden: fc.integer({ min: 1, max: 40 }),
    layout,
    dtype: floatDtype,
    seed,
  });

  it('fusedLstmCell', () => {
    check('fusedLstmCell', cell, ({ lead, hidden, layout, dtype, seed }) => {
      const rng = new Rng(seed);
      const gates = operand([...lead, 4 * hidden], dtype, rng, layout),
        c = operand([...lead, hidden], dtype, rng);
      expectSameInto((out) => be.fusedLstmCell(gates, c, out));
    });
  });

  it('fusedGruCell', () => {
    check('fusedGruCell', cell, ({ lead, hidden, layout, dtype, seed }) => {
      const rng = new Rng(seed);
      const xGates = operand([...lead, 3 * hidden], dtype, rng),
        hGates = operand([...lead, 3 * hidden], dtype, rng, layout),
        h = operand([...lead, hidden], dtype, rng, layout);
      expectSameInto((out) => be.fusedGruCell(xGates, hGates, h, out));
    });
  });

  const picks = fc.record({
    shape: dims,
    layout,
    dtype: fc.constantFrom<DType>('float32', 'float64', 'int32'),
    axisSeed: seed,
    count: fc.integer({ min: 1, max: 9 }),
    seed,
  });

  it('gather', () => {
    check('gather', picks, ({ shape, layout, dtype, axisSeed, count, seed }) => {
      const rng = new Rng(seed);
      const x = operand(shape, dtype, rng, layout);
      const axis = axisSeed % shape.length;
      const indexShape = shape.map((d, i) => (i === axis ? count : d));
      const index = randint(0, shape[axis]!, indexShape, { rng });
      expectSameInto((out) => be.gather(x, axis, index, out));
    });
  });

  it('indexSelect', () => {
    check('indexSelect', picks, ({ shape, layout, dtype, axisSeed, count, seed }) => {
      const rng = new Rng(seed);
      const x = operand(shape, dtype, rng, layout);
      const axis = axisSeed % shape.length;
      const index = randint(0, shape[axis]!, [count], { rng });
      expectSameInto((out) => be.indexSelect(x, axis, index, out));
    });
  });
});

describe('a fallback that ignores out', () => {
  it('wasm blocks it computes are still copied into out', () => {
    // the wasm kernels decline transposed operands, so every block goes to a fallback that drops `out`
    const dropping: Backend = {
      ...jsBackend,
      where: (c, a, b, d) => jsBackend.where(c, a, b, d),
      compare: (op, a, b) => jsBackend.compare(op, a, b),
      activationGrad: (op, g, s) => jsBackend.activationGrad(op, g, s),
    };
    const be = createWasmBackend(dropping, { threads: 1, chunkElements: 300 });
    const r = new Rng(3);
    const a = operand([40, 64], 'float32', r, 'transposed'),
      b = operand([40, 64], 'float32', r, 'transposed');
    const cond = operand([40, 64], 'bool', r);
    expectSameInto((out) => be.where(cond, a, b, 'float32', out));
    expectSameInto((out) => be.compare('le', a, b, out));
    expectSameInto((out) => be.activationGrad('tanh', a.contiguous(), b.contiguous(), out));
  });
});

/** A kernel call on [24, 32]-sized operands (past the wasm kernels' size thresholds), its result's shape and dtype. */
interface OutCase {
  readonly kernel: string;
  readonly call: (be: Backend, out: NDArray) => NDArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const rng = new Rng(7);
const [f32, g32] = [operand([24, 32], 'float32', rng), operand([24, 32], 'float32', rng)];
const cond = operand([24, 32], 'bool', rng);
const pool = convGeometry('test', 24, 32, { kernel: 2, stride: 2 });
const image = f32.reshape([1, 1, 24, 32]);
const maxima = jsBackend
  .reduce('max', jsBackend.im2col(image, pool, -Infinity).reshape([1, 1, 4, 12 * 16]), [2], 'float32')
  .reshape([1, 1, 12, 16]);
const CASES: OutCase[] = [
  {
    kernel: 'reduce',
    call: (be, o) => be.reduce('sum', f32.reshape([24, 16, 2]), [2], 'float32', o),
    shape: [24, 16],
    dtype: 'float32',
  },
  {
    kernel: 'activationGrad',
    call: (be, o) => be.activationGrad('tanh', f32, g32, o),
    shape: [24, 32],
    dtype: 'float32',
  },
  { kernel: 'copy', call: (be, o) => be.copy(f32, 'float64', o), shape: [24, 32], dtype: 'float64' },
  { kernel: 'where', call: (be, o) => be.where(cond, f32, g32, 'float32', o), shape: [24, 32], dtype: 'float32' },
  { kernel: 'compare', call: (be, o) => be.compare('lt', f32, g32, o), shape: [24, 32], dtype: 'bool' },
  { kernel: 'clamp', call: (be, o) => be.clamp(f32, -0.5, 0.5, 'float32', o), shape: [24, 32], dtype: 'float32' },
  {
    kernel: 'maxPoolGrad',
    call: (be, o) => be.maxPoolGrad(image, maxima, maxima, pool, o),
    shape: [1, 1, 24, 32],
    dtype: 'float32',
  },
  { kernel: 'maxPool', call: (be, o) => be.maxPool(image, pool, o), shape: [1, 1, 12, 16], dtype: 'float32' },
  {
    kernel: 'fusedLstmCell',
    call: (be, o) => be.fusedLstmCell(operand([6, 128], 'float32', rng), f32.reshape([6, 4, 32]).select(1, 0), o),
    shape: [7, 6, 32],
    dtype: 'float32',
  },
  {
    kernel: 'fusedGruCell',
    call: (be, o) =>
      be.fusedGruCell(operand([8, 96], 'float32', rng), operand([8, 96], 'float32', rng), f32.slice(0, 0, 8), o),
    shape: [4, 8, 32],
    dtype: 'float32',
  },
  {
    kernel: 'gather',
    call: (be, o) => be.gather(f32, 1, randint(0, 32, [24, 32], { rng }), o),
    shape: [24, 32],
    dtype: 'float32',
  },
  {
    kernel: 'indexSelect',
    call: (be, o) => be.indexSelect(f32, 0, randint(0, 24, [24], { rng }), o),
    shape: [24, 32],
    dtype: 'float32',
  },
];

describe.each(backends)('%s: a bad out is a typed error naming the kernel', (_name, be) => {
  for (const { kernel, call, shape, dtype } of CASES) {
    it(kernel, () => {
      expect(call(be, garbage(shape, dtype))).toBeInstanceOf(NDArray); // a good one is taken
      const longer = [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
      expect(() => call(be, garbage(longer, dtype))).toThrow(ShapeError);
      expect(() => call(be, garbage(longer, dtype))).toThrow(`${kernel}: out has shape`);
      const other = dtype === 'float32' ? 'float64' : 'float32';
      expect(() => call(be, garbage(shape, other))).toThrow(DTypeError);
      expect(() => call(be, garbage(shape, other))).toThrow(`${kernel}: out has dtype ${other}, expected ${dtype}`);
      const reversed = garbage([...shape].reverse(), dtype).permute(shape.map((_, i) => shape.length - 1 - i));
      expect(() => call(be, reversed)).toThrow(`${kernel}: out of shape`);
    });
  }
});
