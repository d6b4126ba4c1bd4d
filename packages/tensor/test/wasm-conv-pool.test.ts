// The wasm sliding-window kernels (im2col, col2im, max pooling's gradient) against the TypeScript
// reference backend, bit for bit (expectBitIdentical: Object.is on every element, so −0 ≠ +0), on
// random geometries (kernel, stride, padding, dilation), dtypes and operand layouts (permuted,
// strided, reversed and broadcast views), with ties, signed zeros, NaN and infinities in the values.
// A counting fallback shows that the wasm kernels really ran. The reference maxPoolGrad is checked
// against the unfused chain it replaces (im2col → max → the max rule's gradient → col2im).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type ConvGeometry,
  type ConvOptions,
  NDArray,
  cast,
  col2im,
  convGeometry,
  div,
  eq,
  im2col,
  jsBackend,
  max,
  mul,
  sum,
} from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { CONV_MIN_SIZE } from '../src/backends/wasm/conv.js';
import { countingFallback, expectBitIdentical, withBackend } from './backend-helpers.js';
import { filler, gridValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';
type Layout = 'contiguous' | 'permuted' | 'strided' | 'reversed' | 'broadcast';

const { backend: counting, calls } = countingFallback();
const wasm = createWasmBackend(counting, { threads: 1 });
/** Blocks of about 64 column elements: im2col then writes and copies out one image at a time. */
const wasmBlocks = createWasmBackend(counting, { threads: 1, chunkElements: 64 });

/** Runs `f` and returns how many calls of `method` reached the TypeScript fallback. */
function fallbackCalls(method: string, f: () => void): number {
  for (const key of Object.keys(calls)) delete calls[key];
  f();
  return calls[method] ?? 0;
}

/**
 * Runs `call` (a wasm kernel), expects `want`'s bits, and where `size` reaches the kernels'
 * threshold, that no call of `method` reached the fallback; returns whether the wasm kernel ran.
 */
function expectWasmBits(method: string, size: number, call: () => NDArray, want: NDArray): boolean {
  let got = want;
  const fell = fallbackCalls(method, () => {
    got = call();
  });
  expectBitIdentical(got, want);
  if (size < CONV_MIN_SIZE) return false;
  expect(fell).toBe(0);
  return true;
}

const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38];

/** Quarters in [-2, 2] (many exact ties, −0 included) with a fraction `special` of specials. */
const fill = (n: number, dtype: FloatDType, seed: number, special: number) =>
  gridValues(n, dtype, seed, special, SPECIALS);

/**
 * An array of `shape` seen through `layout`: its own buffer (contiguous), stored with the axes
 * reversed and permuted back, every other element of a wider last axis, axis 1 reversed
 * (negative stride), or axis 1 broadcast from size 1 (stride 0).
 */
function view(shape: readonly number[], layout: Layout, dtype: FloatDType, seed: number, special = 0.04): NDArray {
  const make = (s: readonly number[]) =>
    new NDArray(
      fill(
        s.reduce((p, d) => p * d, 1),
        dtype,
        seed,
        special,
      ),
      [...s],
    );
  const last = shape.length - 1;
  switch (layout) {
    case 'contiguous':
      return make(shape);
    case 'permuted': {
      const order = shape.map((_, i) => last - i);
      return make(order.map((a) => shape[a]!)).permute(order);
    }
    case 'strided':
      return make(shape.map((d, i) => (i === last ? 2 * d + 1 : d))).slice(last, 1, undefined, 2);
    case 'reversed':
      return make(shape).slice(1, undefined, undefined, -1);
    case 'broadcast':
      return make(shape.map((d, i) => (i === 1 ? 1 : d))).expand(shape);
  }
}

const layoutArb = fc.constantFrom<Layout>('contiguous', 'permuted', 'strided', 'reversed', 'broadcast');
const dtypeArb = fc.constantFrom<FloatDType>('float32', 'float64');

interface Case {
  n: number;
  c: number;
  h: number;
  w: number;
  options: ConvOptions;
}

