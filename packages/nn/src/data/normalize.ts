import { NDArray, ShapeError } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { storageOf } from './feature-scaler.js';

/**
 * Scales each row (the last axis) to unit L2 norm; all-zero rows stay zero. float64 input gives
 * float64, anything else float32. Takes a Tensor (or an NDArray) and returns a new Tensor that
 * records no graph (this is preprocessing).
 * @example
 * ```ts
 * import { normalize } from '@chainrule/nn';
 * import { tensor } from '@chainrule/autograd';
 * normalize(tensor([[3, 4], [0, 0]])).toArray(); // [[0.6, 0.8], [0, 0]]
 * ```
 */
export function normalize(input: Tensor | NDArray): Tensor {
  const x = storageOf('normalize', input);
  if (x.ndim === 0) throw new ShapeError('normalize', 'expected at least one axis, got a 0-d array');
  const c = x.contiguous();
  const src = c.data;
  const width = x.shape[x.ndim - 1]!;
  const out = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  for (let row = 0; row + width <= x.size && width > 0; row += width) {
    // divide by the largest magnitude first so the squares cannot overflow
    let big = 0;
    for (let j = 0; j < width; j++) big = Math.max(big, Math.abs(src[c.offset + row + j]!));
    if (big === 0 || !Number.isFinite(big)) {
      for (let j = 0; j < width; j++)
        out[row + j] = big === 0 ? src[c.offset + row + j]! : src[c.offset + row + j]! / big;
      continue;
    }
    let ss = 0;
    for (let j = 0; j < width; j++) {
      const v = src[c.offset + row + j]! / big;
      ss += v * v;
    }
    const norm = big * Math.sqrt(ss);
    for (let j = 0; j < width; j++) out[row + j] = src[c.offset + row + j]! / norm;
  }
  return new Tensor(new NDArray(out, [...x.shape]));
}
