/** Test helpers on arrays: seeded random values, and element values for bit-for-bit comparisons. */
import { NDArray, type Rng, jsBackend } from '@chainrule/tensor';
import { Tensor } from '../../src/index.js';

export type FloatDType = 'float32' | 'float64';

/** Values uniform in [−scale, scale) of `shape` and `dtype`, from `rng`. */
export function randomArray(shape: readonly number[], dtype: FloatDType, rng: Rng, scale: number): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.uniform() - 0.5) * 2 * scale;
  return new NDArray(data, [...shape]);
}

/** Element values in row-major order (−0 and NaN kept as they are, so toEqual compares bits up to NaN payloads). */
export const values = (t: Tensor | NDArray): number[] =>
  Array.from(jsBackend.copy(t instanceof Tensor ? t.value : t, t.dtype).data as Float32Array | Float64Array);
