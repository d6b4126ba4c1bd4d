/** Test helpers for comparing backends: run under a backend, read raw values, compare bit for bit. */
import { expect } from 'vitest';
import { type Backend, NDArray, cast, getBackend, jsBackend, setBackend } from '../src/index.js';
import { filler } from './helpers.js';

/** Runs `f` with `b` as the current backend, then restores the previous one. */
export function withBackend<R>(b: Backend, f: () => R): R {
  const before = getBackend();
  setBackend(b);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}

/** Row-major raw values of any view (bool as 0/1). */
export function rawValues(x: NDArray): number[] {
  return Array.from(jsBackend.copy(x, x.dtype).data);
}

/** Same shape, dtype and bits (Object.is: -0 differs from 0, NaN matches NaN); names the first differing element. */
export function expectBitIdentical(got: NDArray, want: NDArray): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const g = rawValues(got),
    w = rawValues(want);
  expect(g.length).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (!Object.is(g[i], w[i])) throw new Error(`element ${i}: got ${g[i]}, want ${w[i]}`);
  }
}

/**
 * A proxy of jsBackend counting the calls that reach it, to check that a wasm kernel really ran
 * (no call to its fallback).
 */
export function countingFallback(): { backend: Backend; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const backend = new Proxy(jsBackend, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend, calls };
}

/**
 * A contiguous float array of `shape` with values in [-2, 2) and an occasional exact zero (2%), from
 * `seed`; with `positive`, |v| + 0.25 instead.
 */
export function randomArray(
  shape: readonly number[],
  dtype: 'float32' | 'float64',
  seed: number,
  positive = false,
): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const r = filler(seed, 0.02);
  for (let i = 0; i < n; i++) data[i] = positive ? Math.abs(r()) + 0.25 : r();
  return new NDArray(data, [...shape]);
}

/**
 * The stated bound of a native gemm: |got − A·B| ≤ 2·k·ε·(|A|·|B|) elementwise, ε the dtype's unit
 * roundoff (a sum of k products rounded in some order), A·B and |A|·|B| computed in float64.
 * `got` holds the product's row-major values (batches included).
 */
export function expectWithinGemmBound(a: NDArray, b: NDArray, got: readonly number[]): void {
  const f64 = (x: NDArray) => cast(x, 'float64');
  const abs = (x: NDArray) => jsBackend.unary('abs', x, x.dtype);
  const want = rawValues(jsBackend.matmul(f64(a), f64(b), 'float64'));
  const scale = rawValues(jsBackend.matmul(f64(abs(a)), f64(abs(b)), 'float64'));
  const k = a.shape[a.ndim - 1]!;
  const eps = a.dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2 * k * eps * scale[i]! + 1e-300);
}
