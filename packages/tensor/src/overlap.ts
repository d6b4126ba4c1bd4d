import type { NDArray } from './ndarray.js';

/** The byte range [start, end) of the buffer that a view can touch. */
function byteSpan(x: NDArray): [number, number] {
  let lo = x.offset,
    hi = x.offset;
  for (let d = 0; d < x.ndim; d++) {
    const extent = (x.shape[d]! - 1) * x.strides[d]!;
    if (extent < 0) lo += extent;
    else hi += extent;
  }
  const bytes = x.data.BYTES_PER_ELEMENT;
  return [x.data.byteOffset + lo * bytes, x.data.byteOffset + (hi + 1) * bytes];
}

/** Whether a and b are the same view of the same storage (element i of one is element i of the other). */
export function sameView(a: NDArray, b: NDArray): boolean {
  return (
    a.data.buffer === b.data.buffer &&
    a.data.byteOffset === b.data.byteOffset &&
    a.offset === b.offset &&
    a.data.BYTES_PER_ELEMENT === b.data.BYTES_PER_ELEMENT &&
    a.shape.length === b.shape.length &&
    a.shape.every((n, i) => n === b.shape[i] && (n === 1 || a.strides[i] === b.strides[i]))
  );
}

/**
 * Whether writing `dst` while reading `src` elementwise could read an element already overwritten:
 * the two touch overlapping bytes of one buffer and are not the very same view. An in-place op then
 * copies `src` first.
 * @example mayOverlap(x, x.transpose()) // true: x.addInPlace(x.mT()) must copy x.mT() first
 */
export function mayOverlap(dst: NDArray, src: NDArray): boolean {
  if (dst.size === 0 || src.size === 0 || dst.data.buffer !== src.data.buffer) return false;
  if (sameView(dst, src)) return false;
  const [a0, a1] = byteSpan(dst),
    [b0, b1] = byteSpan(src);
  return a0 < b1 && b0 < a1;
}
