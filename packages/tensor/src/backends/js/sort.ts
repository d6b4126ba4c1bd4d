import { allocate } from '../../dtype.js';
import type { Backend } from '../../backend.js';
import { NDArray } from '../../ndarray.js';

/**
 * Whether value a goes before value b: ascending, NaN above everything (as PyTorch sorts it), or
 * descending, NaN first. Equal values (and two NaNs) are not ordered: the merge keeps their order.
 */
function before(a: number, b: number, descending: boolean): boolean {
  return descending ? a > b || (a !== a && b === b) : a < b || (b !== b && a === a);
}

/**
 * Stable bottom-up merge sort of the positions 0..n-1 by `values` (`order` holds the result,
 * `scratch` is a buffer of the same length): runs of width 1, 2, 4, ... are merged, and on ties the
 * left run's position goes first, so equal values keep their order in both directions.
 */
function mergeSort(values: Float64Array, order: Int32Array, scratch: Int32Array, n: number, desc: boolean): void {
  let src = order,
    dst = scratch;
  for (let k = 0; k < n; k++) src[k] = k;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n),
        hi = Math.min(lo + 2 * width, n);
      let i = lo,
        j = mid,
        k = lo;
      while (i < mid && j < hi) dst[k++] = before(values[src[j]!]!, values[src[i]!]!, desc) ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src.subarray(0, n));
}

/**
 * The stable sorting permutation along `axis`: out[..., k, ...] is the position along `axis` of
 * the k-th smallest (largest when `descending`) element of its slice; int32, x's shape.
 */
export function argsort(x: NDArray, axis: number, descending: boolean): NDArray {
  const c = x.contiguous();
  const shape = x.shape;
  let outer = 1,
    inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  const n = shape.length === 0 ? 1 : shape[axis]!;
  const out = new NDArray(allocate('int32', outer * n * inner, 'argsort'), [...shape]);
  const o = out.data,
    d = c.data;
  const values = new Float64Array(n);
  const order = new Int32Array(n),
    scratch = new Int32Array(n);
  for (let b = 0; b < outer; b++) {
    for (let i = 0; i < inner; i++) {
      const base = b * n * inner + i;
      for (let k = 0; k < n; k++) values[k] = d[c.offset + base + k * inner]!;
      mergeSort(values, order, scratch, n, descending);
      for (let k = 0; k < n; k++) o[base + k * inner] = order[k]!;
    }
  }
  return out;
}

/** The sorting kernels of the reference backend. */
export const sortFamily = { argsort } satisfies Partial<Backend>;
