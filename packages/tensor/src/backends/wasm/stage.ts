import type { FloatArray } from '../../dtype.js';
import type { NDArray } from '../../ndarray.js';
import { contiguousStrides } from '../../shape.js';
import type { WasmHeap } from './runtime.js';

/** An operand copied into wasm memory: element (i0, i1, ...) is at `ptr + (base + Σ i_d·strides[d])·bytes`. */
export interface Staged {
  /** Byte offset of the copied block. */
  readonly ptr: number;
  /** Element index, within the block, of the view's element (0, 0, ...). */
  readonly base: number;
  /** Element strides (those of the view, or contiguous ones if it was compacted). */
  readonly strides: readonly number[];
}

/** The first and last element the view touches in its buffer (negative strides included). */
export function span(x: NDArray): { lo: number; hi: number } {
  let lo = x.offset, hi = x.offset;
  for (let d = 0; d < x.ndim; d++) {
    const ext = (x.shape[d]! - 1) * x.strides[d]!;
    if (ext < 0) lo += ext;
    else hi += ext;
  }
  return { lo, hi };
}

/**
 * Copies a float view into wasm memory with as little work as possible: the span of the buffer it
 * covers, in one `set` (a memcpy), when that span is not much larger than the view (dense views,
 * transposes, broadcasts); otherwise an element-by-element gather into a contiguous block.
 * Must be called with x.size > 0.
 */
export function stage(heap: WasmHeap, x: NDArray): Staged {
  const f64 = x.dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const data = x.data as FloatArray;
  const { lo, hi } = span(x);
  const n = hi - lo + 1;
  if (n <= 2 * x.size + 1024) {
    const ptr = heap.alloc(n * bytes);
    const view = f64 ? heap.viewF64() : heap.viewF32();
    view.set(data.subarray(lo, hi + 1), ptr / bytes);
    return { ptr, base: x.offset - lo, strides: x.strides };
  }
  const ptr = heap.alloc(x.size * bytes);
  const view = f64 ? heap.viewF64() : heap.viewF32();
  gather(x, view, ptr / bytes);
  return { ptr, base: 0, strides: contiguousStrides(x.shape) };
}

/** Writes the elements of `x` in row-major order into `out` from index `at`. */
function gather(x: NDArray, out: FloatArray, at: number): void {
  const nd = x.ndim;
  const shape = x.shape, strides = x.strides, data = x.data;
  if (nd === 0) {
    out[at] = data[x.offset]!;
    return;
  }
  const inner = shape[nd - 1]!, is = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = x.offset, o = at;
  for (;;) {
    for (let j = 0, p = off; j < inner; j++, p += is) out[o++] = data[p]!;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