/** Random windows over random inputs, every kernel fitting its padded input. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    c: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 13 }),
    w: fc.integer({ min: 1, max: 13 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  })
  .filter(({ h, w, kernel, padding, dilation }) =>
    [0, 1].every((a) => [h, w][a]! + 2 * padding[a]! >= dilation[a]! * (kernel[a]! - 1) + 1),
  )
  .map(({ n, c, h, w, ...options }) => ({ n, c, h, w, options }));

const geometry = (k: Case): ConvGeometry => convGeometry('test', k.h, k.w, k.options);

describe('wasm im2col', () => {
  it('copies every element and padding value bit for bit, for any window, dtype and input layout', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        caseArb,
        layoutArb,
        dtypeArb,
        fc.constantFrom(0, -Infinity, 0.1, -0, NaN),
        fc.nat(),
        (k, layout, dtype, pad, seed) => {
          const x = view([k.n, k.c, k.h, k.w], layout, dtype, seed);
          const g = geometry(k);
          const want = jsBackend.im2col(x, g, pad);
          if (expectWasmBits('im2col', want.size, () => wasm.im2col(x, g, pad), want)) ran++;
        },
      ),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(50);
  });

  it('gives the same bits when the columns are written and copied out a block of images at a time', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = view([5, 3, 9, 8], 'permuted', dtype, 7);
      const g = convGeometry('test', 9, 8, { kernel: 3, padding: 1, stride: [2, 1] });
      let got = x;
      expect(fallbackCalls('im2col', () => (got = wasmBlocks.im2col(x, g, -Infinity)))).toBe(0);
      expectBitIdentical(got, jsBackend.im2col(x, g, -Infinity));
    }
  });
});

describe('wasm col2im', () => {
  it('adds the overlapping entries in the reference order, bit for bit, for any window and layout', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, layoutArb, dtypeArb, fc.nat(), (k, layout, dtype, seed) => {
        const g = geometry(k);
        const rows = k.c * g.kernel[0] * g.kernel[1];
        // mostly ordinary values, so that sums of several entries round (and would show a reordering)
        const cols = view([k.n, rows, g.output[0] * g.output[1]], layout, dtype, seed, 0.01);
        const cd = cols.data;
        const r = filler(seed + 1);
        for (let i = 0; i < cd.length; i++) if (Number.isFinite(cd[i]!)) cd[i] = cd[i]! + r() * 1e-3;
        const want = jsBackend.col2im(cols, g, k.c, k.h, k.w);
        if (expectWasmBits('col2im', cols.size, () => wasm.col2im(cols, g, k.c, k.h, k.w), want)) ran++;
      }),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(50);
  });
});

/**
 * Max pooling's gradient as the unfused chain computes it (reference backend): im2col with −∞
 * padding, the window maxima, g·[x = max] / #ties per window (autograd's max rule), col2im.
 */
function chainGrad(x: NDArray, gOut: NDArray, k: Case): { out: NDArray; grad: NDArray } {
  return withBackend(jsBackend, () => {
    const g = geometry(k);
    const taps = g.kernel[0] * g.kernel[1],
      L = g.output[0] * g.output[1];
    const cols = im2col(x, k.options, -Infinity).reshape([k.n, k.c, taps, L]);
    const m = max(cols, 2, true);
    const mask = eq(cols, m);
    const count = sum(cast(mask, x.dtype), 2, true);
    const share = div(mul(gOut.contiguous().reshape([k.n, k.c, 1, L]), mask), count);
    const grad = col2im(share.reshape([k.n, k.c * taps, L]), [k.h, k.w], k.options);
    return { out: m.reshape([k.n, k.c, ...g.output]), grad };
  });
}

