/**
 * Helpers of the `out` tests (kernel-out.test.ts, kernel-into.test.ts): an `out` full of garbage at
 * an offset of a larger buffer, byte comparisons, and the checks that a kernel writes into it what
 * it computes without it, returns it, and touches nothing around it.
 */
import { expect } from 'vitest';
import { type DType, NDArray, type Rng, randint, randn } from '../src/index.js';

export type FloatDType = 'float32' | 'float64';
export type Layout = 'contiguous' | 'transposed';
const BYTES: Record<DType, number> = { bool: 1, int32: 4, float32: 4, float64: 8 };
/** Elements of garbage on each side of `out` in its buffer. */
export const PAD = 3;

function typed(dtype: DType, n: number): NDArray['data'] {
  if (dtype === 'float32') return new Float32Array(n);
  if (dtype === 'float64') return new Float64Array(n);
  return dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

/** `out` of `shape` at offset PAD of a buffer 2·PAD larger, full of garbage (NaN and 1e30 for floats). */
export function garbage(shape: readonly number[], dtype: DType): NDArray {
  const n = shape.reduce((p, d) => p * d, 1) + 2 * PAD;
  const data = typed(dtype, n);
  const junk = dtype === 'int32' ? [2147483647, -12345] : dtype === 'bool' ? [171, 1] : [Number.NaN, 1e30];
  for (let i = 0; i < n; i++) data[i] = junk[i % 2]!;
  return new NDArray(data, [...shape], undefined, PAD);
}

/** The bytes of elements [from, from + count) of x's buffer. */
export function bytesAt(x: NDArray, from: number, count: number): Uint8Array {
  const b = BYTES[x.dtype];
  return new Uint8Array(x.data.buffer, x.data.byteOffset + from * b, count * b).slice();
}

/** The index of the first byte where a and b differ (or differ in length), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Runs `call` without `out`, then into a garbage `out` at an offset: the same bytes, `out` itself
 * returned, the garbage around it untouched.
 */
export function expectSameInto(call: (out?: NDArray) => NDArray): void {
  const want = call();
  expect(want.isContiguous).toBe(true);
  const out = garbage(want.shape, want.dtype);
  const size = want.size;
  const guard = (): Uint8Array[] => [bytesAt(out, 0, PAD), bytesAt(out, PAD + size, PAD)];
  const before = guard();
  expect(call(out)).toBe(out);
  expect(firstDifference(bytesAt(out, PAD, size), bytesAt(want, want.offset, size))).toBe(-1);
  const after = guard();
  for (let i = 0; i < 2; i++) expect(firstDifference(after[i]!, before[i]!)).toBe(-1);
}

/**
 * The same for a kernel with several results (`into` an object of arrays): each field into garbage at
 * an offset, the same bytes as without, the `into` arrays themselves returned, nothing around them touched.
 */
export function expectSameIntoFields<R extends object>(call: (into?: R) => R): void {
  const fields = (r: R): Record<string, NDArray> => r as unknown as Record<string, NDArray>;
  const want = fields(call());
  const into = Object.fromEntries(Object.entries(want).map(([k, v]) => [k, garbage(v.shape, v.dtype)]));
  const guard = (): Uint8Array[] =>
    Object.values(into).flatMap((o) => [bytesAt(o, 0, PAD), bytesAt(o, PAD + o.size, PAD)]);
  const before = guard();
  const got = fields(call(into as unknown as R));
  for (const [k, w] of Object.entries(want)) {
    expect(got[k]).toBe(into[k]);
    expect(firstDifference(bytesAt(into[k]!, PAD, w.size), bytesAt(w, w.offset, w.size))).toBe(-1);
  }
  const after = guard();
  for (let i = 0; i < before.length; i++) expect(firstDifference(after[i]!, before[i]!)).toBe(-1);
}

/** Random values of `shape` and `dtype`, stored contiguously or with the axes reversed and permuted back. */
export function operand(shape: readonly number[], dtype: DType, rng: Rng, layout: Layout = 'contiguous'): NDArray {
  const stored = layout === 'transposed' ? [...shape].reverse() : [...shape];
  const x =
    dtype === 'int32'
      ? randint(-6, 7, stored, { rng })
      : dtype === 'bool'
        ? randint(0, 2, stored, { rng, dtype: 'bool' })
        : randn(stored, { rng, dtype });
  return layout === 'transposed' ? x.permute(shape.map((_, i) => shape.length - 1 - i)) : x;
}
