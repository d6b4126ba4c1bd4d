/**
 * Test helpers: a central-difference gradient checker in float64 (until autograd's gradcheck
 * lands) and float comparisons.
 */
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { expect } from 'vitest';

export interface CheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Compares the analytic gradient of sum(f(inputs) · w) (w a fixed random weighting, so every
 * output element matters) with central differences, for every element of every float input.
 * Inputs must be float64 leaves that require grad. Throws with the worst element on failure.
 */
export function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: CheckOptions = {}): void {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  for (const x of inputs)
    if (x.requiresGrad && x.dtype !== 'float64') throw new Error('checkGradients: inputs must be float64');
  const out0 = f(...inputs);
  const weights = T.rand(out0.shape, { rng: new T.Rng(12345), dtype: 'float64' });
  const scalar = (): number => {
    const y = f(...inputs);
    return T.sum(T.mul(T.cast(y.value, 'float64'), weights)).item();
  };
  for (const x of inputs) x.grad = null;
  const y = f(...inputs);
  y.mul(new Tensor(weights)).sum().backward();
  inputs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const data = x.value.data as Float64Array;
    if (!x.value.isContiguous || x.value.offset !== 0) throw new Error('checkGradients: inputs must be contiguous');
    const analytic =
      x.grad === null
        ? new Float64Array(x.numel())
        : (T.cast(x.grad.value, 'float64').contiguous().data as Float64Array);
    for (let i = 0; i < data.length; i++) {
      const orig = data[i]!;
      data[i] = orig + eps;
      const plus = scalar();
      data[i] = orig - eps;
      const minus = scalar();
      data[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradient mismatch at input ${xi}, element ${i}: analytic ${a}, numeric ${numeric}`);
      }
    }
  });
}

/** Expects nested arrays of numbers to be close. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-6): void {
  const a = [actual].flat(Infinity as 1) as number[];
  const e = [expected].flat(Infinity as 1) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (!(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)))) {
      throw new Error(`element ${i}: got ${v}, expected ${e[i]} (tol ${tol})`);
    }
  });
}

/** A float64 leaf requiring grad from random normal values. */
export function randLeaf(shape: number[], seed: number, scale = 1): Tensor {
  const v = T.mul(T.randn(shape, { rng: new T.Rng(seed), dtype: 'float64' }), scale);
  return new Tensor(v, { requiresGrad: true });
}