describe('maxPoolGrad', () => {
  it('the reference gives the bits of the unfused chain (ties, padding, overlapping windows, NaN)', () => {
    fc.assert(
      fc.property(caseArb, layoutArb, layoutArb, dtypeArb, fc.nat(), (k, xLayout, gLayout, dtype, seed) => {
        const x = view([k.n, k.c, k.h, k.w], xLayout, dtype, seed);
        const gOut = view([k.n, k.c, ...geometry(k).output], gLayout, dtype, seed + 1);
        const { out, grad } = chainGrad(x, gOut, k);
        expectBitIdentical(jsBackend.maxPoolGrad(x, out, gOut, geometry(k)), grad);
      }),
      { numRuns: 200 },
    );
  });

  it('wasm matches the reference bit for bit, for any window, dtype and operand layouts', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, layoutArb, layoutArb, dtypeArb, fc.nat(), (k, xLayout, gLayout, dtype, seed) => {
        const g = geometry(k);
        const x = view([k.n, k.c, k.h, k.w], xLayout, dtype, seed);
        const gOut = view([k.n, k.c, ...g.output], gLayout, dtype, seed + 1);
        const { out } = chainGrad(x, gOut, k);
        const want = jsBackend.maxPoolGrad(x, out, gOut, g);
        if (expectWasmBits('maxPoolGrad', x.size, () => wasm.maxPoolGrad(x, out, gOut, g), want)) ran++;
      }),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(40);
  });

  it('wasm matches on disjoint windows (stride ≥ kernel, no padding: one share per position), SIMD and tails', () => {
    const disjointArb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        // 2-wide windows of stride 2 (the SIMD path) half the time
        kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.oneof(fc.constant(2), fc.integer({ min: 1, max: 3 }))),
        extra: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1 }))),
        h: fc.integer({ min: 3, max: 14 }),
        w: fc.integer({ min: 3, max: 27 }),
      })
      .map(({ n, c, kernel, extra, h, w }) => ({
        n,
        c,
        h,
        w,
        options: { kernel, stride: [kernel[0] + extra[0], kernel[1] + extra[1]] as [number, number] },
      }));
    const mostlyContiguous = fc.oneof(fc.constant<Layout>('contiguous'), layoutArb);
    let ran = 0;
    fc.assert(
      fc.property(
        disjointArb,
        mostlyContiguous,
        mostlyContiguous,
        dtypeArb,
        fc.nat(),
        (k, xLayout, gLayout, dtype, seed) => {
          const g = geometry(k);
          const x = view([k.n, k.c, k.h, k.w], xLayout, dtype, seed, 0.1);
          const gOut = view([k.n, k.c, ...g.output], gLayout, dtype, seed + 1, 0.1);
          const { out, grad } = chainGrad(x, gOut, k);
          if (expectWasmBits('maxPoolGrad', x.size, () => wasm.maxPoolGrad(x, out, gOut, g), grad)) ran++;
        },
      ),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(100);
  });

  it('wasm matches on LeNet-sized pools, where the SIMD rows run (2x2 stride 2, 3x3 stride 1 padded)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const options of [
        { kernel: 2, stride: 2 },
        { kernel: 3, stride: 1, padding: 1 },
      ] as ConvOptions[]) {
        const k: Case = { n: 4, c: 3, h: 24, w: 22, options };
        const x = view([4, 3, 24, 22], 'contiguous', dtype, 3, 0.02);
        const gOut = view([4, 3, ...geometry(k).output], 'contiguous', dtype, 4, 0.02);
        const { out, grad } = chainGrad(x, gOut, k);
        expect(expectWasmBits('maxPoolGrad', x.size, () => wasm.maxPoolGrad(x, out, gOut, geometry(k)), grad)).toBe(
          true,
        );
      }
    }
  });
});

/** The window maxima by the chain maxPool replaces: im2col with −∞ padding, then a max over the taps. */
function chainMax(x: NDArray, k: Case): NDArray {
  const g = geometry(k);
  return withBackend(jsBackend, () =>
    max(im2col(x, k.options, -Infinity).reshape([k.n, k.c, g.kernel[0] * g.kernel[1], -1]), 2).reshape([
      k.n,
      k.c,
      ...g.output,
    ]),
  );
}

describe('maxPool', () => {
  it('the reference and wasm give the bits of im2col (−∞ padding) → max, for any window, dtype and layout', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, layoutArb, dtypeArb, fc.nat(), (k, xLayout, dtype, seed) => {
        const x = view([k.n, k.c, k.h, k.w], xLayout, dtype, seed, 0.1);
        const want = chainMax(x, k);
        expectBitIdentical(jsBackend.maxPool(x, geometry(k)), want);
        if (expectWasmBits('maxPool', x.size, () => wasm.maxPool(x, geometry(k)), want)) ran++;
      }),
      { numRuns: 300 },
    );
    expect(ran).toBeGreaterThan(40);
  });

  it('wasm matches on LeNet-sized pools, where the SIMD rows run (strides 1 and 2, tails, signed zeros)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const options of [
        { kernel: 2, stride: 2 },
        { kernel: 3, stride: 2 },
        { kernel: 3, stride: 1, padding: 1 },
      ] as ConvOptions[]) {
        for (const w of [22, 23]) {
          const k: Case = { n: 2, c: 3, h: 24, w, options };
          const x = view([2, 3, 24, w], 'contiguous', dtype, w, 0.3);
          expect(expectWasmBits('maxPool', x.size, () => wasm.maxPool(x, geometry(k)), chainMax(x, k))).toBe(true);
        }
      }
    }
  });

  it('a non-float x or a wrong out is a typed error naming maxPool, on both backends', () => {
    const geo = convGeometry('test', 16, 16, { kernel: 2 });
    const ints = new NDArray(new Int32Array(2 * 2 * 16 * 16), [2, 2, 16, 16]);
    const floats = view([2, 2, 16, 16], 'contiguous', 'float32', 1);
    for (const be of [jsBackend, wasm]) {
      expect(() => be.maxPool(ints, geo)).toThrow(/maxPool: expected a float32 or float64 x, got int32/);
      expect(() => be.maxPool(floats, geo, new NDArray(new Float32Array(2 * 2 * 8 * 7), [2, 2, 8, 7]))).toThrow(
        /maxPool/,
      );
    }
  });
});
