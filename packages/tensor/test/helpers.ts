/**
 * Test helpers: index arithmetic written independently of the package (row-major flat positions,
 * strided reads), fast-check arbitraries for shapes and data, and tolerance checks.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { type DType, type NDArray, fromTypedArray } from '@chainrule/tensor';

export function product(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Every multi-index of `shape`, in row-major order (one empty index for a scalar). */
export function allIndices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = product(shape);
  for (let f = 0; f < n; f++) out.push(unravel(f, shape));
  return out;
}

/** The multi-index of row-major position `f`. */
export function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = f % shape[d]!;
    f = Math.floor(f / shape[d]!);
  }
  return idx;
}

/** Row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d]! + idx[d]!;
  return f;
}

/** The element at `idx`, read from the raw buffer through shape/strides/offset. */
export function at(x: NDArray, idx: readonly number[]): number {
  let p = x.offset;
  for (let d = 0; d < idx.length; d++) p += idx[d]! * x.strides[d]!;
  return x.data[p]!;
}

/** All elements in row-major order, read from the buffer (not through any kernel). */
export function values(x: NDArray): number[] {
  return allIndices(x.shape).map((i) => at(x, i));
}

/** A float64 array of `shape` whose row-major contents are `vals`. */
export function fromValues(vals: readonly number[], shape: readonly number[], dtype: DType = 'float64'): NDArray {
  const data =
    dtype === 'float64'
      ? Float64Array.from(vals)
      : dtype === 'float32'
        ? Float32Array.from(vals)
        : dtype === 'int32'
          ? Int32Array.from(vals)
          : Uint8Array.from(vals.map((v) => (v ? 1 : 0)));
  return fromTypedArray(data, shape);
}

/** Shapes of rank minRank..maxRank with dimensions minDim..maxDim. */
export function shapeArb(
  opts: { minRank?: number; maxRank?: number; minDim?: number; maxDim?: number } = {},
): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, minDim = 1, maxDim = 4 } = opts;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** Small integers: exact in every float dtype, so sums and products can be compared exactly. */
export const smallInt = fc.integer({ min: -9, max: 9 });

/** Doubles in [-lo, lo], no NaN or infinities. */
export function finite(lo = 10): fc.Arbitrary<number> {
  return fc.double({ min: -lo, max: lo, noNaN: true, noDefaultInfinity: true });
}

/** A float64 array of a given shape filled from `elem`. */
export function arrayOf(
  shape: readonly number[],
  elem: fc.Arbitrary<number> = smallInt,
  dtype: DType = 'float64',
): fc.Arbitrary<NDArray> {
  const n = product(shape);
  return fc.array(elem, { minLength: n, maxLength: n }).map((v) => fromValues(v, shape, dtype));
}

/** A shape and a float64 array of it. */
export function shapedArray(
  opts: Parameters<typeof shapeArb>[0] = {},
  elem: fc.Arbitrary<number> = smallInt,
  dtype: DType = 'float64',
): fc.Arbitrary<NDArray> {
  return shapeArb(opts).chain((s) => arrayOf(s, elem, dtype));
}

/** |a - b| <= atol + rtol·|b| elementwise, with NaN matching NaN and equal infinities matching. */
export function expectClose(actual: readonly number[], expected: readonly number[], rtol: number, atol = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e)))
        expect.fail(`element ${i}: got ${a}, expected ${e}`);
      continue;
    }
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      expect.fail(`element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** float32 unit roundoff. */
export const F32_EPS = 2 ** -24;

/**
 * Deterministic pseudo-random values in [-2, 2) (mulberry32, independent of the library's Rng),
 * with a fraction `zeros` of exact zeros.
 */
export function filler(seed: number, zeros = 0): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return u < zeros ? 0 : u * 4 - 2;
  };
}

/**
 * `n` values on a coarse grid (quarters in [-2, 2]: many exact ties, −0 included), a fraction
 * `special` of them drawn from `specials` (NaN, ±0, ±∞, subnormals, extremes), in `dtype`.
 */
export function gridValues(
  n: number,
  dtype: 'float32' | 'float64',
  seed: number,
  special: number,
  specials: readonly number[],
): Float32Array | Float64Array {
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const r = filler(seed);
  for (let i = 0; i < n; i++) {
    const u = (r() + 2) / 4;
    data[i] =
      u < special
        ? specials[Math.floor(((r() + 2) / 4) * specials.length)]!
        : Math.round(r() * 4) / 4 || (r() < 0 ? -0 : 0);
  }
  return data;
}

/** `n` values in [-range, range) (an LCG), a tenth of them drawn from `specials`. */
export function spikyValues(n: number, seed: number, range: number, specials: readonly number[]): number[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () =>
    rnd() < 0.1 ? specials[Math.floor(rnd() * specials.length)]! : (rnd() - 0.5) * 2 * range,
  );
}
