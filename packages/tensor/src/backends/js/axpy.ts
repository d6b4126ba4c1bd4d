import type { Backend } from '../../backend.js';
import type { NDArray } from '../../ndarray.js';
import { composedAddScaledInPlace } from '../compose.js';
import { assign } from './copy.js';
import { binary } from './elementwise.js';

const KERNELS = { binary, assign };

/**
 * y ← y + α·x in place (Backend.addScaledInPlace): the product rounded to y's dtype, then the
 * sum, as the two ops would give. One tight loop for contiguous float arrays of one dtype; other
 * cases run the two ops.
 */
export function addScaledInPlace(y: NDArray, x: NDArray, alpha: number): void {
  const dtype = y.dtype;
  if (y.isContiguous && x.isContiguous && x.dtype === dtype) {
    if (dtype === 'float32') {
      axpyF32(y.data as Float32Array, y.offset, x.data as Float32Array, x.offset, y.size, alpha);
      return;
    }
    if (dtype === 'float64') {
      axpyF64(y.data as Float64Array, y.offset, x.data as Float64Array, x.offset, y.size, alpha);
      return;
    }
  }
  composedAddScaledInPlace(KERNELS, y, x, alpha);
}

// One monomorphic loop per dtype (a loop over a union of typed arrays runs several times slower).
function axpyF32(yd: Float32Array, yo: number, xd: Float32Array, xo: number, n: number, alpha: number): void {
  // fround after the product: the float32 product, then the float32 sum (each exact in float64 first)
  const a = Math.fround(alpha);
  for (let i = 0; i < n; i++) yd[yo + i] = yd[yo + i]! + Math.fround(xd[xo + i]! * a);
}

function axpyF64(yd: Float64Array, yo: number, xd: Float64Array, xo: number, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) yd[yo + i] = yd[yo + i]! + xd[xo + i]! * alpha;
}

/** The in-place update kernel of the reference backend. */
export const axpyFamily = { addScaledInPlace } satisfies Partial<Backend>;
